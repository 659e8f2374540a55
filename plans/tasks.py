"""Celery tasks of the plans app: thin wrappers around the domain functions of the scheduled
jobs (declared in kob_social/schedules.py). Each takes keyword-only arguments, loads what it
needs and calls one domain function; all of them are safe to run twice."""

import datetime

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from .domain import archive, duties, feeds, rhythm, sweeps
from .models import Channel, SignedPlan

RELIABLE = {"acks_late": True, "reject_on_worker_lost": True}


def _day(on: str | None) -> datetime.date:
    """The day a job runs for: the given ISO date (run_job, tests) or today in Europe/Stockholm."""
    return datetime.date.fromisoformat(on) if on else timezone.localdate()


@shared_task(name="plans.tasks.weekly_rhythm_check", **RELIABLE)
def weekly_rhythm_check(*, on: str | None = None) -> dict:
    return rhythm.run_weekly_check(today=_day(on))


@shared_task(name="plans.tasks.screenshot_duties", **RELIABLE)
def screenshot_duties(*, on: str | None = None) -> dict:
    return duties.run_screenshot_duties(today=_day(on))


@shared_task(name="plans.tasks.read_feeds", **RELIABLE)
def read_feeds() -> int:
    """Fan out: one task per feed, so that a slow or broken feed holds up nobody else."""
    channel_ids = list(feeds.channels_with_feeds().values_list("pk", flat=True))
    for channel_id in channel_ids:
        read_feed.delay(channel_id=channel_id)
    return len(channel_ids)


@shared_task(name="plans.tasks.read_feed", **RELIABLE)
def read_feed(*, channel_id: int) -> int:
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return 0
    return feeds.read_channel_feed(channel).new_entries


@shared_task(name="plans.tasks.remind_waiting_approvals", **RELIABLE)
def remind_waiting_approvals(*, on: str | None = None) -> dict:
    return sweeps.remind_waiting_approvals(today=_day(on))


@shared_task(name="plans.tasks.warn_roster_gaps", **RELIABLE)
def warn_roster_gaps(*, on: str | None = None) -> dict:
    return sweeps.warn_roster_gaps(today=_day(on))


@shared_task(name="plans.tasks.warn_expiring_trainings", **RELIABLE)
def warn_expiring_trainings(*, on: str | None = None) -> dict:
    return sweeps.warn_expiring_trainings(today=_day(on))


@shared_task(name="plans.tasks.remind_overdue_inventories", **RELIABLE)
def remind_overdue_inventories(*, on: str | None = None) -> dict:
    return sweeps.remind_overdue_inventories(today=_day(on))


@shared_task(
    bind=True,
    name="plans.tasks.render_signed_plan",
    soft_time_limit=60,
    time_limit=90,
    max_retries=5,
    **RELIABLE,
)
def render_signed_plan(self, *, signed_plan_id: int) -> bool:
    """Render and store the signed plan's PDF once; a failure (or the time limit) is retried
    with backoff, and the error is kept on the row for the administrators."""
    if not SignedPlan.objects.filter(pk=signed_plan_id).exists():
        return False
    try:
        return archive.render(signed_plan_id)
    except SoftTimeLimitExceeded as exc:
        archive.release(signed_plan_id, "Rendering took longer than the time limit (60 s).")
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    except Exception as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="plans.tasks.render_missing_pdfs", **RELIABLE)
def render_missing_pdfs() -> int:
    """Every ten minutes: queue signed plans whose PDF is not stored and nobody is rendering."""
    ids = archive.unrendered()
    for signed_plan_id in ids:
        render_signed_plan.delay(signed_plan_id=signed_plan_id)
    return len(ids)
