"""Celery tasks of the metrics app: thin wrappers around the import's domain functions. Both
are safe to run twice: an import that is no longer being checked or saved is left alone."""

from celery import shared_task

from kob_social.jobs import RELIABLE

from .domain import imports


@shared_task(name=imports.CHECK_TASK, soft_time_limit=20 * 60, time_limit=21 * 60, **RELIABLE)
def check_import(*, import_id: int) -> bool:
    return imports.check_import(import_id)


@shared_task(name=imports.SAVE_TASK, soft_time_limit=20 * 60, time_limit=21 * 60, **RELIABLE)
def save_import(*, import_id: int) -> bool:
    return imports.save_import(import_id)
