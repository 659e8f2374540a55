"""Celery tasks of the metrics app: thin wrappers around the domain functions of the import and
of the yearly evaluation duty (scheduled in kob_social/schedules.py). All are safe to run twice:
an import that is no longer being checked or saved is left alone, and the duty job finds its
rows and notification keys already there."""

from celery import shared_task

from kob_social.jobs import RELIABLE, job_day

from .domain import duties, imports


@shared_task(name=imports.CHECK_TASK, soft_time_limit=20 * 60, time_limit=21 * 60, **RELIABLE)
def check_import(*, import_id: int) -> bool:
    return imports.check_import(import_id)


@shared_task(name=imports.SAVE_TASK, soft_time_limit=20 * 60, time_limit=21 * 60, **RELIABLE)
def save_import(*, import_id: int) -> bool:
    return imports.save_import(import_id)


@shared_task(name="metrics.tasks.evaluation_duties", **RELIABLE)
def evaluation_duties(*, on: str | None = None) -> dict:
    return duties.run_evaluation_duties(today=job_day(on))
