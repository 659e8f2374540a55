"""The weekly update-rhythm check: did every active channel publish as often as its plan says?

Run on Monday mornings (Europe/Stockholm) by `channel_register.tasks.weekly_rhythm_check`, and by hand
for any day with `manage.py run_job weekly_check --date …`. For each active channel whose
plan in force states a number of updates per week or per month, it judges the last completed
period before `today`'s week or month and writes one RhythmCheck row for it.

Rows are facts written once: a row that exists is never changed, so a second run, a retry or
a duplicate delivery finds it and does nothing, and a monthly plan is judged on the first
Monday of the month only. A batch's rows and its notifications are written in one
transaction, so a row that exists has had its notifications created.
"""

import dataclasses
import datetime
import math

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _

from accounts.queries import chefs_by_unit
from kob_social.jobs import in_batches
from notifications.domain import Notice, notify_many

from .. import hooks
from ..enums import ChannelStatus, FrequencyPeriod
from ..models import Channel, ChannelUpdate, RhythmCheck

BATCH = 500
ESCALATE_FROM_MISSES = 2


@dataclasses.dataclass(frozen=True)
class Period:
    """One completed week or month, as local dates and as the aware instants between which
    its updates were published: [start, end), local midnights in settings.TIME_ZONE, so a
    week across a DST change lasts 167 or 169 hours."""

    kind: str
    starts_on: datetime.date
    ends_on: datetime.date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1

    @property
    def start(self) -> datetime.datetime:
        return local_midnight(self.starts_on)

    @property
    def end(self) -> datetime.datetime:
        return local_midnight(self.ends_on + datetime.timedelta(days=1))

    def label(self) -> str:
        """ "vecka 47 2026" or "november 2026" (in the active language)."""
        if self.kind == FrequencyPeriod.WEEK:
            year, week, _weekday = self.starts_on.isocalendar()
            return _("week %(week)d %(year)d") % {"week": week, "year": year}
        return f"{MONTHS[self.starts_on.month]} {self.starts_on.year}"


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of `day` in Europe/Stockholm (settings.TIME_ZONE), as an aware datetime."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def period_before(kind: str, day: datetime.date) -> Period:
    """The last completed week (ISO, Monday–Sunday) or calendar month before `day`'s own."""
    if kind == FrequencyPeriod.WEEK:
        monday = day - datetime.timedelta(days=day.weekday())
        return Period(kind, monday - datetime.timedelta(days=7), monday - datetime.timedelta(days=1))
    last_day = day.replace(day=1) - datetime.timedelta(days=1)
    return Period(kind, last_day.replace(day=1), last_day)


def required_updates(count: int, period: Period, activated_on: datetime.date | None) -> int | None:
    """What the plan required of the channel in `period`: all of `count`, or for a channel
    activated inside the period its share of the period's days (rounded down); None when
    the channel became active only after the period."""
    if activated_on is None or activated_on <= period.starts_on:
        return count
    if activated_on > period.ends_on:
        return None
    active_days = (period.ends_on - activated_on).days + 1
    return math.floor(count * active_days / period.days)


def _active_channels():
    """Active channels in order of id, with what the check and its notices read."""
    return (
        Channel.objects.filter(status=ChannelStatus.AKTIV)
        .select_related("owner", "unit")
        # A batch is 500 rows of three tables: read only the columns used.
        .only("platform", "name", "activated_at", "unit__name", "owner__email", "owner__is_active")
        .order_by("pk")
    )


def _with_rhythm(batch: list[Channel]) -> list[Channel]:
    """The channels of `batch` whose plan in force states an update count and period, each
    given them as `required_count` and `required_period`. One query for the batch (the plans
    answer it, through hooks.PlanLink.update_rhythms)."""
    in_force = hooks.plans().update_rhythms([channel.pk for channel in batch])
    checked = []
    for channel in batch:
        count, period = in_force.get(channel.pk, (None, ""))
        if count is not None and period in (FrequencyPeriod.WEEK, FrequencyPeriod.MONTH):
            channel.required_count, channel.required_period = count, FrequencyPeriod(period)
            checked.append(channel)
    return checked


def run_weekly_check(*, today: datetime.date) -> dict:
    """Judge the last completed week (or month) of every active channel against its plan.

    For each channel without a row for that period: `required` from the plan in force
    (prorated for a channel activated inside the period, no row for one activated after it),
    `actual` the updates published in the period, and `missed_in_row` 0 when met, else one
    more than the preceding period's row. A miss tells the owner (without an owner: the
    chef); a second miss in a row, and every further one, tells the chef too. Every
    notification has a key (kind, channel, period, recipient), so it exists once.

    Works in batches of BATCH channels with the same number of queries per batch, whatever
    its size (on SQLite, Django splits an insert of more than 999 values into several
    statements, so a full batch there takes a few more). Returns counts: channels
    checked, rows created, misses among them, and notifications created.
    """
    periods = {kind: period_before(kind, today) for kind in (FrequencyPeriod.WEEK, FrequencyPeriod.MONTH)}
    preceding = {kind: period_before(kind, period.starts_on) for kind, period in periods.items()}
    chefs = chefs_by_unit()
    totals = {"channels": 0, "created": 0, "missed": 0, "notified": 0}
    channels = _active_channels()
    return in_batches(
        channels, lambda batch: _check_batch(_with_rhythm(batch), periods, preceding, chefs), size=BATCH, totals=totals
    )


