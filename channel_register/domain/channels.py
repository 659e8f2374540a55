"""Writes about channels: their life, people, go-live checklist, roster, inventory,
screenshots and the removal log. Every channel status change goes through
`channel_transition`; people are checked for valid training before any appointment."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.enums import Course
from accounts.models import User
from accounts.queries import has_valid_training, unit_and_descendant_ids
from audit import domain as audit
from kob_social.concurrency import claim_revision
from kob_social.errors import Conflict, Incomplete, NotAllowed, field_errors
from kob_social.history import update_with_history

from .. import hooks, rules
from ..audited import transition_event
from ..enums import (
    CHANNEL_TRANSITIONS,
    ChannelAction,
    ChannelStatus,
    ChecklistItem,
    DutyReason,
    Platform,
    RemovalCategory,
)
from ..models import (
    Agreement,
    Channel,
    ChecklistTick,
    InventoryConfirmation,
    RemovalEntry,
    RosterWeek,
    Screenshot,
    ScreenshotFile,
)
from ..queries import roster_outlook
from ..uploads import check_upload
from .duties import open_change_duty

CHANGED_FIRST = gettext_lazy("Someone else changed the channel first. Open it again to see its current state.")


def create_planned_channel(*, platform: str, name: str, url: str, unit) -> Channel:
    """A plan for a new channel creates the channel, as planerad."""
    return Channel.objects.create(
        platform=platform or Platform.OTHER,
        name=name or _("New channel"),
        url=url,
        unit=unit,
        status=ChannelStatus.PLANERAD,
    )


# A change of these is a major change of the channel: a screenshot is due after it (duties).
MAJOR_FIELDS = ("platform", "name", "url")


def describe_channel(
    channel_id: int,
    *,
    platform: str,
    name: str,
    url: str,
    unit,
    actor: User | None,
    reason: str = "",
    records_reference: str | None = None,
) -> None:
    """An approved plan is the channel's description: platform, name, address and unit, and the
    reference to the records management plan (`records_reference`; None leaves it as it is).

    One history row by `actor` (the person whose approval made the plan the description),
    and the revision bumped in the database, so that a form opened before is refused as stale.
    (A queryset update() would leave no history row and no new revision.) The draft of a first
    plan describes its own planned channel the same way, with its own `reason`.

    A new name, address or platform of an active channel is a major change: it opens a
    screenshot duty (duties.open_change_duty), once, keyed by the history row of the change."""
    Channel.objects.filter(pk=channel_id).update(revision=F("revision") + 1)
    channel = Channel.objects.get(pk=channel_id)
    before = tuple(getattr(channel, field) for field in MAJOR_FIELDS)
    channel.platform, channel.name, channel.url, channel.unit = platform, name, url, unit
    fields = ["platform", "name", "url", "unit"]
    if records_reference is not None:
        channel.records_reference = records_reference.strip()
        fields.append("records_reference")
    channel._history_user = actor
    channel._change_reason = reason or _("Described by the approved plan")
    channel.save(update_fields=fields)
    if before != tuple(getattr(channel, field) for field in MAJOR_FIELDS):
        change = channel.history.order_by("-history_id").values_list("history_id", flat=True).first()
        open_change_duty(channel, reason=DutyReason.CHANNEL_CHANGED, key=f"kanal:{change}", on=timezone.localdate())


# --- The channel's life -----------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisionCondition:
    """A go-live condition besides the ticked checklist: `blocker` says why it does not hold
    (empty: it holds). `kind` is "agreement" or "roster", for the page's link to fix it."""

    kind: str
    label: str
    blocker: str


def roster_activation_start(today: datetime.date) -> datetime.date:
    """The first day the go-live roster condition judges: today, or on a weekend the coming
    Monday (a week with no workday left cannot count as one of the covered weeks)."""
    return today if today.weekday() < 5 else today + datetime.timedelta(days=7 - today.weekday())


