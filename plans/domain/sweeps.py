"""The daily sweeps: reminders that follow from the state of plans, channels and people.

Each sweep reads what is due in a bounded number of queries whatever the number of rows,
builds one `Notice` per recipient whose key names (kind, object, period, recipient), and
hands them all to `notify_many`, which creates each key once: a second run on the same day,
a retry or a duplicate delivery tells nobody twice. Nothing is stored besides the
notifications: "waiting", "gap", "expiring" and "overdue" are computed from the rows.

The texts are written in Swedish, the default language (English msgids, as in
domain.notices). Every sweep returns its counts: `candidates` (what was found due) and
`notified` (notifications this run created).
"""

import datetime
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.enums import Course, Role
from accounts.models import Absence, TrainingRecord, User
from accounts.queries import chefs_by_unit, users_with_role, valid_training_q
from notifications.domain import Notice, notify_many

from .. import rules
from ..enums import PENDING, STEP_ROLE, ChannelStatus, Step
from ..models import Channel, ClosureRequest, Plan, RosterWeek
from ..queries import TRAINING_WARNING_DAYS, inventory_due, week_keys_q

WAITING_REMINDER_DAYS = 7
"""A plan or closure request that has waited at one step for more than this many days
reminds the people who may decide that step."""

ROSTER_GAP_DAYS = 30
"""How far ahead the roster is searched for gaps: from `today` to `today` + 30 days, both included."""

INVENTORY_ESCALATION_DAYS = 30
"""An inventory confirmation overdue by this many days or more is also reported to every
kommunikationsansvarig: the owner has had a month after the reminder."""


def _day(day: datetime.date) -> str:
    return formats.date_format(day)


# --- Decisions waiting ------------------------------------------------------------------------


def remind_waiting_approvals(*, today: datetime.date) -> dict:
    """Remind the deciders of every plan and closure request waiting at one step of the chain
    for more than WAITING_REMINDER_DAYS: its status changed before the start of the local
    day `today` − 7 days. (Submitted on 1 March: reminded on 9 March, not on 8 March.)

    Who is reminded is `notices.next_deciders`: the deciding chef at the chef step, every
    kommunikationsansvarig or kulturdirektör at theirs, never the author (except the
    kulturdirektör on a Staben plan), never an inactive person.

    Once per waiting episode: the key carries the document's revision, which every
    transition bumps, so a document that moves on to the next step (or is returned and
    submitted again) is reminded about anew after another week at its new step.
    """
    cutoff = timezone.make_aware(
        datetime.datetime.combine(today - timedelta(days=WAITING_REMINDER_DAYS), datetime.time.min)
    )
    waiting = Q(status__in=PENDING, status_changed_at__lt=cutoff)
    # unit__parent__parent: rules.decidable_step walks the unit's ancestors (at most three
    # levels) to tell a Staben plan.
    related = ("unit__parent__parent", "author", "deciding_chef")
    documents = [
        *Plan.objects.filter(waiting).select_related(*related).order_by("status_changed_at", "pk"),
        *ClosureRequest.objects.filter(waiting).select_related("channel", *related).order_by("status_changed_at", "pk"),
    ]
    deciders = _deciders_reader()
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for document in documents:
            title = str(document)
            since = _day(timezone.localdate(document.status_changed_at))
            subject = _("Reminder: waiting for your decision: %(document)s") % {"document": title}
            body = _(
                "%(document)s (%(unit)s) has been waiting for your decision at the step “%(step)s” since %(date)s."
            ) % {"document": title, "unit": document.unit, "step": document.get_status_display(), "date": since}
            for person in deciders(document):
                notices.append(
                    Notice(
                        recipient=person,
                        kind="waiting_reminder",
                        key=f"{document._meta.model_name}:{document.pk}:r{document.revision}:waiting_reminder:{person.pk}",
                        subject=subject,
                        body=body,
                        url=document.get_absolute_url(),
                    )
                )
    return {"candidates": len(documents), "notified": notify_many(notices)}


def _deciders_reader():
    """`notices.next_deciders` for many documents: the same candidates and the same final
    rule (rules.decidable_step), but each role's holders are read once per sweep rather than
    once per document. (test_sweeps compares the two for every step.)"""
    holders: dict[Role, list[User]] = {}

    def deciders(document) -> list[User]:
        step = document.current_step
        if step is None:
            return []
        if step == Step.CHEF:
            candidates = [document.deciding_chef] if document.deciding_chef else []
        else:
            role = STEP_ROLE[step]
            if role not in holders:
                holders[role] = list(users_with_role(role).order_by("pk"))
            candidates = holders[role]
        return [person for person in candidates if rules.decidable_step(person, document) == step]

    return deciders


# --- Roster gaps ------------------------------------------------------------------------------


