"""Reads for the measuring pages: the plan in force and its goals, each metric's series, the
posts per week from the update log, and the latest measurements and imports of a channel.

Every read is one query whatever the number of goals, measurements or imports, and bounded:
by a limit (the lists) or by time (the series, SERIES_YEARS; the weeks), never by all rows.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from channel_register.models import Channel, ChannelUpdate
from plans.enums import PlanStatus
from plans.models import Goal, Plan

from .enums import MEASURED_CHOICES
from .models import Evaluation, Measurement, MeasurementImport

# A goal's series reaches back this many years: a plan runs for a few years, and the page must
# not read a decade of daily values.
SERIES_YEARS = 3
LATEST_MEASUREMENTS = 20
RECENT_IMPORTS = 10
RHYTHM_WEEKS = 12


def plan_in_force(channel: Channel) -> Plan | None:
    """The approved version with the highest number of the channel's plan, or None. One query
    (its goals are read by `goals_of`)."""
    return (
        Plan.objects.filter(channel=channel, status=PlanStatus.GODKAND)
        .order_by("-version_number", "-pk")
        .only("pk", "channel_id", "status", "version_number", "update_count", "update_period", "diarienummer")
        .first()
    )


def latest_evaluation(channel: Channel) -> Evaluation | None:
    """The channel's newest evaluation (its draft, if it has one, else the latest completed), or
    None. One query."""
    return (
        Evaluation.objects.filter(channel=channel)
        .order_by("-created_at", "-pk")
        .only("pk", "channel_id", "status", "completed_at", "created_at")
        .first()
    )


def first_measurements_pending() -> QuerySet[Goal]:
    """The goals that are to be measured for the first time on a day (`first_measured_on`,
    instead of a baseline) and are not yet: a goal of an approved plan (a draft's day is not a duty
    yet) in a stored metric (posts are counted from the update log, and "something else" is not
    measured here), with no measurement of the channel in that metric dated on or after that day.
    Its duty is fulfilled by such a measurement: computed, never stored."""
    measured = Measurement.objects.filter(
        channel=OuterRef("plan__channel"), metric=OuterRef("metric"), on__gte=OuterRef("first_measured_on")
    )
    return Goal.objects.filter(
        plan__status=PlanStatus.GODKAND,
        baseline__isnull=True,
        first_measured_on__isnull=False,
        metric__in=[value for value, _label in MEASURED_CHOICES],
    ).filter(~Exists(measured))


def goals_of(plan: Plan | None) -> list:
    """The plan's goals in their order. One query; none without a plan."""
    return [] if plan is None else list(plan.goals.all())


def series_start(today: datetime.date) -> datetime.date:
    """The first day a goal's series reads: the 1st of this month, SERIES_YEARS years ago."""
    return datetime.date(today.year - SERIES_YEARS, today.month, 1)


def series_by_metric(
    channel: Channel, metrics: Iterable[str], *, today: datetime.date
) -> dict[str, list[tuple[datetime.date, Decimal]]]:
    """The channel's values of each of `metrics` since `series_start(today)`, oldest first, as
    (date, value): one query for all the metrics, grouped here."""
    metrics = set(metrics)
    series: dict[str, list[tuple[datetime.date, Decimal]]] = defaultdict(list)
    if not metrics:
        return series
    rows = (
        Measurement.objects.filter(channel=channel, metric__in=metrics, on__gte=series_start(today), on__lte=today)
        .order_by("on", "pk")
        .values_list("metric", "on", "value")
    )
    for metric, on, value in rows:
        series[metric].append((on, value))
    return series


def last_weeks(today: datetime.date, weeks: int = RHYTHM_WEEKS) -> list[datetime.date]:
    """The Mondays of the `weeks` complete ISO weeks before the week of `today`, oldest first."""
    this_monday = today - datetime.timedelta(days=today.weekday())
    return [this_monday - datetime.timedelta(weeks=n) for n in range(weeks, 0, -1)]