def supervision_conditions(channel: Channel, today: datetime.date) -> list[SupervisionCondition]:
    """Continuous supervision, which the strategy requires from the first day, as two go-live
    conditions: an agreement confirmed by both the manager and the owner, and a supervision
    roster without a gap (the one rule: queries.gap_days, through roster_outlook) in each of the
    next CHANNEL_ACTIVATION_ROSTER_WEEKS weeks. Three queries."""
    weeks = settings.CHANNEL_ACTIVATION_ROSTER_WEEKS
    confirmed = Agreement.objects.filter(
        channel=channel, chef_confirmed_at__isnull=False, owner_confirmed_at__isnull=False
    ).exists()
    gaps = [week for week in roster_outlook(channel, roster_activation_start(today), weeks) if week.is_gap]
    return [
        SupervisionCondition(
            "agreement",
            _("An agreement confirmed by the manager and the owner"),
            "" if confirmed else _("No agreement has been confirmed by both the manager and the owner."),
        ),
        SupervisionCondition(
            "roster",
            ngettext(
                "A monitor present every workday of the next %(count)d week",
                "A monitor present every workday of the next %(count)d weeks",
                weeks,
            )
            % {"count": weeks},
            ""
            if not gaps
            else ngettext(
                "The supervision roster has a gap in the next %(count)d week: %(weeks)s.",
                "The supervision roster has gaps in the next %(count)d weeks: %(weeks)s.",
                weeks,
            )
            % {"count": weeks, "weeks": ", ".join(_("w. %(week)d") % {"week": week.iso_week} for week in gaps)},
        ),
    ]


def activation_blockers(channel: Channel, conditions: list[SupervisionCondition] | None = None) -> list[str]:
    """Why the channel cannot become active yet (empty: it can): no approved plan, an item of
    the checklist not ticked, or supervision not secured (`supervision_conditions`, which a
    caller that has read them already passes in)."""
    blockers = []
    if not hooks.plans().has_approved_plan(channel):
        blockers.append(_("The channel has no approved plan."))
    ticked = set(ChecklistTick.objects.filter(channel=channel).values_list("item", flat=True))
    for item in ChecklistItem:
        if item.value not in ticked:
            blockers.append(_("Not ticked: %(item)s.") % {"item": item.label})
    if conditions is None:
        conditions = supervision_conditions(channel, timezone.localdate())
    blockers.extend(condition.blocker for condition in conditions if condition.blocker)
    return blockers


def closing_blockers(channel: Channel) -> list[str]:
    if not Screenshot.objects.filter(channel=channel, is_final=True).exists():
        return [_("A final screenshot record is needed before the channel is closed.")]
    return []


def channel_transition(
    channel_id: int, action: ChannelAction, *, actor: User | None, expected_revision: int | None = None
) -> Channel:
    """Move the channel along its life; the only place that writes `Channel.status`.

    `actor` None is the system (a closure request approved through the chain).
    """
    with transaction.atomic(), audit.action(transition_event(action), actor=actor) as event:
        channel = Channel.objects.select_related("unit").get(pk=channel_id)
        event.about = channel
        if expected_revision is not None and channel.revision != expected_revision:
            raise Conflict(CHANGED_FIRST)
        target = CHANNEL_TRANSITIONS.get((channel.status, action))
        if target is None:
            raise NotAllowed(_("This is not possible in the channel's current state."))
        if action == ChannelAction.START_CLOSURE and actor is not None:
            raise NotAllowed(_("A channel is closed through a closure request decided in the chain."))
        if action == ChannelAction.ARCHIVE and actor is not None:
            raise NotAllowed(_("A planned channel is closed when its first plan is rejected or withdrawn."))
        if actor is not None and not rules.can_manage_channel(actor, channel):
            raise NotAllowed(_("Only the unit's manager or the communications officer can do this."))
        blockers = (
            activation_blockers(channel)
            if action == ChannelAction.ACTIVATE
            else closing_blockers(channel)
            if action == ChannelAction.CLOSE
            else []
        )
        if blockers:
            raise Incomplete({"status": blockers})
        claim_revision(channel, status=channel.status, message=CHANGED_FIRST)
        now = timezone.now()
        channel.status = target
        channel.status_changed_at = now
        fields = ["status", "status_changed_at", "revision"]
        if target == ChannelStatus.AKTIV and channel.activated_at is None:
            channel.activated_at = now
            fields.append("activated_at")
        if target == ChannelStatus.AVSLUTAD:
            channel.closed_at = now
            fields.append("closed_at")
        channel._history_user = actor
        channel._change_reason = str(ChannelAction(action).label)
        channel.save(update_fields=fields)
    return channel