def roster_gaps(
    channels: QuerySet[Channel], start: datetime.date, end: datetime.date
) -> dict[Channel, list[datetime.date]]:
    """The gap days from `start` to `end` (both included) of every channel in `channels`, by
    the rule of queries.roster_outlook: a workday (Monday–Friday) is a gap when no monitor
    assigned for its ISO week is present (nobody assigned, or everyone assigned away).

    Three queries whatever the number of channels: the channels, the roster rows of those
    weeks, and the absences of their monitors that overlap the period (the last two take
    `channels` as a subquery). Channels without gaps are left out.
    """
    workdays = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    workdays = [day for day in workdays if day.weekday() < 5]
    weeks = sorted({day.isocalendar()[:2] for day in workdays})
    rows = RosterWeek.objects.filter(week_keys_q(weeks), channel__in=channels)
    monitors: dict[tuple[int, int, int], tuple[int, ...]] = {
        (channel_id, year, week): tuple(pk for pk in (primary_id, backup_id) if pk is not None)
        for channel_id, year, week, primary_id, backup_id in rows.values_list(
            "channel_id", "iso_year", "iso_week", "primary_id", "backup_id"
        )
    }
    away: dict[int, list[tuple[datetime.date, datetime.date]]] = defaultdict(list)
    absences = Absence.objects.filter(
        Q(user__in=rows.values("primary_id")) | Q(user__in=rows.values("backup_id")),
        starts_on__lte=end,
        ends_on__gte=start,
    )
    for user_id, starts_on, ends_on in absences.values_list("user_id", "starts_on", "ends_on"):
        away[user_id].append((starts_on, ends_on))

    def present(person_id: int, day: datetime.date) -> bool:
        return not any(starts_on <= day <= ends_on for starts_on, ends_on in away[person_id])

    gaps = {}
    for channel in channels.order_by("pk"):
        days = [
            day
            for day in workdays
            if not any(present(person_id, day) for person_id in monitors.get((channel.pk, *day.isocalendar()[:2]), ()))
        ]
        if days:
            gaps[channel] = days
    return gaps


def warn_roster_gaps(*, today: datetime.date) -> dict:
    """Tell the chef of the channel's unit (accounts.queries.chefs_by_unit) about every gap in
    the supervision roster of an active channel within ROSTER_GAP_DAYS from `today` (see
    `roster_gaps`): one notification per channel and ISO week with a gap, listing its gap
    days. A week is told about once: a gap day found later in the same week (as the window
    moves on) adds no second notification. A unit without a chef tells nobody.

    `candidates` counts the gap weeks found; a paused channel is not supervised, so it has none.
    """
    active = Channel.objects.filter(status=ChannelStatus.AKTIV)
    gaps = roster_gaps(active, today, today + timedelta(days=ROSTER_GAP_DAYS))
    chefs = chefs_by_unit() if gaps else {}
    candidates = 0
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for channel, days in gaps.items():
            by_week: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
            for day in days:
                by_week[day.isocalendar()[:2]].append(day)
            candidates += len(by_week)
            chef = chefs.get(channel.unit_id)
            if chef is None:
                continue
            for (year, week), week_days in by_week.items():
                values = {
                    "channel": channel,
                    "week": week,
                    "year": year,
                    "days": ", ".join(_day(day) for day in week_days),
                }
                notices.append(
                    Notice(
                        recipient=chef,
                        kind="roster_gap",
                        key=f"roster_gap:{channel.pk}:{year}-W{week:02d}:{chef.pk}",
                        subject=_("Gap in the supervision roster of %(channel)s, week %(week)s") % values,
                        body=_(
                            "Nobody assigned to supervise %(channel)s is present on these workdays of week "
                            "%(week)s, %(year)s: %(days)s. Assign a monitor or a backup who is at work."
                        )
                        % values,
                        url=reverse("channel_register:roster", args=[channel.pk]),
                    )
                )
    return {"candidates": candidates, "notified": notify_many(notices)}


# --- Trainings --------------------------------------------------------------------------------


def people_with_expiring_training(today: datetime.date) -> QuerySet[User]:
    """Active people whose legal training (Course.LEGAL_BASICS) valid on `today` expires within
    TRAINING_WARNING_DAYS, annotated with `expires` (the last day it is valid).

    A person is left out when they hold an open-ended record valid today (nothing expires),
    or any record that stays valid past `expires` (a renewal is registered). One query."""
    dated_valid_today = TrainingRecord.objects.filter(
        valid_training_q(today), user=OuterRef("pk"), valid_until__isnull=False
    )
    expires = Subquery(dated_valid_today.order_by("-valid_until").values("valid_until")[:1])
    # An open-ended record (valid today or not yet), or a renewal registered ahead: no warning.
    renewed = TrainingRecord.objects.filter(user=OuterRef("pk"), course=Course.LEGAL_BASICS).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("expires"))
    )
    return (
        User.objects.filter(is_active=True)
        .annotate(expires=expires)
        .filter(expires__lte=today + timedelta(days=TRAINING_WARNING_DAYS))
        .exclude(Exists(renewed))
        .select_related("unit")
        .order_by("pk")
    )


