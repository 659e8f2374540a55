"""Celery tasks of the accounts app: thin wrappers around domain functions."""

from celery import shared_task

from .domain import purge_expired_sessions as purge


@shared_task(name="accounts.tasks.purge_expired_sessions")
def purge_expired_sessions() -> int:
    return purge()
