"""Reads of plans. Every list of plans goes through `plans_visible_to`."""

import datetime
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.enums import Course, UnitKind
from accounts.models import Absence, Unit, User
from accounts.queries import readable_units

from .enums import EDITABLE, PENDING, ChannelStatus, PlanStatus
from .models import Channel, Plan, RhythmCheck, RosterWeek, Screenshot, ScreenshotDuty
from .rules import is_overseer


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """The one selector for lists: what `user` may read (see rules.can_view_plan)."""
    plans = Plan.objects.select_related("unit", "author")
    if not user.is_authenticated or not user.is_active:
        return plans.none()
    if is_overseer(user):
        return plans
    return plans.filter(Q(unit__in=readable_units(user).values("pk")) | Q(author=user) | Q(deciding_chef=user))


def staben_unit_ids() -> QuerySet:
    return Unit.objects.filter(Q(kind=UnitKind.STAB) | Q(parent__kind=UnitKind.STAB)).values("pk")


def plans_awaiting(user: User) -> QuerySet[Plan]:
    """Plans waiting at a step that `user` may decide now (mirrors rules.decidable_step)."""
    if not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    waiting = Q(status=PlanStatus.HOS_CHEF, deciding_chef=user) & ~Q(author=user)
    if user.is_kommunikationsansvarig:
        waiting |= Q(status=PlanStatus.HOS_KOMMUNIKATION) & ~Q(author=user)
    if user.is_kulturdirektor:
        waiting |= Q(status=PlanStatus.HOS_DIREKTOR) & (~Q(author=user) | Q(unit__in=staben_unit_ids()))
    return Plan.objects.filter(waiting).select_related("unit", "author").order_by("status_changed_at", "pk")


def plans_by(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(author=user).select_related("unit", "author")


def plans_returned_to(user: User) -> QuerySet[Plan]:
    return plans_by(user).filter(status=PlanStatus.ATERSAND)


def open_version_exists(plan: Plan) -> bool:
    """Whether the plan's series already has a version being drafted or decided."""
    return Plan.objects.filter(series=plan.series, status__in=EDITABLE | PENDING).exclude(pk=plan.pk).exists()


def versions_of(plan: Plan) -> QuerySet[Plan]:
    return Plan.objects.filter(series=plan.series).order_by("version_number")


# --- Channels ---------------------------------------------------------------------------------

INVENTORY_INTERVAL_MONTHS = 6
ROSTER_OUTLOOK_WEEKS = 12
TRAINING_WARNING_DAYS = 60


def channels_visible_to(user: User) -> QuerySet[Channel]:
    """The one selector for lists of channels (see rules.can_view_channel)."""
    channels = Channel.objects.select_related("unit", "owner")
    if not user.is_authenticated or not user.is_active:
        return channels.none()
    if is_overseer(user):
        return channels
    return channels.filter(unit__in=readable_units(user).values("pk"))


def public_channels() -> QuerySet[Channel]:
    """The public register: active channels only, and only what the public may see."""
    return (
        Channel.objects.filter(status=ChannelStatus.AKTIV)
        .select_related("unit")
        .only("platform", "name", "url", "unit__name")
        .order_by("unit__name", "platform", "name")
    )


def plan_in_force(channel: Channel) -> Plan | None:
    return Plan.objects.filter(channel=channel, status=PlanStatus.GODKAND).order_by("-version_number").first()


# Fix: "not read yet", distinct from None ("never confirmed"). With None as the default, a
# caller that had already read "never confirmed" (channels_with_inventory_due's annotation)
# made inventory_due query again for each such channel: one query per channel (N+1).
_NOT_READ = object()


def inventory_due(channel: Channel, last_confirmed=_NOT_READ) -> datetime.date | None:
    """When the next half-yearly inventory confirmation is due (computed, never stored).

    `last_confirmed` is the time of the latest confirmation (None: never) if the caller has
    read it already; left out, it is read here."""
    if channel.status not in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD):
        return None
    if last_confirmed is _NOT_READ:
        last_confirmed = channel.inventories.order_by("-confirmed_at").values_list("confirmed_at", flat=True).first()
    since = last_confirmed or channel.activated_at
    if since is None:
        return None
    return timezone.localdate(since) + relativedelta(months=INVENTORY_INTERVAL_MONTHS)


def channels_with_inventory_due(user: User, today: datetime.date) -> list[tuple[Channel, datetime.date]]:
    """Visible active channels whose inventory confirmation is overdue, oldest first."""
    channels = (
        channels_visible_to(user)
        .filter(status__in=[ChannelStatus.AKTIV, ChannelStatus.PAUSAD])
        .annotate(last_confirmed=Max("inventories__confirmed_at"))
    )
    overdue = []
    for channel in channels:
        due = inventory_due(channel, channel.last_confirmed)
        if due is not None and due < today:
            overdue.append((channel, due))
    return sorted(overdue, key=lambda pair: pair[1])


@dataclass(frozen=True)
class RosterWeekView:
    iso_year: int
    iso_week: int
    monday: datetime.date
    primary: User | None
    backup: User | None
    gap_days: tuple[datetime.date, ...]

    @property
    def is_gap(self) -> bool:
        return bool(self.gap_days)