def set_checklist_item(channel_id: int, item: ChecklistItem, *, actor: User, ticked: bool) -> None:
    """Tick (or untick, before go-live) one checklist item; records who and when."""
    with transaction.atomic():
        channel = Channel.objects.select_for_update().get(pk=channel_id)
        if not rules.can_manage_channel(actor, channel):
            raise NotAllowed(_("Only the unit's manager or the communications officer can do this."))
        if ticked:
            ChecklistTick.objects.get_or_create(
                channel=channel, item=item, defaults={"ticked_by": actor, "ticked_at": timezone.now()}
            )
        elif channel.status == ChannelStatus.PLANERAD:
            ChecklistTick.objects.filter(channel=channel, item=item).delete()
        else:
            raise NotAllowed(_("The checklist of an active channel cannot be unticked."))


# --- People -----------------------------------------------------------------------------------


def training_errors(people: dict[str, list[User]], on: datetime.date) -> dict[str, list[str]]:
    """Field → messages for everyone among `people` without valid legal training on `on`."""
    errors: dict[str, list[str]] = {}
    for field, persons in people.items():
        for person in persons:
            if person is not None and not has_valid_training(person, on):
                errors.setdefault(field, []).append(
                    _("%(name)s has no valid training: %(course)s.")
                    % {"name": person.get_full_name(), "course": Course.LEGAL_BASICS.label}
                )
    return errors


def inactive_errors(people: dict[str, list[User]]) -> dict[str, list[str]]:
    """Field → messages for everyone among `people` who has left (is inactive): nobody who has
    left can be appointed, monitor a week or make an agreement."""
    errors: dict[str, list[str]] = {}
    for field, persons in people.items():
        for person in persons:
            if person is not None and not person.is_active:
                errors.setdefault(field, []).append(
                    _("%(name)s has left and cannot be given this.") % {"name": person.get_full_name()}
                )
    return errors


def outsider_errors(people: dict[str, list[User]], unit) -> dict[str, list[str]]:
    """Field → messages for everyone among `people` who is not in `unit` or a unit below it."""
    unit_ids = unit_and_descendant_ids(unit)
    errors: dict[str, list[str]] = {}
    for field, persons in people.items():
        for person in persons:
            if person is not None and person.unit_id not in unit_ids:
                errors.setdefault(field, []).append(
                    _("%(name)s does not belong to %(unit)s.") % {"name": person.get_full_name(), "unit": unit}
                )
    return errors


