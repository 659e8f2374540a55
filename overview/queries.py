"""Reads of the overview: the rows (one per channel in scope, filtered, searched and sorted), the
totals on top and the resources per unit. Each is a fixed number of queries over the kept
standings (models.Standing) whatever the number of channels: aggregates, never a query per row.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from accounts.models import Unit
from channel_register.enums import ChannelStatus
from channel_register.models import Agreement, Channel, ChannelUpdate
from metrics.enums import EvaluationStatus
from metrics.models import Evaluation
from metrics.progress import weekly_requirement
from plans.enums import PENDING, PlanStatus
from plans.models import ClosureRequest, Plan

from .enums import WEIGHT, Column, Light
from .models import Standing

SORTS = {
    "worst": ["-problems", "channel__name", "channel__pk"],
    "name": ["channel__name", "channel__pk"],
    "unit": ["channel__unit__name", "-problems", "channel__name", "channel__pk"],
}
# Shown unless asked for: a closed channel is history.
SHOWN_STATUSES = [status for status in ChannelStatus.values if status != ChannelStatus.AVSLUTAD]
SEARCH_MAX_LENGTH = 100


@dataclass(frozen=True)
class Filters:
    unit: int | None = None
    platform: str = ""
    status: str = ""
    problems_only: bool = False
    search: str = ""
    sort: str = "worst"


def standings(channels: QuerySet[Channel], filters: Filters) -> QuerySet[Standing]:
    """The kept standing of each channel of `channels` that the filters let through, sorted
    (worst first by default), with the channel, its unit and its owner joined."""
    rows = Standing.objects.filter(channel__in=channels.values("pk")).select_related("channel__unit", "channel__owner")
    if filters.status:
        rows = rows.filter(channel__status=filters.status)
    else:
        rows = rows.filter(channel__status__in=SHOWN_STATUSES)
    if filters.unit:
        rows = rows.filter(channel__unit_id=filters.unit)
    if filters.platform:
        rows = rows.filter(channel__platform=filters.platform)
    if filters.problems_only:
        rows = rows.filter(problems__gt=0)
    if filters.search:
        term = filters.search[:SEARCH_MAX_LENGTH]
        rows = rows.filter(
            Q(channel__name__icontains=term) | Q(channel__url__icontains=term) | Q(channel__unit__name__icontains=term)
        )
    return rows.order_by(*SORTS.get(filters.sort, SORTS["worst"]))


def units_of(channels: QuerySet[Channel]) -> list[Unit]:
    """The units of `channels`, for the unit filter. One query."""
    return list(Unit.objects.filter(pk__in=channels.values("unit_id")).order_by("name"))


# --- Totals ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    channels: int
    active: int
    rhythm_judged: int
    rhythm_kept: int
    goals_total: int
    goals_on_track: int
    overdue: dict[str, int]  # column → channels red in it
    not_evaluated_this_year: int
    plans_waiting: int
    closures_waiting: int
    waiting_since: datetime.datetime | None

    @staticmethod
    def share(part: int, whole: int) -> int | None:
        """A whole per cent, or None when there is nothing to count."""
        return None if not whole else round(100 * part / whole)

    @property
    def rhythm_kept_share(self) -> int | None:
        return self.share(self.rhythm_kept, self.rhythm_judged)

    @property
    def goals_on_track_share(self) -> int | None:
        return self.share(self.goals_on_track, self.goals_total)


# The columns whose red means a duty is overdue, counted on top.
DUTY_COLUMNS = [Column.SCREENSHOTS, Column.INVENTORY, Column.EVALUATION, Column.ROSTER, Column.TRAINING]


def totals(
    channels: QuerySet[Channel], *, waiting: tuple[QuerySet[Plan], QuerySet[ClosureRequest]], year: int
) -> Totals:
    """The numbers on top of the overview, for every channel in scope (not only the filtered
    ones): three queries (the standings, the channels not evaluated this year, the decisions
    waiting)."""
    shown = Standing.objects.filter(channel__in=channels.values("pk"), channel__status__in=SHOWN_STATUSES)
    judged = ~Q(rhythm=Light.NONE)
    numbers = shown.aggregate(
        channels=Count("pk"),
        active=Count("pk", filter=Q(channel__status=ChannelStatus.AKTIV)),
        rhythm_judged=Count("pk", filter=judged),
        rhythm_kept=Count("pk", filter=Q(rhythm=Light.GREEN)),
        goals_total=Coalesce(Sum("goals_total"), 0),
        goals_on_track=Coalesce(Sum("goals_on_track"), 0),
        **{f"overdue_{column}": Count("pk", filter=Q(**{column: Light.RED})) for column in DUTY_COLUMNS},
    )
    evaluated = Evaluation.objects.filter(status=EvaluationStatus.DONE, completed_at__year=year)
    not_evaluated = (
        channels.filter(status__in=[ChannelStatus.AKTIV, ChannelStatus.PAUSAD])
        .exclude(pk__in=evaluated.values("channel_id"))
        .count()
    )
    plans, closures = waiting
    plans_waiting = plans.aggregate(count=Count("pk"), since=Min("status_changed_at"))
    closures_waiting = closures.aggregate(count=Count("pk"), since=Min("status_changed_at"))
    since = [moment for moment in (plans_waiting["since"], closures_waiting["since"]) if moment is not None]
    return Totals(
        channels=numbers["channels"],
        active=numbers["active"],
        rhythm_judged=numbers["rhythm_judged"],
        rhythm_kept=numbers["rhythm_kept"],
        goals_total=numbers["goals_total"],
        goals_on_track=numbers["goals_on_track"],
        overdue={column: numbers[f"overdue_{column}"] for column in DUTY_COLUMNS},
        not_evaluated_this_year=not_evaluated,
        plans_waiting=plans_waiting["count"],
        closures_waiting=closures_waiting["count"],
        waiting_since=min(since) if since else None,
    )


def waiting_in_scope(channels: QuerySet[Channel]) -> tuple[QuerySet[Plan], QuerySet[ClosureRequest]]:
    """The plans and closure requests in the chain for the channels in scope (a first plan's new
    channel enters the register at its submission, so every plan in the chain has a channel)."""
    in_scope = channels.values("pk")
    return (
        Plan.objects.filter(status__in=PENDING, channel__in=in_scope),
        ClosureRequest.objects.filter(status__in=PENDING, channel__in=in_scope),
    )


# --- Resources per unit ---------------------------------------------------------------------------

# A unit stands out when a third or more of its active channels have a red light.
STRAINED_SHARE = Decimal(1) / 3


@dataclass(frozen=True)
class UnitLoad:
    unit: str
    active: int
    agreed_hours: Decimal
    planned_hours: Decimal
    without_agreement: int
    missed_rhythm: int
    with_problems: int

    @property
    def short_of_hours(self) -> bool:
        return self.agreed_hours < self.planned_hours

    @property
    def strained(self) -> bool:
        return self.active > 0 and Decimal(self.with_problems) / self.active >= STRAINED_SHARE

    @property
    def stands_out(self) -> bool:
        return self.short_of_hours or self.without_agreement > 0 or self.strained


def unit_loads(channels: QuerySet[Channel]) -> list[UnitLoad]:
    """Per unit with active channels in scope: its active channels, the hours a week agreed for
    them (each channel's latest agreement confirmed by both) against the hours their plans in
    force set, how many have no confirmed agreement, and its workload signals (channels with a
    missed update rhythm, channels with any red light). One query."""
    confirmed = Agreement.objects.filter(
        channel=OuterRef("pk"), owner_confirmed_at__isnull=False, chef_confirmed_at__isnull=False
    ).order_by("-created_at", "-pk")
    in_force = Plan.objects.filter(channel=OuterRef("pk"), status=PlanStatus.GODKAND).order_by("-version_number")
    hours = DecimalField(max_digits=8, decimal_places=1)
    active = (
        channels.filter(status=ChannelStatus.AKTIV)
        .annotate(
            agreed=Subquery(confirmed.values("hours_per_week")[:1], output_field=hours),
            planned=Subquery(in_force.values("working_hours_per_week")[:1], output_field=hours),
        )
        .values("unit__name")
        .annotate(
            active=Count("pk"),
            agreed_hours=Coalesce(Sum("agreed"), Value(Decimal(0)), output_field=hours),
            planned_hours=Coalesce(Sum("planned"), Value(Decimal(0)), output_field=hours),
            without_agreement=Count("pk", filter=Q(agreed__isnull=True)),
            missed_rhythm=Count("pk", filter=Q(standing__rhythm__in=[Light.AMBER, Light.RED])),
            with_problems=Count("pk", filter=Q(standing__problems__gte=WEIGHT[Light.RED])),
        )
        .order_by("unit__name")
    )
    return [
        UnitLoad(
            unit=row["unit__name"],
            active=row["active"],
            agreed_hours=Decimal(row["agreed_hours"]),
            planned_hours=Decimal(row["planned_hours"]),
            without_agreement=row["without_agreement"],
            missed_rhythm=row["missed_rhythm"],
            with_problems=row["with_problems"],
        )
        for row in active
    ]


# --- The half-year report ---------------------------------------------------------------------------


def half_year(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a half year (1: January–June, 2: July–December)."""
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)