def roster_outlook(channel: Channel, start: datetime.date, weeks: int = ROSTER_OUTLOOK_WEEKS) -> list[RosterWeekView]:
    """The next `weeks` ISO weeks from `start`, each with its monitors and its gap days.

    A workday (Monday–Friday, from `start` on) is a gap when no assigned monitor is present on it: nobody
    assigned, or everyone assigned is away (absences count). A week with a gap day is a gap
    week. Two queries whatever the number of weeks: the roster rows and the absences.
    """
    first_monday = start - datetime.timedelta(days=start.weekday())
    mondays = [first_monday + datetime.timedelta(weeks=i) for i in range(weeks)]
    keys = [monday.isocalendar()[:2] for monday in mondays]
    rows = {
        (row.iso_year, row.iso_week): row
        for row in RosterWeek.objects.filter(channel=channel)
        .filter(week_keys_q(keys))
        .select_related("primary", "backup")
    }
    people = {person.pk for row in rows.values() for person in (row.primary, row.backup) if person}
    last_day = mondays[-1] + datetime.timedelta(days=6)
    absences = list(
        Absence.objects.filter(user_id__in=people, starts_on__lte=last_day, ends_on__gte=first_monday).values_list(
            "user_id", "starts_on", "ends_on"
        )
    )

    def present(person: User | None, day: datetime.date) -> bool:
        return person is not None and not any(
            user_id == person.pk and starts <= day <= ends for user_id, starts, ends in absences
        )

    outlook = []
    for monday, key in zip(mondays, keys, strict=True):
        row = rows.get(key)
        primary, backup = (row.primary, row.backup) if row else (None, None)
        # Days already past when the outlook starts are history, not gaps to act on.
        workdays = [monday + datetime.timedelta(days=offset) for offset in range(5)]
        workdays = [day for day in workdays if day >= start]
        gaps = tuple(day for day in workdays if not (present(primary, day) or present(backup, day)))
        outlook.append(RosterWeekView(key[0], key[1], monday, primary, backup, gaps))
    return outlook


def week_keys_q(keys) -> Q:
    """Roster rows of any of these (ISO year, ISO week) pairs."""
    query = Q(pk__in=[])
    for year, week in keys:
        query |= Q(iso_year=year, iso_week=week)
    return query


# --- Training ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingState:
    person: User
    valid_until: datetime.date | None
    has_valid: bool
    expires_soon: bool


def people_in_scope(user: User) -> QuerySet[User]:
    """Whose training a person follows: everyone for overseers, the units a chef leads."""
    people = User.objects.filter(is_active=True).select_related("unit").order_by("full_name")
    if is_overseer(user):
        return people
    return people.filter(unit__in=readable_units(user).values("pk"))


def training_overview(user: User, today: datetime.date) -> list[TrainingState]:
    """Everyone in scope with their legal training: valid, expiring within 60 days, or missing."""
    people = people_in_scope(user).annotate(
        valid_until_max=Max(
            "training_records__valid_until",
            filter=Q(training_records__course=Course.LEGAL_BASICS, training_records__completed_on__lte=today),
        ),
        open_ended=Count(
            "training_records",
            filter=Q(
                training_records__course=Course.LEGAL_BASICS,
                training_records__completed_on__lte=today,
                training_records__valid_until__isnull=True,
            ),
        ),
    )
    states = []
    for person in people:
        if person.open_ended:
            states.append(TrainingState(person, None, True, False))
            continue
        until = person.valid_until_max
        valid = until is not None and until >= today
        soon = valid and until <= today + datetime.timedelta(days=TRAINING_WARNING_DAYS)
        states.append(TrainingState(person, until, valid, soon))
    return states


# --- Scheduled work: update rhythm and screenshot duties ---

RHYTHM_RESULTS_SHOWN = 8
SCREENSHOT_ESCALATION_DAYS = 30


def rhythm_results(channel: Channel, limit: int = RHYTHM_RESULTS_SHOWN) -> list[RhythmCheck]:
    """The channel's latest update-rhythm checks, newest period first (one query)."""
    return list(RhythmCheck.objects.filter(channel=channel).order_by("-starts_on", "-pk")[:limit])


def screenshot_escalates_on(starts_on: datetime.date) -> datetime.date:
    """The day the chef is told of a screenshot duty still unfulfilled: 30 days after it began."""
    return starts_on + datetime.timedelta(days=SCREENSHOT_ESCALATION_DAYS)


def screenshot_taken_within(channel, first_day, last_day) -> Exists:
    """Whether a screenshot record of `channel` was taken in [`first_day`, `last_day`]: the
    fulfilment of a duty. Each argument may be a value or an OuterRef, so the same rule serves
    the channel page (per duty) and the daily job (per channel)."""
    return Exists(Screenshot.objects.filter(channel=channel, taken_on__gte=first_day, taken_on__lte=last_day))


@dataclass(frozen=True)
class DutyState:
    """A screenshot duty as the channel page shows it; fulfilment and overdue are computed."""

    duty: ScreenshotDuty
    fulfilled: bool
    overdue: bool
    escalates_on: datetime.date


def screenshot_duties_of(channel: Channel, today: datetime.date) -> list[DutyState]:
    """Every screenshot duty of the channel, newest half year first, each with whether a
    screenshot taken within its half year fulfils it and whether it is overdue (unfulfilled
    and `today` on or after the day the chef is told). One query."""
    fulfilled = screenshot_taken_within(OuterRef("channel"), OuterRef("period_start"), OuterRef("period_end"))
    duties = ScreenshotDuty.objects.filter(channel=channel).annotate(fulfilled=fulfilled).order_by("-period_start")
    states = []
    for duty in duties:
        escalates_on = screenshot_escalates_on(duty.starts_on)
        overdue = not duty.fulfilled and today >= escalates_on
        states.append(DutyState(duty, duty.fulfilled, overdue, escalates_on))
    return states
