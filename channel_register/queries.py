"""Reads of the channel register. Every list of channels goes through `channels_visible_to`.

The computed states live here, each once: when an inventory is overdue (`inventory_overdue`,
on the due day that the model stores: models.channel.inventory_due_on), what a roster gap is
(`roster_gaps`, which the channel page's `roster_outlook` and the daily reminder both use), and
when a screenshot duty is overdue (`screenshot_escalates_on`, `screenshot_taken_within`).
"""

import datetime
import difflib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Case, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.enums import Course
from accounts.models import Absence, TrainingRecord, User
from accounts.queries import is_overseer, readable_units, valid_training_q

from .enums import INFORMATION_ITEMS, ChannelStatus, ChecklistItem, DutyReason
from .models import (
    Channel,
    ChannelUpdate,
    ChecklistTick,
    InventoryConfirmation,
    RemovalEntry,
    RhythmCheck,
    RosterWeek,
    Screenshot,
    ScreenshotDuty,
    inventory_due_on,
)

# --- Channels ---------------------------------------------------------------------------------

ROSTER_OUTLOOK_WEEKS = 12


def channels_visible_to(user: User) -> QuerySet[Channel]:
    """The one selector for lists of channels (see rules.can_view_channel)."""
    channels = Channel.objects.select_related("unit", "owner")
    if not user.is_authenticated or not user.is_active:
        return channels.none()
    if is_overseer(user):
        return channels
    return channels.filter(unit__in=readable_units(user).values("pk"))


# The public register (issue 20): the channels in use are official (a paused one, or one being
# closed, is still the Region's account); a closed channel that had been in use stays listed as
# formerly official with its closing day, so that a lookup can say "no longer ours" of a handle
# someone else may have taken over. A planned channel, and one closed without ever starting, was
# never official and is not listed.
OFFICIAL_STATUSES = (ChannelStatus.AKTIV, ChannelStatus.PAUSAD, ChannelStatus.AVVECKLAS)
PUBLIC_FIELDS = ("platform", "name", "url", "status", "activated_at", "closed_at", "unit__name")


def _public_q() -> Q:
    return Q(status__in=OFFICIAL_STATUSES) | Q(status=ChannelStatus.AVSLUTAD, activated_at__isnull=False)


def public_channels() -> QuerySet[Channel]:
    """The public register, only what the public may see: the official channels by unit,
    platform and name, then the formerly official ones, the most recently closed first."""
    return (
        Channel.objects.filter(_public_q())
        .select_related("unit")
        .only(*PUBLIC_FIELDS)
        .alias(closed=Case(When(status=ChannelStatus.AVSLUTAD, then=Value(1)), default=Value(0)))
        .order_by("closed", F("closed_at").desc(nulls_first=True), "unit__name", "platform", "name", "pk")
    )


def channels_at_addresses(keys) -> QuerySet[Channel]:
    """The public register's channels whose address has one of `keys` (addresses.address_key):
    the lookup's one indexed query, official ones first, then the most recently closed."""
    return public_channels().filter(canonical_address__in=sorted(keys)).only(*PUBLIC_FIELDS, "canonical_address")


# Fix: "not read yet", distinct from None ("never confirmed"). With None as the default, a
# caller that had already read "never confirmed" made inventory_due query again for each such
# channel: one query per channel (N+1).
_NOT_READ = object()


def inventory_due(channel: Channel, last_confirmed=_NOT_READ) -> datetime.date | None:
    """When the next half-yearly inventory confirmation is due (the rule: models'
    inventory_due_on, which Channel.inventory_due stores).

    `last_confirmed` is the time of the latest confirmation (None: never) if the caller has
    read it already; left out, it is read here."""
    if last_confirmed is _NOT_READ:
        return channel.next_inventory_due()
    return inventory_due_on(channel.status, last_confirmed or channel.activated_at)


def inventory_overdue(due: datetime.date | None, today: datetime.date) -> bool:
    """The inventory is overdue on `today` when its due day (`inventory_due`) has passed."""
    return due is not None and due < today


