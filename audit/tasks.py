"""Celery tasks of the audit log: thin wrappers around domain functions (scheduled in
kob_social/schedules.py); safe to run twice."""

from celery import shared_task

from kob_social.jobs import RELIABLE, job_day

from . import personal_data


@shared_task(name="audit.tasks.purge_personal_data", **RELIABLE)
def purge_personal_data(*, on: str | None = None) -> dict:
    return personal_data.purge_departed(today=job_day(on))
