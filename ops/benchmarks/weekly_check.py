"""The weekly update-rhythm check over a region-sized register (issue 5).

Data: `channels` active channels in 20 units, each with an approved plan (weekly for nine in
ten, monthly for the rest) and `updates` update-log rows spread over the last 20 weeks, about
one channel in three short of its rhythm. Measured: `run_weekly_check` for a Monday, at the full
size and at a tenth of it, with its wall time and query count; the queries may grow only by
batches (one batch per 500 channels), never per channel. Floor: one grouped COUNT of the
judged week's updates per channel, the least any check must read.
"""

import datetime
import random
import time
import uuid

from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.enums import UnitKind
from accounts.models import Unit, User
from channel_register.domain.rhythm import local_midnight, run_weekly_check
from channel_register.enums import ChannelStatus, FrequencyPeriod, Platform, UpdateSource
from channel_register.models import Channel, ChannelUpdate, RhythmCheck, inventory_due_on
from kob_social.history import fabricated_data
from notifications.models import Notification
from plans.enums import PlanStatus
from plans.models import Plan

from . import Measurement

UNITS = 20
WEEKS = 20


@fabricated_data()
def build(channels: int, updates: int, monday: datetime.date, seed: int = 1) -> list[int]:
    """Create the register; returns the channel ids. Bulk inserts, no history rows (a
    fabricated dataset: kob_social.history.fabricated_data)."""

    rng = random.Random(seed)  # noqa: S311 - repeatable test data, not security
    stamp = uuid.uuid4().hex[:8]
    root = Unit.objects.create(name=f"Bänk {stamp}", kind=UnitKind.FORVALTNING)
    chefs = User.objects.bulk_create(
        User(username=f"chef-{stamp}-{i}", full_name=f"Chef {i}", email=f"chef{i}-{stamp}@example.se")
        for i in range(UNITS)
    )
    units = Unit.objects.bulk_create(
        Unit(name=f"Enhet {stamp} {i}", kind=UnitKind.ENHET, parent=root, chef=chefs[i]) for i in range(UNITS)
    )
    owners = User.objects.bulk_create(
        User(username=f"agare-{stamp}-{i}", full_name=f"Ägare {i}", email=f"agare{i}-{stamp}@example.se")
        for i in range(200)
    )
    activated = local_midnight(monday - datetime.timedelta(weeks=60))
    created = Channel.objects.bulk_create(
        (
            Channel(
                platform=Platform.FACEBOOK,
                name=f"Kanal {i}",
                unit=units[i % UNITS],
                status=ChannelStatus.AKTIV,
                owner=owners[i % len(owners)],
                activated_at=activated,
                # bulk_create skips Channel.save, which stores the due day.
                inventory_due=inventory_due_on(ChannelStatus.AKTIV, activated),
            )
            for i in range(channels)
        ),
        batch_size=2000,
    )
    ids = [channel.pk for channel in created]
    Plan.objects.bulk_create(
        (
            Plan(
                unit_id=channel.unit_id,
                channel=channel,
                author=channel.owner,
                status=PlanStatus.GODKAND,
                update_count=rng.choice([1, 2, 3]),
                update_period=FrequencyPeriod.MONTH if i % 10 == 0 else FrequencyPeriod.WEEK,
            )
            for i, channel in enumerate(created)
        ),
        batch_size=2000,
    )
    start = local_midnight(monday - datetime.timedelta(weeks=WEEKS))
    span = WEEKS * 7 * 24 * 3600
    table = ChannelUpdate._meta.db_table
    now = timezone.now()
    source = UpdateSource.MANUAL
    rows = (
        (ids[rng.randrange(len(ids))], start + datetime.timedelta(seconds=rng.randrange(span)), source, now)
        for _ in range(updates)
    )
    # The table name is our model's; the values are parameters.
    sql = (
        f"INSERT INTO {table} (channel_id, published_at, source, link, note, entry_key, created_at) "  # noqa: S608
        "VALUES (%s, %s, %s, '', '', '', %s)"
    )
    batch = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) == 20000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return ids


def floor(monday: datetime.date) -> float:
    """The judged week's updates counted per channel in one grouped query."""

    since, until = local_midnight(monday - datetime.timedelta(weeks=1)), local_midnight(monday)
    started = time.perf_counter()
    counts = dict(
        ChannelUpdate.objects.counted()
        .filter(published_at__gte=since, published_at__lt=until)
        .values_list("channel")
        .annotate(Count("pk"))
        .order_by()
    )
    elapsed = time.perf_counter() - started
    assert counts is not None
    return elapsed


def measure(channels: int, updates: int, monday: datetime.date) -> Measurement:

    build(channels, updates, monday)
    floor_seconds = min(floor(monday) for _ in range(3))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run_weekly_check(today=monday)
        seconds = time.perf_counter() - started
    return Measurement(
        "weekly_check",
        f"{channels} kanaler, {updates} loggrader",
        seconds,
        len(queries),
        floor_seconds,
        note=", ".join(f"{key}={value}" for key, value in sorted(result.items())),
    )


@fabricated_data()
def reset() -> None:
    """Empty the tables a measurement wrote, so that the next size starts from nothing (the
    fabricated register: deleting its people sets its units' chef to none without history)."""

    with connection.cursor() as cursor:
        for model in (Notification, RhythmCheck, ChannelUpdate, Plan, Channel):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608 - our own table names
    Unit.objects.filter(parent__isnull=False).delete()
    Unit.objects.all().delete()
    User.objects.all().delete()


def run(options) -> list[Measurement]:
    """A tenth of the size, then the full size, each in an empty register."""
    channels, updates = options["channels"], options["updates"]
    monday = datetime.date(2026, 11, 23)
    results = []
    for size in (10, 1):
        results.append(measure(max(channels // size, 1), max(updates // size, 1), monday))
        reset()
    return results
