"""Celery tasks of the channel register: thin wrappers around the domain functions of the
scheduled jobs (declared in kob_social/schedules.py). Each takes keyword-only arguments, loads
what it needs and calls one domain function; all of them are safe to run twice.

The task names are stored in django-celery-beat's rows; they were `plans.tasks.*` before the
register became an app of its own, and migration ops/0001 renamed the stored rows."""

from celery import shared_task

from kob_social.jobs import RELIABLE, job_day

from .domain import duties, feeds, reminders, rhythm
from .models import Channel


@shared_task(name="channel_register.tasks.weekly_rhythm_check", **RELIABLE)
def weekly_rhythm_check(*, on: str | None = None) -> dict:
    return rhythm.run_weekly_check(today=job_day(on))


@shared_task(name="channel_register.tasks.screenshot_duties", **RELIABLE)
def screenshot_duties(*, on: str | None = None) -> dict:
    return duties.run_screenshot_duties(today=job_day(on))


@shared_task(name="channel_register.tasks.read_feeds", **RELIABLE)
def read_feeds() -> int:
    """Fan out: one task per feed, so that a slow or broken feed holds up nobody else."""
    channel_ids = list(feeds.channels_with_feeds().values_list("pk", flat=True))
    for channel_id in channel_ids:
        read_feed.delay(channel_id=channel_id)
    return len(channel_ids)


@shared_task(name="channel_register.tasks.read_feed", **RELIABLE)
def read_feed(*, channel_id: int) -> int:
    channel = Channel.objects.filter(pk=channel_id).first()
    if channel is None:
        return 0
    return feeds.read_channel_feed(channel).new_entries


@shared_task(name="channel_register.tasks.warn_roster_gaps", **RELIABLE)
def warn_roster_gaps(*, on: str | None = None) -> dict:
    return reminders.warn_roster_gaps(today=job_day(on))


@shared_task(name="channel_register.tasks.remind_overdue_inventories", **RELIABLE)
def remind_overdue_inventories(*, on: str | None = None) -> dict:
    return reminders.remind_overdue_inventories(today=job_day(on))