def _merge(*error_dicts: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for errors in error_dicts:
        for field, messages in errors.items():
            merged.setdefault(field, []).extend(messages)
    return merged


def appoint(
    channel_id: int,
    *,
    actor: User,
    owner: User | None,
    screenshot_responsible: User | None,
    others=(),
    expected_revision: int | None = None,
) -> Channel:
    """The chef names who runs the channel. Everyone named needs valid legal training."""
    with transaction.atomic():
        channel = Channel.objects.select_related("unit").get(pk=channel_id)
        if not rules.can_appoint(actor, channel):
            raise NotAllowed(_("Only the unit's manager can appoint the people of a channel."))
        if expected_revision is not None and channel.revision != expected_revision:
            raise Conflict(CHANGED_FIRST)
        _set_people(
            channel,
            actor=actor,
            owner=owner,
            screenshot_responsible=screenshot_responsible,
            others=others,
            reason=_("Appointed the people of the channel"),
        )
    return channel


def hand_over_people(channel_id: int, *, actor: User, leaver: User, successors: dict[str, User | None]) -> Channel:
    """A person leaves (audit.leaving): in each of their places on the channel ("owner",
    "screenshot_responsible", "others") the successor named for it takes over (for "others", none
    removes them), with the same checks as an appointment. The administrator ending the person
    decides, not the unit's chef; inside their transaction."""
    channel = Channel.objects.select_related("unit", "owner", "screenshot_responsible").get(pk=channel_id)
    others = [person for person in channel.others.order_by("pk") if person.pk != leaver.pk]
    if "others" in successors and successors["others"] is not None:
        others.append(successors["others"])
    _set_people(
        channel,
        actor=actor,
        owner=successors.get("owner", channel.owner),
        screenshot_responsible=successors.get("screenshot_responsible", channel.screenshot_responsible),
        others=list({person.pk: person for person in others}.values()),
        reason=_("%(name)s left") % {"name": leaver.get_full_name()},
    )
    return channel


def _set_people(channel: Channel, *, actor: User, owner, screenshot_responsible, others, reason: str) -> None:
    """The one write of a channel's people: everyone named is active, has valid legal training and
    belongs to the channel's unit; the row is claimed, so a simultaneous change loses whole."""
    if channel.status == ChannelStatus.AVSLUTAD:
        raise NotAllowed(_("A closed channel has no people to appoint."))
    people = {"owner": [owner], "screenshot_responsible": [screenshot_responsible], "others": list(others)}
    errors = _merge(
        inactive_errors(people), training_errors(people, timezone.localdate()), outsider_errors(people, channel.unit)
    )
    if errors:
        raise Incomplete(errors)
    claim_revision(channel, message=CHANGED_FIRST)
    channel.owner = owner
    channel.screenshot_responsible = screenshot_responsible
    channel._history_user = actor
    channel._change_reason = reason
    channel.save(update_fields=["owner", "screenshot_responsible", "revision"])
    channel.others.set(others)


def propose_agreement(channel_id: int, *, actor: User, owner: User, tasks: str, hours_per_week) -> Agreement:
    """The chef writes the agreement (and so confirms it); the owner confirms it in turn."""
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    if not rules.can_appoint(actor, channel):
        raise NotAllowed(_("Only the unit's manager can make an agreement for the channel."))
    errors = _merge(
        inactive_errors({"owner": [owner]}),
        training_errors({"owner": [owner]}, timezone.localdate()),
        outsider_errors({"owner": [owner]}, channel.unit),
    )
    agreement = Agreement(
        channel=channel,
        owner=owner,
        chef=actor,
        tasks=(tasks or "").strip(),
        hours_per_week=hours_per_week,
        chef_confirmed_at=timezone.now(),
    )
    errors = _merge(errors, field_errors(agreement, ["tasks", "hours_per_week"]))
    if not agreement.tasks:
        errors["tasks"] = [_("Describe the tasks.")]
    if errors:
        raise Incomplete(errors)
    agreement.save()
    return agreement


def hand_over_agreement(agreement_id: int, *, actor: User, leaver: User, successor: User) -> Agreement:
    """A party to the agreement leaves (audit.leaving): a new agreement with the same tasks and
    hours, the successor in the leaver's place, takes its place, unconfirmed: both parties confirm
    it on the channel's page. Inside the caller's transaction."""
    agreement = Agreement.objects.select_related("channel__unit", "owner", "chef").get(pk=agreement_id)
    owner = successor if agreement.owner_id == leaver.pk else agreement.owner
    chef = successor if agreement.chef_id == leaver.pk else agreement.chef
    errors = _merge(
        inactive_errors({"owner": [owner]}),
        training_errors({"owner": [owner]}, timezone.localdate()),
        outsider_errors({"owner": [owner]}, agreement.channel.unit),
    )
    if errors:
        raise Incomplete(errors)
    replacement = Agreement(
        channel=agreement.channel,
        owner=owner,
        chef=chef,
        tasks=agreement.tasks,
        hours_per_week=agreement.hours_per_week,
    )
    replacement._history_user = actor
    replacement.save()
    return replacement


def confirm_agreement(agreement_id: int, *, actor: User) -> Agreement:
    """The owner (or the chef) confirms; each confirmation is stored once, with its time."""
    now = timezone.now()
    with transaction.atomic():
        agreement = Agreement.objects.get(pk=agreement_id)
        if actor.pk == agreement.owner_id:
            unconfirmed = Agreement.objects.filter(pk=agreement.pk, owner_confirmed_at__isnull=True)
            update_with_history(unconfirmed, actor=actor, owner_confirmed_at=now)
        elif actor.pk == agreement.chef_id:
            unconfirmed = Agreement.objects.filter(pk=agreement.pk, chef_confirmed_at__isnull=True)
            update_with_history(unconfirmed, actor=actor, chef_confirmed_at=now)
        else:
            raise NotAllowed(_("Only the owner and the manager of the agreement can confirm it."))
        agreement.refresh_from_db()
    return agreement


# --- Supervision roster -----------------------------------------------------------------------


def iso_weeks(first: tuple[int, int], last: tuple[int, int]) -> list[tuple[int, int]]:
    """Every ISO week from `first` to `last` inclusive, across new year (52/53 → 1) as well."""
    try:
        day = datetime.date.fromisocalendar(first[0], first[1], 1)
        end = datetime.date.fromisocalendar(last[0], last[1], 1)
    except ValueError as exc:
        raise Incomplete({"weeks": [_("That week does not exist.")]}) from exc
    if end < day:
        raise Incomplete({"weeks": [_("The last week is before the first.")]})
    weeks = []
    while day <= end:
        year, week, _weekday = day.isocalendar()
        weeks.append((year, week))
        day += datetime.timedelta(weeks=1)
    if len(weeks) > 104:
        raise Incomplete({"weeks": [_("Assign at most two years at a time.")]})
    return weeks


def assign_roster(
    channel_id: int,
    *,
    actor: User,
    first: tuple[int, int],
    last: tuple[int, int],
    primary: User,
    backup: User | None = None,
) -> list[RosterWeek]:
    """Set the primary and backup monitor for a range of ISO weeks in one go."""
    weeks = iso_weeks(first, last)
    with transaction.atomic():
        channel = Channel.objects.select_related("unit").get(pk=channel_id)
        if not rules.can_edit_roster(actor, channel):
            raise NotAllowed(_("Only the channel's people, its manager and the communications officer can do this."))
        if backup is not None and backup.pk == primary.pk:
            raise Incomplete({"backup": [_("The backup must be someone else than the monitor.")]})
        # Valid now and still valid on the last rostered workday: a training that lapses in the
        # middle of the range would leave the channel with an unqualified monitor.
        _check_monitors({"primary": [primary], "backup": [backup]}, weeks[-1])
        rows = []
        for year, week in weeks:
            row, _created = RosterWeek.objects.update_or_create(
                channel=channel, iso_year=year, iso_week=week, defaults={"primary": primary, "backup": backup}
            )
            rows.append(row)
    return rows


def _check_monitors(monitors: dict[str, list[User | None]], last_week: tuple[int, int]) -> None:
    """Monitors are active and trained now and still on the last rostered workday: a training
    that lapses in the middle of the range would leave the channel with an unqualified monitor."""
    last_workday = datetime.date.fromisocalendar(last_week[0], last_week[1], 5)
    errors = _merge(
        inactive_errors(monitors),
        training_errors(monitors, timezone.localdate()),
        training_errors(monitors, max(last_workday, timezone.localdate())),
    )
    errors = {field: list(dict.fromkeys(messages)) for field, messages in errors.items()}
    if errors:
        raise Incomplete(errors)


def hand_over_roster(channel_id: int, *, actor: User, leaver: User, successor: User, weeks: list[RosterWeek]) -> None:
    """A monitor leaves (audit.leaving): in each of `weeks` of the channel, the successor takes the
    leaver's place as monitor or backup (where they would be both, there is no backup that week).
    The same checks as assigning the weeks; inside the caller's transaction."""
    if not weeks:
        return
    _check_monitors({"primary": [successor]}, max((row.iso_year, row.iso_week) for row in weeks))
    for row in RosterWeek.objects.filter(pk__in=[row.pk for row in weeks], channel_id=channel_id).select_for_update():
        if row.primary_id == leaver.pk:
            row.primary = successor
        if row.backup_id == leaver.pk:
            row.backup = successor
        if row.backup_id == row.primary_id:
            row.backup = None
        row._history_user = actor
        row.save(update_fields=["primary", "backup"])


# --- Inventory, screenshots, removal log ------------------------------------------------------


MUST_BE_STATED = gettext_lazy("The channel must state this. Correct the channel first, then confirm the inventory.")


def confirm_inventory(
    channel_id: int,
    *,
    actor: User,
    still_used: bool,
    owners_correct: bool,
    states_who_runs_it: bool,
    states_purpose: bool,
    states_public_records: bool,
    states_what_is_removed: bool,
    states_contact: bool,
    note: str = "",
) -> InventoryConfirmation:
    """The owner's (or manager's) half-yearly confirmation. What the channel must state
    (enums.INFORMATION_ITEMS: BBS-lagen 3 §, E-delegationen point 6) is confirmed item by item,
    and one not stated refuses the whole confirmation, at its field: the inventory is not done
    until the channel shows it. "Still used" and "people right" may be answered no (the note
    says what will be done)."""
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    if not rules.can_confirm_inventory(actor, channel):
        raise NotAllowed(_("Only the channel's owner or manager can confirm the inventory."))
    if channel.status not in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD):
        raise NotAllowed(_("Only an active or paused channel is inventoried."))
    stated = {
        "states_who_runs_it": states_who_runs_it,
        "states_purpose": states_purpose,
        "states_public_records": states_public_records,
        "states_what_is_removed": states_what_is_removed,
        "states_contact": states_contact,
    }
    confirmation = InventoryConfirmation(
        channel=channel,
        confirmed_by=actor,
        confirmed_at=timezone.now(),
        still_used=still_used,
        owners_correct=owners_correct,
        note=note.strip(),
        **stated,
    )
    errors = field_errors(confirmation, ["note"])
    errors.update({field: [str(MUST_BE_STATED)] for field, value in stated.items() if not value})
    if errors:
        raise Incomplete(errors)
    with transaction.atomic():
        confirmation.save()
        audit.record("channel_register.inventory.confirmed", about=confirmation, actor=actor)
    return confirmation