def updates_per_day(channel: Channel, first: datetime.date, last: datetime.date) -> list[tuple[datetime.date, int]]:
    """How many updates the channel's log holds on each local day from `first` to `last` that
    has any, oldest first: posts are counted from the log, never stored. One query."""
    tz = timezone.get_current_timezone()
    start_at = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return list(
        ChannelUpdate.objects.counted()
        .filter(channel=channel, published_at__gte=start_at, published_at__lt=end_at)
        .annotate(day=TruncDate("published_at", tzinfo=tz))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
        .values_list("day", "count")
    )


def posts_per_week(channel: Channel, mondays: list[datetime.date]) -> list[tuple[datetime.date, int]]:
    """How many updates the channel's log holds in each ISO week starting on `mondays` (its
    days in local time), as (monday, count); a week without updates counts 0. One query."""
    if not mondays:
        return []
    counts = dict.fromkeys(mondays, 0)
    for day, count in updates_per_day(channel, mondays[0], mondays[-1] + datetime.timedelta(days=6)):
        monday = day - datetime.timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += count
    return list(counts.items())


def latest_measurements(channel: Channel, limit: int = LATEST_MEASUREMENTS) -> list[Measurement]:
    """The channel's latest `limit` values, newest date first (who recorded each joined)."""
    return list(
        Measurement.objects.filter(channel=channel)
        .select_related("recorded_by")
        .order_by("-on", "-recorded_at", "-pk")[:limit]
    )


def recent_imports(channel: Channel, limit: int = RECENT_IMPORTS) -> list[MeasurementImport]:
    """The channel's latest `limit` imports, newest first (who uploaded each joined)."""
    return list(
        MeasurementImport.objects.filter(channel=channel)
        .select_related("uploaded_by")
        .defer("errors")
        .order_by("-uploaded_at", "-pk")[:limit]
    )


# --- For many channels at once (the overview's standings) ------------------------------------------


def series_for_channels(
    channel_ids: Iterable[int], metrics: Iterable[str], *, today: datetime.date
) -> dict[int, dict[str, list[tuple[datetime.date, Decimal]]]]:
    """`series_by_metric` for many channels: the values of each of `metrics` since
    `series_start(today)`, oldest first, by channel and metric. One query whatever the number of
    channels (none without channels or metrics); a channel is given the metrics it has values of."""
    channel_ids, metrics = list(channel_ids), set(metrics)
    series: dict[int, dict[str, list[tuple[datetime.date, Decimal]]]] = defaultdict(lambda: defaultdict(list))
    if not channel_ids or not metrics:
        return series
    rows = (
        Measurement.objects.filter(
            channel_id__in=channel_ids, metric__in=metrics, on__gte=series_start(today), on__lte=today
        )
        .order_by("channel_id", "on", "pk")
        .values_list("channel_id", "metric", "on", "value")
    )
    for channel_id, metric, on, value in rows:
        series[channel_id][metric].append((on, value))
    return series


def updates_per_day_for_channels(
    channel_ids: Iterable[int], first: datetime.date, last: datetime.date
) -> dict[int, list[tuple[datetime.date, int]]]:
    """`updates_per_day` for many channels: how many updates each channel's log holds on each
    local day from `first` to `last` that has any, oldest first, by channel. One query whatever
    the number of channels (none without channels)."""
    channel_ids = list(channel_ids)
    counts: dict[int, list[tuple[datetime.date, int]]] = defaultdict(list)
    if not channel_ids:
        return counts
    tz = timezone.get_current_timezone()
    start_at = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    end_at = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    rows = (
        ChannelUpdate.objects.counted()
        .filter(channel_id__in=channel_ids, published_at__gte=start_at, published_at__lt=end_at)
        .annotate(day=TruncDate("published_at", tzinfo=tz))
        .values("channel_id", "day")
        .annotate(count=Count("pk"))
        .order_by("channel_id", "day")
        .values_list("channel_id", "day", "count")
    )
    for channel_id, day, count in rows:
        counts[channel_id].append((day, count))
    return counts
