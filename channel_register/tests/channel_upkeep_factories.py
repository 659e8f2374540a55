"""The facts the scheduled jobs write about a channel (rhythm checks, screenshot duties, the
feed's reading state, entries read from the feed), created as rows for the tests of the pages
that show them. How the jobs arrive at them is tested with the jobs (test_rhythm, test_duties,
test_feeds); here only the showing is.
"""

import hashlib
from datetime import date, datetime, timedelta

from django.utils import timezone

from channel_register.enums import FrequencyPeriod, UpdateSource
from channel_register.models import Channel, ChannelFeed, ChannelUpdate, RhythmCheck, ScreenshotDuty


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_check(channel: Channel, monday: date, *, actual: int, required: int = 2, missed_in_row: int = 0):
    return RhythmCheck.objects.create(
        channel=channel,
        period=FrequencyPeriod.WEEK,
        starts_on=monday,
        ends_on=monday + timedelta(days=6),
        required=required,
        actual=actual,
        missed_in_row=missed_in_row,
        checked_at=timezone.now(),
    )


def monthly_check(channel: Channel, first: date, *, actual: int, required: int = 2, missed_in_row: int = 0):
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return RhythmCheck.objects.create(
        channel=channel,
        period=FrequencyPeriod.MONTH,
        starts_on=first,
        ends_on=following - timedelta(days=1),
        required=required,
        actual=actual,
        missed_in_row=missed_in_row,
        checked_at=timezone.now(),
    )


def past_weekly_checks(channel: Channel, n: int, today: date) -> list[RhythmCheck]:
    """`n` checked weeks before this one, oldest first, alternately met (2 of 2) and missed
    (1 of 2)."""
    this_monday = monday_of(today)
    mondays = [this_monday - timedelta(weeks=n - i) for i in range(n)]
    return [
        weekly_check(channel, monday, actual=2 if i % 2 == 0 else 1, missed_in_row=0 if i % 2 == 0 else 1)
        for i, monday in enumerate(mondays)
    ]


def screenshot_duty(channel: Channel, year: int, half: int, starts_on: date | None = None) -> ScreenshotDuty:
    period_start, period_end = ScreenshotDuty.bounds(year, half)
    return ScreenshotDuty.objects.create(
        channel=channel,
        year=year,
        half=half,
        period_start=period_start,
        period_end=period_end,
        starts_on=starts_on or period_start,
    )


def half_of(day: date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def past_halves(today: date, n: int) -> list[tuple[int, int]]:
    """This half year and the `n - 1` before it, newest first."""
    year, half = half_of(today)
    halves = []
    for _ in range(n):
        halves.append((year, half))
        year, half = (year, 1) if half == 2 else (year - 1, 2)
    return halves


def feed_state(channel: Channel, **fields) -> ChannelFeed:
    return ChannelFeed.objects.create(channel=channel, url=fields.pop("url", channel.feed_url), **fields)


def feed_entry(channel: Channel, published_at: datetime, *, link: str = "", note: str = "") -> ChannelUpdate:
    key = hashlib.sha256(f"{channel.pk}:{published_at.isoformat()}:{link}".encode()).hexdigest()
    return ChannelUpdate.objects.create(
        channel=channel,
        published_at=published_at,
        source=UpdateSource.FEED,
        link=link,
        note=note,
        entry_key=key,
    )
