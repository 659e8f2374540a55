"""Celery tasks of the overview: a thin wrapper around the domain function of its daily job
(declared in kob_social/schedules.py). Safe to run twice: a second run writes the same rows."""

from celery import shared_task

from kob_social.jobs import RELIABLE, job_day

from .domain import standing


@shared_task(name="overview.tasks.refresh_standings", **RELIABLE)
def refresh_standings(*, on: str | None = None) -> dict:
    return standing.run_refresh(today=job_day(on))