def _check_batch(batch: list[Channel], periods: dict, preceding: dict, chefs: dict) -> dict:
    """One batch of channels with a rhythm: the updates counted (one grouped query), this
    period's and the preceding period's rows (one query), the new rows (one bulk insert) and
    their notifications."""
    ids_by_kind = {kind: [c.pk for c in batch if c.required_period == kind] for kind in periods}
    in_period = Q(pk__in=[])
    for kind, period in periods.items():
        in_period |= Q(channel_id__in=ids_by_kind[kind], published_at__gte=period.start, published_at__lt=period.end)
    actual = dict(
        ChannelUpdate.objects.counted()
        .filter(in_period)
        .values("channel_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("channel_id", "n")
    )

    wanted = Q(pk__in=[])
    for kind in periods:
        starts = [periods[kind].starts_on, preceding[kind].starts_on]
        wanted |= Q(channel_id__in=ids_by_kind[kind], period=kind, starts_on__in=starts)
    rows = {
        (channel_id, kind, starts_on): missed
        for channel_id, kind, starts_on, missed in RhythmCheck.objects.filter(wanted).values_list(
            "channel_id", "period", "starts_on", "missed_in_row"
        )
    }

    now = timezone.now()
    new = []
    for channel in batch:
        kind = channel.required_period
        period = periods[kind]
        if (channel.pk, kind, period.starts_on) in rows:
            continue
        activated_on = (
            timezone.localdate(channel.activated_at, timezone.get_default_timezone()) if channel.activated_at else None
        )
        required = required_updates(channel.required_count, period, activated_on)
        if required is None:
            continue
        count = actual.get(channel.pk, 0)
        before = rows.get((channel.pk, kind, preceding[kind].starts_on), 0)
        missed_in_row = 0 if count >= required else before + 1
        new.append(
            RhythmCheck(
                channel=channel,
                period=kind,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                required=required,
                actual=count,
                missed_in_row=missed_in_row,
                checked_at=now,
            )
        )
    RhythmCheck.objects.bulk_create(new, ignore_conflicts=True)
    missed = [row for row in new if not row.met]
    notified = notify_many(_notices(missed, periods, chefs))
    return {"channels": len(batch), "created": len(new), "missed": len(missed), "notified": notified}


def _notices(missed: list[RhythmCheck], periods: dict, chefs: dict) -> list[Notice]:
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for row in missed:
            channel = row.channel
            period = periods[row.period]
            chef = chefs.get(channel.unit_id)
            escalate = row.missed_in_row >= ESCALATE_FROM_MISSES and chef is not None
            owner = channel.owner if channel.owner is not None and channel.owner.is_active else chef
            facts = {
                "channel": str(channel),
                "unit": str(channel.unit),
                "period": period.label(),
                "required": row.required,
                "actual": row.actual,
                "count": row.missed_in_row,
            }
            url = channel.get_absolute_url()
            # The chef who stands in for a missing owner is told once, by the escalation.
            if owner is not None and not (escalate and owner.pk == chef.pk):
                notices.append(
                    Notice(
                        recipient=owner,
                        kind="rhythm_missed",
                        key=f"rhythm_missed:{channel.pk}:{row.period}:{row.starts_on}:{owner.pk}",
                        subject=_("Too few updates in %(period)s: %(channel)s") % facts,
                        body=_(
                            "%(channel)s had %(actual)d updates in %(period)s; its plan requires %(required)d. "
                            "Log the updates that are missing from the update log, or plan the coming posts."
                        )
                        % facts,
                        url=url,
                    )
                )
            if escalate:
                notices.append(
                    Notice(
                        recipient=chef,
                        kind="rhythm_escalated",
                        key=f"rhythm_escalated:{channel.pk}:{row.period}:{row.starts_on}:{chef.pk}",
                        subject=_("Update rhythm missed %(count)d times in a row: %(channel)s") % facts,
                        body=_(
                            "%(channel)s (%(unit)s) has missed the update rhythm of its plan %(count)d periods "
                            "in a row. In %(period)s it had %(actual)d updates; its plan requires %(required)d."
                        )
                        % facts,
                        url=url,
                    )
                )
    return notices
