"""What the apps' scheduled tasks share (each app's tasks.py imports it; it imports no app)."""

import datetime

from celery import current_app
from django.utils import timezone

# A job's task is acknowledged only when it has finished, and given back to the broker if its
# worker dies: every job is idempotent, so running one again is harmless.
RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


def job_day(on: str | None) -> datetime.date:
    """The day a job runs for: the given ISO date (run_job, tests) or today in Europe/Stockholm."""
    return datetime.date.fromisoformat(on) if on else timezone.localdate()


def queue(task_name: str, **kwargs) -> None:
    """Queue the task registered under `task_name`, as its `.delay(**kwargs)` would (eager mode
    included), without importing it: a domain function queues the task that calls back into
    that domain, and importing the task module there would make an import cycle.

    A web process has not imported the apps' task modules (the worker does so when it starts):
    the first call here does the same, so that the task is known by its name."""
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    current_app.tasks[task_name].delay(**kwargs)