def record_screenshot(
    channel_id: int,
    *,
    actor: User,
    taken_on: datetime.date,
    url: str,
    uploads,
    diarienummer: str = "",
    is_final: bool = False,
    alt_texts_checked: bool | None = None,
    captions_checked: bool | None = None,
) -> Screenshot:
    """A screenshot record with one or more files, each checked by content and hashed.

    It answers, yes or no, whether the alt texts of the channel's images and the captions of its
    videos were checked in the period (DOS-lagen): no answer is refused at its field, as a
    box left unticked would otherwise read as "no"."""
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    if not rules.can_record_screenshot(actor, channel):
        raise NotAllowed(_("Only the channel's people, its manager and the communications officer can do this."))
    screenshot = Screenshot(
        channel=channel,
        taken_on=taken_on,
        taken_by=actor,
        url=url,
        diarienummer=diarienummer.strip(),
        is_final=is_final,
        alt_texts_checked=alt_texts_checked,
        captions_checked=captions_checked,
    )
    errors = field_errors(screenshot, ["url", "diarienummer"])
    for field, answer in (("alt_texts_checked", alt_texts_checked), ("captions_checked", captions_checked)):
        if answer is None:
            errors[field] = [_("Answer yes or no.")]
    if errors:
        raise Incomplete(errors)
    if not uploads:
        raise Incomplete({"files": [_("Attach at least one file.")]})
    try:
        checked = [check_upload(upload) for upload in uploads]
    except ValidationError as exc:
        raise Incomplete({"files": exc.messages}) from exc
    with transaction.atomic():
        screenshot.save()
        for item in checked:
            ScreenshotFile.objects.create(
                screenshot=screenshot,
                file=item.content,
                original_name=item.original_name,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
            )
        audit.record("channel_register.screenshot.recorded", about=screenshot, actor=actor)
    return screenshot


