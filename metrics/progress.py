"""Where a goal stands: its latest value against its target, the share of the way reached, a
straight-line projection to its deadline, and green/amber/red with the reason in words.

Plain values in, plain values out: no database. The rules, in the order they are applied:

1. The series. A LEVEL metric (followers) is the points as given, sorted by date; points on the
   same date are all kept, and the latest value is the last of them in the order given. A COUNT
   metric (visits) is read per calendar month ("2 000 visits a month"): the series is
   `monthly_sums`, which leaves out the current, incomplete month, and the latest value is the
   latest complete month's sum.
2. The baseline. A goal that is measured for the first time on a day (`first_measured_on`,
   instead of a baseline) takes as its baseline the first value of the series dated on or after
   that day: for a LEVEL the first value measured from that day, for a COUNT the first complete
   month that begins on or after it (a month begun before the day would mix in what was before).
   `Progress.baseline` is the baseline used, either way.
3. NO_DATA, in this order: the goal is measured as "something else" (no spec); it is measured
   for the first time on a day and no value is there yet (the reason names the day); its baseline
   and/or target is missing (the reason says which); there is no series (for a COUNT: no
   complete month yet). `latest` and `points` are still filled wherever there is a series.
4. Direction. A target below its baseline is a decrease goal (response time 24 → 4 hours, fewer
   negative comments), a target above it an increase goal; only when the two are equal does the
   metric's `higher_is_better` decide (a goal to hold a level). `share` is
   (latest − baseline) / (target − baseline) in both directions, rounded to 4 decimals: it passes
   1 beyond the target and goes below 0 when the value moved the wrong way. A goal to hold a level
   has no way to go, and no share (None).
5. Reached: the latest value at or beyond the target in the goal's direction (exactly on counts)
   is ON_TRACK, "the goal is reached", whatever the deadline and the trend.
6. Deadline passed (today after the deadline; on the deadline day itself it has not) and not
   reached: OFF_TRACK.
7. Projection: a least-squares straight line through the series (dates as ordinal days),
   evaluated at the deadline, never below 0 (no metric is), rounded to 2 decimals. It needs at
   least 2 points on at least 2 distinct dates; with fewer, or with no deadline, there is no
   projection and a goal not reached is AT_RISK ("no trend yet" / "no deadline").
8. With a projection: the share of the way it reaches by the deadline decides: at least 1 is
   ON_TRACK, at least `AT_RISK_SHARE` (80 %) is AT_RISK, less is OFF_TRACK. A goal to hold a
   level is ON_TRACK if the projection is at or beyond the target, otherwise OFF_TRACK.

Numbers in reasons are rounded by `format_number` (whole numbers from 100, one decimal from 10,
two below) and grouped as the active language does (Swedish: non-breaking space, decimal comma).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from channel_register.enums import FrequencyPeriod

from .enums import MetricKind, MetricSpec

# A projection that reaches at least this share of the way from baseline to target by the
# deadline is amber (AT_RISK); less is red (OFF_TRACK).
AT_RISK_SHARE = Decimal("0.8")

# A month holds 52.14 / 12 weeks on average: a monthly rhythm as a weekly requirement.
WEEKS_PER_MONTH = Decimal("4.345")

SHARE_PLACES = Decimal("0.0001")
PROJECTION_PLACES = Decimal("0.01")


class Status(models.TextChoices):
    ON_TRACK = "gron", _("On track")
    AT_RISK = "gul", _("At risk")
    OFF_TRACK = "rod", _("Off track")
    NO_DATA = "ingen", _("No data yet")


@dataclass(frozen=True)
class Progress:
    status: Status
    reason: str
    latest: Decimal | None = None
    latest_on: date | None = None
    share: Decimal | None = None
    projected: Decimal | None = None
    points: list[tuple[date, Decimal]] = field(default_factory=list)
    baseline: Decimal | None = None


def format_number(value: Decimal) -> str:
    """A value as a reason or a chart shows it: whole from 100 ("2 100"), one decimal from 10
    ("12,5"), two below ("3,25"), without trailing zeros ("4", not "4,00"), grouped in thousands
    as the active language does."""
    value = Decimal(value)
    magnitude = abs(value)
    places = Decimal("1") if magnitude >= 100 else Decimal("0.1") if magnitude >= 10 else Decimal("0.01")
    rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal("1"))
    else:
        rounded = rounded.normalize()
    decimals = max(0, -rounded.as_tuple().exponent)
    return formats.number_format(rounded, decimals, use_l10n=True, force_grouping=True)


def monthly_sums(points: Iterable[tuple[date, Decimal]], *, today: date) -> list[tuple[date, Decimal]]:
    """A COUNT metric's values summed per calendar month, keyed by the month's first day, oldest
    first. A value counts in the month its date falls in (a week's value in the month of its
    Monday). The current month, still incomplete, and any later month are left out."""
    this_month = today.replace(day=1)
    sums: dict[date, Decimal] = {}
    for day, value in points:
        month = day.replace(day=1)
        if month < this_month:
            sums[month] = sums.get(month, Decimal(0)) + Decimal(value)
    return sorted(sums.items())


def weekly_requirement(update_count: int | None, update_period: str) -> Decimal | None:
    """A plan's update rhythm as posts a week (a monthly one spread over its weeks, to two
    decimals), or None when the plan states none."""
    if not update_count or not update_period:
        return None
    if update_period == FrequencyPeriod.MONTH:
        return (Decimal(update_count) / WEEKS_PER_MONTH).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Decimal(update_count)


def _projection(series: list[tuple[date, Decimal]], deadline: date) -> Decimal | None:
    """The least-squares straight line through the series, at the deadline; None without two
    distinct dates."""
    if len({day for day, _value in series}) < 2:
        return None
    origin = series[0][0].toordinal()
    xs = [Decimal(day.toordinal() - origin) for day, _value in series]
    ys = [value for _day, value in series]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
    at_deadline = mean_y + slope * (Decimal(deadline.toordinal() - origin) - mean_x)
    return max(Decimal(0), at_deadline).quantize(PROJECTION_PLACES, rounding=ROUND_HALF_UP)


def _missing(baseline, target) -> str | None:
    if baseline is None and target is None:
        return gettext("No baseline or target value is set.")
    if baseline is None:
        return gettext("No baseline is set.")
    if target is None:
        return gettext("No target value is set.")
    return None


def first_measured(series: list[tuple[date, Decimal]], first_measured_on: date) -> Decimal | None:
    """The first value of `series` (oldest first, as goal_progress reads it) dated on or after
    `first_measured_on`, or None before it is measured."""
    return next((value for day, value in series if day >= first_measured_on), None)


def goal_progress(
    *,
    spec: MetricSpec | None,
    baseline: Decimal | None,
    target: Decimal | None,
    deadline: date | None,
    points: Iterable[tuple[date, Decimal]],
    today: date,
    first_measured_on: date | None = None,
) -> Progress:
    """Where a goal stands today: see the module's docstring for the rules."""
    if spec is None:
        return Progress(Status.NO_DATA, gettext("Measured as something else: cannot be followed up from data."))
    counted = spec.kind == MetricKind.COUNT
    given = [(day, Decimal(value)) for day, value in points]
    series = monthly_sums(given, today=today) if counted else sorted(given, key=lambda point: point[0])
    latest_on, latest = series[-1] if series else (None, None)
    if baseline is None and first_measured_on is not None:
        baseline = first_measured(series, first_measured_on)
        if baseline is None:
            waiting = gettext("Measured for the first time on %(day)s.") % {
                "day": formats.date_format(first_measured_on)
            }
            return Progress(Status.NO_DATA, waiting, latest=latest, latest_on=latest_on, points=series)
    missing = _missing(baseline, target)
    if missing:
        return Progress(Status.NO_DATA, missing, latest=latest, latest_on=latest_on, points=series)
    if not series:
        empty = gettext("No complete month is measured yet.") if counted and given else gettext("No measurements yet.")
        return Progress(Status.NO_DATA, empty, points=series)

    baseline, target = Decimal(baseline), Decimal(target)
    increase = target > baseline or (target == baseline and spec.higher_is_better)

    def beyond(value: Decimal) -> bool:
        return value >= target if increase else value <= target

    way = target - baseline
    share = ((latest - baseline) / way).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) if way else None
    projected = _projection(series, deadline) if deadline else None

    if beyond(latest):
        status, outlook = Status.ON_TRACK, gettext("the goal is reached")
    elif deadline and today > deadline:
        status = Status.OFF_TRACK
        outlook = gettext("the deadline, %(deadline)s, has passed") % {"deadline": formats.date_format(deadline)}
    elif deadline is None:
        status, outlook = Status.AT_RISK, gettext("no deadline is set, so there is no projection")
    elif projected is None:
        status = Status.AT_RISK
        outlook = (
            gettext("only one complete month is measured, so there is no trend yet")
            if counted
            else gettext("measured on one day only, so there is no trend yet")
        )
    else:
        if beyond(projected):
            status = Status.ON_TRACK
        elif way and (projected - baseline) / way >= AT_RISK_SHARE:
            status = Status.AT_RISK
        else:
            status = Status.OFF_TRACK
        values = {"projected": format_number(projected), "deadline": formats.date_format(deadline)}
        outlook = (
            gettext("at the current pace it will be %(projected)s a month by %(deadline)s")
            if counted
            else gettext("at the current pace it will be %(projected)s by %(deadline)s")
        ) % values

    values = {"latest": format_number(latest), "target": format_number(target), "unit": spec.unit}
    if counted:
        values["month"] = formats.date_format(latest_on, "F Y")
        where = (
            gettext("%(latest)s of %(target)s %(unit)s in %(month)s")
            if increase
            else gettext("%(latest)s %(unit)s in %(month)s, the target is %(target)s")
        )
    else:
        where = (
            gettext("%(latest)s of %(target)s %(unit)s")
            if increase
            else gettext("%(latest)s %(unit)s, the target is %(target)s")
        )
    # Translators: where a goal stands, then its outlook, e.g. "1 650 of 2 000 followers; the goal is reached."
    reason = capfirst(gettext("%(where)s; %(outlook)s.") % {"where": where % values, "outlook": outlook})
    return Progress(
        status,
        reason,
        latest=latest,
        latest_on=latest_on,
        share=share,
        projected=projected,
        points=series,
        baseline=baseline,
    )
