"""Celery tasks of the accounts app: thin wrappers around domain functions."""

from celery import shared_task

from kob_social.jobs import RELIABLE, job_day

from .domain import purge_expired_sessions as purge
from .domain import reminders


@shared_task(name="accounts.tasks.purge_expired_sessions")
def purge_expired_sessions() -> int:
    return purge()


@shared_task(name="accounts.tasks.warn_expiring_trainings", **RELIABLE)
def warn_expiring_trainings(*, on: str | None = None) -> dict:
    return reminders.warn_expiring_trainings(today=job_day(on))
