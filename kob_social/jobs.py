"""What the apps' scheduled tasks share (each app's tasks.py imports it; it imports no app)."""

import datetime
from collections.abc import Callable

from celery import current_app
from django.db import transaction
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


def in_batches(rows, handle: Callable[[list], dict[str, int]], *, size: int, totals: dict[str, int]) -> dict[str, int]:
    """Call `handle` with the rows of the queryset `rows`, in primary-key order, `size` at a
    time, each batch in its own transaction; add the counts each call returns to `totals`, and
    return them. A job's memory and the length of its transactions stay bounded, whatever the
    number of rows, and a job stopped half-way has committed its finished batches (every job is
    idempotent: the next run does the rest)."""
    last_pk = 0
    while True:
        batch = list(rows.filter(pk__gt=last_pk).order_by("pk")[:size])
        if not batch:
            break
        with transaction.atomic():
            result = handle(batch)
        for name, value in result.items():
            totals[name] += value
        if len(batch) < size:
            break
        last_pk = batch[-1].pk
    return totals