def weekly_posts(channels: QuerySet[Channel], mondays: list[datetime.date]) -> list[tuple[datetime.date, int]]:
    """The updates of all `channels` in each ISO week starting on `mondays` (local days), summed:
    one grouped query, at most one row per day."""
    if not mondays:
        return []
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(mondays[0], datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(mondays[-1] + datetime.timedelta(days=7), datetime.time.min, tzinfo=tz)
    per_day = (
        ChannelUpdate.objects.counted()
        .filter(channel__in=channels.values("pk"), published_at__gte=start, published_at__lt=end)
        .annotate(day=TruncDate("published_at", tzinfo=tz))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
        .values_list("day", "count")
    )
    counts = dict.fromkeys(mondays, 0)
    for day, count in per_day:
        monday = day - datetime.timedelta(days=day.weekday())
        if monday in counts:
            counts[monday] += count
    return list(counts.items())


def required_per_week(channels: QuerySet[Channel]) -> Decimal:
    """The updates a week the plans in force of the active `channels` require together (a monthly
    rhythm spread over its weeks). One query."""
    in_force = Plan.objects.filter(channel=OuterRef("pk"), status=PlanStatus.GODKAND).order_by("-version_number")
    rows = (
        channels.filter(status=ChannelStatus.AKTIV)
        .annotate(
            count=Subquery(in_force.values("update_count")[:1]),
            period=Subquery(in_force.values("update_period")[:1]),
        )
        .values_list("count", "period")
    )
    return sum((weekly_requirement(count, period) or Decimal(0) for count, period in rows), Decimal(0))
