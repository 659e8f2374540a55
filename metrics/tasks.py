"""Celery tasks of the metrics app: thin wrappers around the domain functions of the import, of
the yearly evaluation duty and of the first measurement of goals (scheduled in
kob_social/schedules.py). All are safe to run twice: an import that is no longer being checked or
saved is left alone, and the duty jobs find their rows and notification keys already there."""

from celery import shared_task

from kob_social.jobs import RELIABLE, job_day

from .domain import duties, first_measurements, imports


@shared_task(name=imports.CHECK_TASK, soft_time_limit=20 * 60, time_limit=21 * 60, **RELIABLE)
def check_import(*, import_id: int) -> bool:
    return imports.check_import(import_id)


@shared_task(name=imports.SAVE_TASK, soft_time_limit=20 * 60, time_limit=21 * 60, **RELIABLE)
def save_import(*, import_id: int) -> bool:
    return imports.save_import(import_id)


@shared_task(name="metrics.tasks.evaluation_duties", **RELIABLE)
def evaluation_duties(*, on: str | None = None) -> dict:
    return duties.run_evaluation_duties(today=job_day(on))


@shared_task(name="metrics.tasks.first_measurement_duties", **RELIABLE)
def first_measurement_duties(*, on: str | None = None) -> dict:
    return first_measurements.run_first_measurement_duties(today=job_day(on))