def warn_expiring_trainings(*, today: datetime.date) -> dict:
    """Tell every active person whose legal training expires within TRAINING_WARNING_DAYS (60)
    days of `today` (see `people_with_expiring_training`), and their chef
    (accounts.queries.chefs_by_unit) unless they are that chef themself. Only people with
    valid training may run a channel, so a renewal must be booked in time.

    Once per expiry: the key carries the last valid day, so a new record that expires in
    turn is warned about again when its time comes.
    """
    people = list(people_with_expiring_training(today))
    chefs = chefs_by_unit() if people else {}
    url = reverse("channel_register:trainings")
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        course = Course.LEGAL_BASICS.label
        for person in people:
            values = {"name": person, "unit": person.unit or "", "course": course, "date": _day(person.expires)}
            told = [
                (
                    person,
                    _("Your training in social media law expires on %(date)s") % values,
                    _(
                        "Your course “%(course)s” is valid until %(date)s. Only people with valid training may "
                        "run a channel: book a renewal in good time."
                    )
                    % values,
                )
            ]
            chef = chefs.get(person.unit_id)
            if chef is not None and chef.pk != person.pk:
                told.append(
                    (
                        chef,
                        _("The training of %(name)s expires on %(date)s") % values,
                        _(
                            "The course “%(course)s” of %(name)s (%(unit)s) is valid until %(date)s. Only people "
                            "with valid training may run a channel: see that a renewal is booked."
                        )
                        % values,
                    )
                )
            for recipient, subject, body in told:
                notices.append(
                    Notice(
                        recipient=recipient,
                        kind="training_expiring",
                        key=f"training_expiring:{person.pk}:{person.expires}:{recipient.pk}",
                        subject=subject,
                        body=body,
                        url=url,
                    )
                )
    return {"candidates": len(people), "notified": notify_many(notices)}


# --- Inventories ------------------------------------------------------------------------------


def remind_overdue_inventories(*, today: datetime.date) -> dict:
    """Remind the owner of every active or paused channel whose half-yearly inventory
    confirmation is overdue on `today`: its due day (queries.inventory_due: six months after
    the latest confirmation, else after activation) is before `today`. Overdue by
    INVENTORY_ESCALATION_DAYS (30) or more, every kommunikationsansvarig is told as well.

    Once per due day: a confirmation moves the due day, and a new due day that passes is
    reminded about anew. A channel without an (active) owner still escalates. One query for
    the channels, one for the kommunikationsansvariga when something escalates.
    """
    channels = (
        Channel.objects.filter(status__in=[ChannelStatus.AKTIV, ChannelStatus.PAUSAD])
        .select_related("unit", "owner")
        .annotate(last_confirmed=Max("inventories__confirmed_at"))
        .order_by("pk")
    )
    officers: list[User] | None = None
    candidates = escalated = 0
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for channel in channels:
            due = inventory_due(channel, channel.last_confirmed)
            if due is None or due >= today:
                continue
            candidates += 1
            owner = channel.owner if channel.owner is not None and channel.owner.is_active else None
            values = {"channel": channel, "unit": channel.unit, "date": _day(due), "owner": owner or _("nobody")}
            if owner is not None:
                notices.append(
                    Notice(
                        recipient=owner,
                        kind="inventory_overdue",
                        key=f"inventory_overdue:{channel.pk}:{due}:{owner.pk}",
                        subject=_("The inventory of %(channel)s is overdue") % values,
                        body=_(
                            "The half-yearly inventory of %(channel)s was due on %(date)s. Confirm that the channel "
                            "is still used and that its people and information are right."
                        )
                        % values,
                        url=reverse("channel_register:inventory", args=[channel.pk]),
                    )
                )
            if (today - due).days < INVENTORY_ESCALATION_DAYS:
                continue
            escalated += 1
            if officers is None:
                officers = list(users_with_role(Role.KOMMUNIKATIONSANSVARIG).order_by("pk"))
            for person in officers:
                notices.append(
                    Notice(
                        recipient=person,
                        kind="inventory_escalated",
                        key=f"inventory_escalated:{channel.pk}:{due}:{person.pk}",
                        subject=_("Inventory overdue since %(date)s: %(channel)s") % values,
                        body=_(
                            "The half-yearly inventory of %(channel)s (%(unit)s) was due on %(date)s and is still "
                            "not confirmed. Owner: %(owner)s."
                        )
                        % values,
                        url=channel.get_absolute_url(),
                    )
                )
    return {"candidates": candidates, "escalated": escalated, "notified": notify_many(notices)}