def overdue_inventories(channels: QuerySet[Channel], today: datetime.date) -> QuerySet[Channel]:
    """The channels among `channels` whose inventory is overdue on `today` (inventory_overdue,
    as SQL on the stored due day: only a channel in use has one), oldest due day first, then
    by name. Read by the index `channel_inventory_due`."""
    return channels.filter(inventory_due__lt=today).order_by("inventory_due", "name", "pk")


def channels_with_inventory_due(user: User, today: datetime.date) -> QuerySet[Channel]:
    """Visible channels whose inventory confirmation is overdue, oldest first; each channel's
    due day is its `inventory_due`."""
    return overdue_inventories(channels_visible_to(user), today)


def week_keys_q(keys) -> Q:
    """Roster rows of any of these (ISO year, ISO week) pairs."""
    query = Q(pk__in=[])
    for year, week in keys:
        query |= Q(iso_year=year, iso_week=week)
    return query


def workdays(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """Monday–Friday from `start` to `end`, both included."""
    days = [start + datetime.timedelta(days=n) for n in range((end - start).days + 1)]
    return [day for day in days if day.weekday() < 5]


def absences_by_person(whose: Q, start: datetime.date, end: datetime.date) -> dict[int, list[tuple]]:
    """(first day, last day) of every absence (of the people `whose` selects) that overlaps
    [`start`, `end`], by person id. One query."""
    away: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    rows = Absence.objects.filter(whose, starts_on__lte=end, ends_on__gte=start)
    for user_id, starts_on, ends_on in rows.values_list("user_id", "starts_on", "ends_on"):
        away[user_id].append((starts_on, ends_on))
    return away


def gap_days(days, monitors_of_week, away: dict[int, list[tuple]], departed) -> list[datetime.date]:
    """What a roster gap is, the one rule: a workday is a gap when no monitor assigned for its
    ISO week is present on it (nobody assigned, or everyone assigned away: absences count, and
    a deactivated person, who has left, is present on no day).

    `days` are the workdays to judge, `monitors_of_week((iso_year, iso_week))` the ids of the
    week's primary and backup monitors (none: unassigned), `away` absences_by_person, and
    `departed` the ids of the monitors who are no longer active (User.is_active false)."""

    def present(person_id: int, day: datetime.date) -> bool:
        if person_id in departed:
            return False
        return not any(starts_on <= day <= ends_on for starts_on, ends_on in away.get(person_id, ()))

    return [
        day for day in days if not any(present(person_id, day) for person_id in monitors_of_week(day.isocalendar()[:2]))
    ]


def roster_gaps(
    channels: QuerySet[Channel], start: datetime.date, end: datetime.date
) -> dict[Channel, list[datetime.date]]:
    """The gap days (`gap_days`) from `start` to `end` (both included) of every channel in
    `channels`, for the daily reminder. Channels without gaps are left out.

    Three queries whatever the number of channels: the channels, the roster rows of those
    weeks (with whether each monitor is still active), and the absences of their monitors that
    overlap the period (the last two take `channels` as a subquery)."""
    days = workdays(start, end)
    weeks = sorted({day.isocalendar()[:2] for day in days})
    rows = RosterWeek.objects.filter(week_keys_q(weeks), channel__in=channels)
    monitors: dict[tuple[int, int, int], tuple[int, ...]] = {}
    departed: set[int] = set()
    # Whether each monitor is still active comes in the same query (a join), not a fourth one.
    for channel_id, year, week, primary_id, backup_id, primary_active, backup_active in rows.values_list(
        "channel_id", "iso_year", "iso_week", "primary_id", "backup_id", "primary__is_active", "backup__is_active"
    ):
        monitors[channel_id, year, week] = tuple(pk for pk in (primary_id, backup_id) if pk is not None)
        departed.update(
            pk for pk, is_active in ((primary_id, primary_active), (backup_id, backup_active)) if pk and not is_active
        )
    monitors_q = Q(user__in=rows.values("primary_id")) | Q(user__in=rows.values("backup_id"))
    away = absences_by_person(monitors_q, start, end)
    gaps = {}
    for channel in channels.order_by("pk"):
        found = gap_days(days, lambda key, pk=channel.pk: monitors.get((pk, *key), ()), away, departed)
        if found:
            gaps[channel] = found
    return gaps


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
    """The next `weeks` ISO weeks from `start`, each with its monitors and its gap days
    (`gap_days`, from `start` on: days already past are history, not gaps to act on), for the
    channel's page. Two queries whatever the number of weeks: the roster rows with the
    monitors' names, and the absences."""
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
    departed = {
        person.pk for row in rows.values() for person in (row.primary, row.backup) if person and not person.is_active
    }
    away = absences_by_person(Q(user_id__in=people), first_monday, mondays[-1] + datetime.timedelta(days=6))

    def monitors_of_week(key) -> tuple[int, ...]:
        row = rows.get(key)
        return tuple(person.pk for person in (row.primary, row.backup) if person) if row else ()

    outlook = []
    for monday, key in zip(mondays, keys, strict=True):
        row = rows.get(key)
        primary, backup = (row.primary, row.backup) if row else (None, None)
        days = workdays(max(monday, start), monday + datetime.timedelta(days=4))
        gaps = tuple(gap_days(days, monitors_of_week, away, departed))
        outlook.append(RosterWeekView(key[0], key[1], monday, primary, backup, gaps))
    return outlook


# --- People ---------------------------------------------------------------------------------------


def with_legal_training(people: QuerySet[User], on: datetime.date) -> QuerySet[User]:
    """`people`, each annotated with `trained` (legal training valid on `on`: the accounts rule,
    valid_training_q) and `training_ended` (when not trained: the last valid day of their
    latest legal training, None if they never had one), so a form can say why someone cannot
    be appointed. In the same one query as `people`."""
    valid = TrainingRecord.objects.filter(valid_training_q(on), user=OuterRef("pk"))
    ended = TrainingRecord.objects.filter(user=OuterRef("pk"), course=Course.LEGAL_BASICS, valid_until__lt=on)
    return people.annotate(
        trained=Exists(valid),
        training_ended=Subquery(ended.order_by("-valid_until").values("valid_until")[:1]),
    )


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


# A change duty has no end: any screenshot record on or after the day of the change fulfils it.
OPEN_END = datetime.date.max


def duty_fulfilled() -> Exists:
    """Whether a screenshot record of the duty's channel fulfils the ScreenshotDuty row being
    read (OuterRef): taken within its half year, or for a change duty (period_end empty) on or
    after the day of the change. The rule of screenshot_taken_within, on a row of duties."""
    return screenshot_taken_within(
        OuterRef("channel"),
        OuterRef("period_start"),
        Coalesce(OuterRef("period_end"), Value(OPEN_END), output_field=DateField()),
    )


def open_change_duties() -> QuerySet:
    """The screenshot duties opened by a major change (not a half year) that no screenshot record
    fulfils yet (duty_fulfilled): what the daily job reminds of and the overview shows."""
    return ScreenshotDuty.objects.exclude(reason=DutyReason.HALF_YEAR).filter(~duty_fulfilled())


def oldest_open_change_on(channel) -> Subquery:
    """The day of the oldest change of `channel` (a value or an OuterRef) whose screenshot duty is
    still open (open_change_duties), or None: one subquery."""
    return Subquery(open_change_duties().filter(channel=channel).order_by("starts_on").values("starts_on")[:1])


@dataclass(frozen=True)
class DutyState:
    """A screenshot duty as the channel page shows it; fulfilment and overdue are computed."""

    duty: ScreenshotDuty
    fulfilled: bool
    overdue: bool
    escalates_on: datetime.date


def screenshot_duties_of(channel: Channel, today: datetime.date) -> list[DutyState]:
    """Every screenshot duty of the channel, half-yearly and after a change, newest first, each
    with whether a screenshot record fulfils it (duty_fulfilled) and whether it is overdue
    (unfulfilled and `today` on or after the day the chef is told). One query."""
    duties = (
        ScreenshotDuty.objects.filter(channel=channel)
        .annotate(fulfilled=duty_fulfilled())
        .order_by("-period_start", "-pk")
    )
    states = []
    for duty in duties:
        escalates_on = screenshot_escalates_on(duty.starts_on)
        overdue = not duty.fulfilled and today >= escalates_on
        states.append(DutyState(duty, duty.fulfilled, overdue, escalates_on))
    return states


# --- Near-duplicate channels ---

NEAR_DUPLICATE_RATIO = 0.85


def comparable_name(name: str) -> str:
    """A channel name as compared for near-duplicates: case, spaces, punctuation and
    diacritics ignored ("Läns-biblioteket " and "lansbiblioteket" are the same)."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(char for char in decomposed.casefold() if char.isalnum())


def comparable_url(url: str) -> str:
    """An address as compared for duplicates: no scheme, no `www.`, no trailing slash, any case."""
    url = (url or "").strip().casefold()
    url = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url)
    url = url.removeprefix("www.")
    return url.rstrip("/")


def near_duplicate_channels(*, platform: str, name: str, url: str, exclude_ids=()) -> list[Channel]:
    """The channels of the whole register that a new channel would likely duplicate: the same
    address (comparable_url), or on the same platform a name equal or similar to it
    (comparable_name; difflib ratio ≥ NEAR_DUPLICATE_RATIO). A unit may well have a Facebook
    page and an Instagram account of the same name, so names are compared per platform (on
    every platform while none is chosen yet).
    For a warning, not a refusal. One query."""
    wanted_name, wanted_url = comparable_name(name), comparable_url(url)
    if not wanted_name and not wanted_url:
        return []
    found = []
    candidates = Channel.objects.exclude(pk__in=list(exclude_ids)).select_related("unit").order_by("name", "pk")
    for channel in candidates:
        if wanted_url and comparable_url(channel.url) == wanted_url:
            found.append(channel)
            continue
        if not wanted_name or (platform and channel.platform != platform):
            continue
        existing = comparable_name(channel.name)
        if existing == wanted_name or difflib.SequenceMatcher(None, existing, wanted_name).ratio() >= (
            NEAR_DUPLICATE_RATIO
        ):
            found.append(channel)
    return found


# --- The channel's page: its latest rows read with the channel -----------------------------------

# The fields of each latest row the page shows; a "__" path reads the person's name across the join.
PERSON = ("full_name", "username")
INVENTORY_FIELDS = ("pk", "confirmed_at", "still_used", "owners_correct", *INFORMATION_ITEMS.values(), "note")
RHYTHM_FIELDS = ("pk", "period", "starts_on", "ends_on", "required", "actual", "missed_in_row", "checked_at")
TICK_FIELDS = ("pk", "item", "ticked_at")
ACCESSIBILITY_FIELDS = ("alt_texts_checked", "captions_checked")


def _latest(prefix: str, rows: QuerySet, fields: tuple[str, ...], person: str = "") -> dict:
    """The first of `rows` (ordered, filtered on OuterRef("pk")), one subquery per field, as
    `<prefix>_<field>`; with its person's id and name when `person` names the foreign key."""
    paths = [*fields, *((f"{person}_id", *(f"{person}__{name}" for name in PERSON)) if person else ())]
    return {f"{prefix}_{path.replace('__', '_')}": Subquery(rows.values(path)[:1]) for path in paths}


def _count(rows: QuerySet) -> Coalesce:
    return Coalesce(Subquery(rows.order_by().values("channel").annotate(n=Count("pk")).values("n")), 0)


# The share of screenshot records that checked accessibility (DOS-lagen) is over this many years.
ACCESSIBILITY_YEARS = 2


def _accessibility_counts(screenshots: QuerySet) -> dict:
    """Of the channel's screenshot records taken in the last ACCESSIBILITY_YEARS years that were
    asked (issue 19; older rows hold None), how many answered, and how many said yes, for the
    alt texts and for the captions: four subqueries of the page's one query."""
    recent = screenshots.filter(taken_on__gte=timezone.localdate() - relativedelta(years=ACCESSIBILITY_YEARS))
    counts = {}
    for field in ACCESSIBILITY_FIELDS:
        counts[f"page_{field}_asked"] = _count(recent.filter(**{f"{field}__isnull": False}))
        counts[f"page_{field}_yes"] = _count(recent.filter(**{field: True}))
    return counts


def with_page_summary(channels: QuerySet[Channel]) -> QuerySet[Channel]:
    """The channel page's summaries, read with the channel in its one query (subqueries on
    indexed channel columns): the last inventory confirmation, the last checked period, the
    go-live checklist's ticks (one per item at most), the latest update, and how many screenshot
    records and removal entries there are and the latest of each, and the share of recent screenshot
    records that checked accessibility. Read back by `page_summary`."""
    mine = {"channel": OuterRef("pk")}
    screenshots = Screenshot.objects.filter(**mine)
    removals = RemovalEntry.objects.filter(**mine)
    ticks = {}
    for item in ChecklistItem:
        rows = ChecklistTick.objects.filter(**mine, item=item.value)
        ticks.update(_latest(f"page_tick_{item.value}", rows, TICK_FIELDS, person="ticked_by"))
    return channels.annotate(
        **_latest(
            "page_inventory",
            InventoryConfirmation.objects.filter(**mine).order_by("-confirmed_at", "-pk"),
            INVENTORY_FIELDS,
            person="confirmed_by",
        ),
        **_latest("page_rhythm", RhythmCheck.objects.filter(**mine).order_by("-starts_on", "-pk"), RHYTHM_FIELDS),
        **ticks,
        page_last_update_at=Subquery(
            ChannelUpdate.objects.counted().filter(**mine).order_by("-published_at").values("published_at")[:1]
        ),
        page_update_count=_count(ChannelUpdate.objects.counted().filter(**mine)),
        page_screenshot_count=_count(screenshots),
        page_last_screenshot_on=Subquery(screenshots.order_by("-taken_on").values("taken_on")[:1]),
        **_accessibility_counts(screenshots),
        page_removal_count=_count(removals),
        page_last_removed_on=Subquery(removals.order_by("-removed_on").values("removed_on")[:1]),
    )


def _row(channel: Channel, prefix: str, model, fields: tuple[str, ...], person: str = ""):
    """The latest row `_latest` read, as an instance of `model` (None when there is none)."""
    values = {name: getattr(channel, f"{prefix}_{name}") for name in fields}
    if values["pk"] is None:
        return None
    row = model(**values)
    if person:
        person_id = getattr(channel, f"{prefix}_{person}_id")
        names = {name: getattr(channel, f"{prefix}_{person}_{name}") for name in PERSON}
        setattr(row, person, User(pk=person_id, **names) if person_id else None)
    return row


@dataclass(frozen=True)
class PageSummary:
    last_inventory: InventoryConfirmation | None
    last_rhythm_check: RhythmCheck | None
    ticks: dict[str, ChecklistTick]
    last_update_at: datetime.datetime | None
    update_count: int
    screenshot_count: int
    last_screenshot_on: datetime.date | None
    removal_count: int
    last_removed_on: datetime.date | None
    # Field (ACCESSIBILITY_FIELDS) → (records answering yes, records asked), the last two years.
    accessibility: dict[str, tuple[int, int]]


def page_summary(channel: Channel) -> PageSummary:
    """What with_page_summary read with the channel, as rows and numbers."""
    ticks = {}
    for item in ChecklistItem:
        tick = _row(channel, f"page_tick_{item.value}", ChecklistTick, TICK_FIELDS, person="ticked_by")
        if tick is not None:
            ticks[item.value] = tick
    return PageSummary(
        last_inventory=_row(channel, "page_inventory", InventoryConfirmation, INVENTORY_FIELDS, person="confirmed_by"),
        last_rhythm_check=_row(channel, "page_rhythm", RhythmCheck, RHYTHM_FIELDS),
        ticks=ticks,
        last_update_at=channel.page_last_update_at,
        update_count=channel.page_update_count,
        screenshot_count=channel.page_screenshot_count,
        last_screenshot_on=channel.page_last_screenshot_on,
        removal_count=channel.page_removal_count,
        last_removed_on=channel.page_last_removed_on,
        accessibility={
            field: (getattr(channel, f"page_{field}_yes"), getattr(channel, f"page_{field}_asked"))
            for field in ACCESSIBILITY_FIELDS
        },
    )