def log_removal(
    channel_id: int,
    *,
    actor: User,
    removed_on: datetime.date,
    category: str,
    description: str,
    upload,
    police_report: bool = False,
    diarienummer: str = "",
) -> RemovalEntry:
    """Append an entry to the removal log (nothing in the app can change or delete it)."""
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    if not rules.can_log_removal(actor, channel):
        raise NotAllowed(_("Only the channel's people, its manager and the communications officer can do this."))
    # Fix: objects.create() does not validate choices, so any text was stored as the category
    # of an entry that can never be corrected afterwards (the log is append-only).
    if category not in RemovalCategory.values:
        raise Incomplete({"category": [_("Choose one of the categories.")]})
    entry = RemovalEntry(
        channel=channel,
        removed_on=removed_on,
        category=category,
        description=description.strip(),
        police_report=police_report,
        diarienummer=diarienummer.strip(),
        created_by=actor,
    )
    if errors := field_errors(entry, ["description", "diarienummer"]):
        raise Incomplete(errors)
    if upload is None:
        raise Incomplete({"evidence": [_("Attach the evidence: a screenshot or a PDF.")]})
    try:
        checked = check_upload(upload)
    except ValidationError as exc:
        raise Incomplete({"evidence": exc.messages}) from exc
    entry.file = checked.content
    entry.original_name = checked.original_name
    entry.content_type = checked.content_type
    entry.size = checked.size
    entry.sha256 = checked.sha256
    with transaction.atomic():
        entry.save()
        audit.record("channel_register.removal.logged", about=entry, actor=actor)
    return entry


# --- A planned channel that never started -------------------------------------------------------


def archive_unstarted_channel(channel_id: int) -> Channel | None:
    """Close a planned channel that will never start: the first plan that created it was
    rejected or withdrawn, and no other plan is open for it (the plans app judges that, and
    calls this inside its transition). The channel ends as avslutad without ever being active,
    through `channel_transition` (ARCHIVE, by the system), so its history is kept and the
    register no longer lists it as planned. A channel no longer planned is left as it is."""
    channel = Channel.objects.filter(pk=channel_id, status=ChannelStatus.PLANERAD).first()
    if channel is None:
        return None
    return channel_transition(channel.pk, ChannelAction.ARCHIVE, actor=None, expected_revision=channel.revision)
