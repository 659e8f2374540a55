"""The daily sweeps: waiting decisions, roster gaps, expiring trainings, overdue inventories.

Each sweep is called with its `today`, as the Celery task and `run_job` call it; the clock is
moved only where the domain functions that build the data read "now" (transitions stamp
`status_changed_at`, activation stamps `activated_at`, appointments check training today).
Notifications are identified by their keys, which name the kind, the object, the period and
the recipient: the sets of keys are the sets of people told.
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

from accounts.enums import Role
from accounts.tests.factories import AbsenceFactory, TrainingRecordFactory, make_user
from notifications.models import Notification
from plans.domain.channels import appoint, assign_roster, channel_transition, confirm_inventory
from plans.domain.notices import next_deciders
from plans.domain.sweeps import (
    remind_overdue_inventories,
    remind_waiting_approvals,
    roster_gaps,
    warn_expiring_trainings,
    warn_roster_gaps,
)
from plans.domain.transitions import transition
from plans.enums import Action, ChannelAction
from plans.models import Channel
from plans.queries import roster_outlook

from .channel_factories import active_channel, submitted_closure, trained
from .factories import complete_plan

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def keys(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("key", flat=True))


@pytest.fixture
def officers(org):
    """A second kommunikationsansvarig, and a third who has left (inactive: never told)."""
    make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, username="kommunikator_gammal", is_active=False)
    return [org.kommunikator, make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, username="kommunikator2")]


# --- Decisions waiting ------------------------------------------------------------------------

# A Monday; a document waiting since before 8 March 00:00 has waited more than seven days.
WAITING_TODAY = date(2027, 3, 15)


def submitted_plan(org, time_machine, when: datetime, author=None, approvals: int = 0):
    """A plan by `author` (medarbetare) submitted at `when`, then approved `approvals` steps
    at the same moment by the deciders of Länsbiblioteket."""
    author = author or org.medarbetare
    time_machine.move_to(when, tick=False)
    plan = transition(complete_plan(author).pk, Action.SUBMIT, actor=author)
    for actor in [org.chef, org.kommunikator][:approvals]:
        plan = transition(plan.pk, Action.APPROVE, actor=actor)
    return plan


def reminder_key(document, person) -> str:
    return f"{document._meta.model_name}:{document.pk}:r{document.revision}:waiting_reminder:{person.pk}"


@pytest.mark.parametrize("submitted", [at(date(2027, 3, 7), 0, 0), at(date(2027, 3, 7), 23, 59)])
def test_remind_waiting_approvals_eight_days_waiting_reminds_the_chef(org, time_machine, submitted):
    plan = submitted_plan(org, time_machine, submitted)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(plan, org.chef)}


@pytest.mark.parametrize("submitted", [at(date(2027, 3, 8), 0, 0), at(date(2027, 3, 8), 23, 59)])
def test_remind_waiting_approvals_seven_days_waiting_reminds_nobody(org, time_machine, submitted):
    submitted_plan(org, time_machine, submitted)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}
    assert keys("waiting_reminder") == set()


@pytest.mark.parametrize(
    ("approvals", "deciders"),
    [(0, ["chef"]), (1, ["kommunikator", "kommunikator2"]), (2, ["direktor"])],
)
def test_remind_waiting_approvals_reminds_the_deciders_of_the_step(org, officers, time_machine, approvals, deciders):
    plan = submitted_plan(org, time_machine, at(date(2027, 3, 1)), approvals=approvals)
    people = {"chef": org.chef, "kommunikator": officers[0], "kommunikator2": officers[1], "direktor": org.direktor}

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": len(deciders)}
    assert keys("waiting_reminder") == {reminder_key(plan, people[name]) for name in deciders}


def test_remind_waiting_approvals_recipients_are_next_deciders(org, officers, time_machine):
    # Every step, and the two Staben exceptions: a kommunikationsansvarig does not decide
    # their own plan, the kulturdirektör decides their own Staben plan.
    documents = [submitted_plan(org, time_machine, at(date(2027, 3, 1)), approvals=n) for n in range(3)]
    documents.append(submitted_plan(org, time_machine, at(date(2027, 3, 1)), author=org.kommunikator))
    documents[-1] = transition(documents[-1].pk, Action.APPROVE, actor=org.direktor)
    own_staben = submitted_plan(org, time_machine, at(date(2027, 3, 1)), author=org.direktor)
    documents.append(transition(own_staben.pk, Action.APPROVE, actor=org.kommunikator))
    expected = {reminder_key(document, person) for document in documents for person in next_deciders(document)}

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 5, "notified": 6}
    assert keys("waiting_reminder") == expected
    assert {key.split(":")[-1] for key in keys("waiting_reminder")} == {
        str(person.pk) for person in (org.chef, officers[0], officers[1], org.direktor)
    }


def test_remind_waiting_approvals_author_kommunikator_is_not_reminded(org, officers, time_machine):
    plan = submitted_plan(org, time_machine, at(date(2027, 3, 1)), author=org.kommunikator)
    plan = transition(plan.pk, Action.APPROVE, actor=org.direktor)

    remind_waiting_approvals(today=WAITING_TODAY)

    assert keys("waiting_reminder") == {reminder_key(plan, officers[1])}


def test_remind_waiting_approvals_closure_request_reminds_the_chef(org, time_machine):
    time_machine.move_to(at(date(2027, 2, 1)), tick=False)
    channel = active_channel(org)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    closure = submitted_closure(org, channel)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(closure, org.chef)}


def test_remind_waiting_approvals_only_pending_documents_remind(org, time_machine):
    waiting = submitted_plan(org, time_machine, at(date(2027, 3, 1)), approvals=2)
    returned = submitted_plan(org, time_machine, at(date(2027, 3, 1)))
    transition(returned.pk, Action.RETURN, actor=org.chef, comment="Beskriv tillsynen under semestern.")
    approved = submitted_plan(org, time_machine, at(date(2027, 3, 1)), approvals=2)
    transition(approved.pk, Action.APPROVE, actor=org.direktor)
    complete_plan(org.medarbetare)  # a draft

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(waiting, org.direktor)}


def test_remind_waiting_approvals_twice_creates_no_new_notification(org, time_machine):
    plan = submitted_plan(org, time_machine, at(date(2027, 3, 1)))
    remind_waiting_approvals(today=WAITING_TODAY)
    before = Notification.objects.count()

    counts = remind_waiting_approvals(today=WAITING_TODAY)
    next_day = remind_waiting_approvals(today=WAITING_TODAY + timedelta(days=1))

    assert counts == {"candidates": 1, "notified": 0}
    assert next_day == {"candidates": 1, "notified": 0}
    assert Notification.objects.count() == before
    assert keys("waiting_reminder") == {reminder_key(plan, org.chef)}


def test_remind_waiting_approvals_next_step_gets_a_new_reminder(org, time_machine):
    at_chef = submitted_plan(org, time_machine, at(date(2027, 3, 1)))
    first = remind_waiting_approvals(today=date(2027, 3, 10))
    time_machine.move_to(at(date(2027, 3, 10), 10), tick=False)
    at_kommunikation = transition(at_chef.pk, Action.APPROVE, actor=org.chef)

    too_early = remind_waiting_approvals(today=date(2027, 3, 17))
    due = remind_waiting_approvals(today=date(2027, 3, 18))

    assert (first, too_early, due) == (
        {"candidates": 1, "notified": 1},
        {"candidates": 0, "notified": 0},
        {"candidates": 1, "notified": 1},
    )
    assert keys("waiting_reminder") == {
        reminder_key(at_chef, org.chef),
        reminder_key(at_kommunikation, org.kommunikator),
    }


def test_remind_waiting_approvals_returned_and_resubmitted_gets_a_new_reminder(org, time_machine):
    first = submitted_plan(org, time_machine, at(date(2027, 2, 1)))
    remind_waiting_approvals(today=date(2027, 2, 10))
    time_machine.move_to(at(date(2027, 2, 10), 10), tick=False)
    transition(first.pk, Action.RETURN, actor=org.chef, comment="Beskriv tillsynen under semestern.")
    again = transition(first.pk, Action.SUBMIT, actor=org.medarbetare)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(first, org.chef), reminder_key(again, org.chef)}


@pytest.mark.parametrize("per_step", [1, 3])
def test_remind_waiting_approvals_query_count_constant(org, time_machine, django_assert_num_queries, per_step):
    for approvals in range(3):
        for _ in range(per_step):
            submitted_plan(org, time_machine, at(date(2027, 3, 1)), approvals=approvals)

    # Plans, closure requests; each role's holders and their roles, once; notify_many's three.
    with django_assert_num_queries(9):
        counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 3 * per_step, "notified": 3 * per_step}


# --- Roster gaps ------------------------------------------------------------------------------

# A Monday (ISO week 9); the window ends on Wednesday 31 March (day 30, ISO week 13).
ROSTER_TODAY = date(2027, 3, 1)
DAY_30 = date(2027, 3, 31)
DAY_31 = date(2027, 4, 1)


@pytest.fixture
def rostered(org, time_machine):
    """An active Länsbiblioteket channel with two trained monitors assigned for ISO weeks
    9–14 of 2027 (no gap in the window), and the monitors."""
    time_machine.move_to(at(ROSTER_TODAY, 8), tick=False)
    primary = trained(org.medarbetare)
    backup = trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Nils Nattuggla"))
    channel = active_channel(org)
    assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 14), primary=primary, backup=backup)
    return channel, primary, backup


def gap_key(channel, year, week, chef) -> str:
    return f"roster_gap:{channel.pk}:{year}-W{week:02d}:{chef.pk}"


def test_warn_roster_gaps_full_roster_tells_nobody(org, rostered):
    counts = warn_roster_gaps(today=ROSTER_TODAY)

    assert counts == {"candidates": 0, "notified": 0}
    assert keys("roster_gap") == set()


@pytest.mark.parametrize(("away_on", "expected_weeks"), [(DAY_30, [13]), (DAY_31, [])])
def test_warn_roster_gaps_window_ends_on_day_30(org, rostered, away_on, expected_weeks):
    channel, primary, backup = rostered
    AbsenceFactory(user=primary, starts_on=away_on, ends_on=away_on)
    AbsenceFactory(user=backup, starts_on=away_on - timedelta(days=2), ends_on=away_on + timedelta(days=1))

    counts = warn_roster_gaps(today=ROSTER_TODAY)

    assert counts == {"candidates": len(expected_weeks), "notified": len(expected_weeks)}
    assert keys("roster_gap") == {gap_key(channel, 2027, week, org.chef) for week in expected_weeks}


def test_warn_roster_gaps_one_monitor_away_is_no_gap(org, rostered):
    _channel, primary, _backup = rostered
    AbsenceFactory(user=primary, starts_on=date(2027, 3, 8), ends_on=date(2027, 3, 26))

    counts = warn_roster_gaps(today=ROSTER_TODAY)

    assert counts == {"candidates": 0, "notified": 0}
    assert keys("roster_gap") == set()


def test_warn_roster_gaps_one_notification_per_gap_week_listing_its_days(org, time_machine):
    time_machine.move_to(at(ROSTER_TODAY, 8), tick=False)
    channel = active_channel(org)
    primary = trained(org.medarbetare)
    # Weeks 9–11 assigned, 12 and 13 not: the window holds all of week 12 and 29–31 March of 13.
    assign_roster(channel.pk, actor=org.chef, first=(2027, 9), last=(2027, 11), primary=primary)

    counts = warn_roster_gaps(today=ROSTER_TODAY)

    assert counts == {"candidates": 2, "notified": 2}
    assert keys("roster_gap") == {gap_key(channel, 2027, 12, org.chef), gap_key(channel, 2027, 13, org.chef)}
    week_13 = Notification.objects.get(key=gap_key(channel, 2027, 13, org.chef))
    assert week_13.recipient == org.chef
    # The text around them is translated; the days are what the rule decides.
    with translation.override("sv"):
        listed = ", ".join(formats.date_format(day) for day in (date(2027, 3, 29), date(2027, 3, 30), DAY_30))
        day_31 = formats.date_format(DAY_31)
    assert listed in week_13.body
    assert day_31 not in week_13.body


def test_warn_roster_gaps_skips_channels_not_active(org, time_machine):
    time_machine.move_to(at(ROSTER_TODAY, 8), tick=False)
    paused = active_channel(org)
    channel_transition(paused.pk, ChannelAction.PAUSE, actor=org.chef)
    complete_plan(org.medarbetare)  # its channel is planerad

    counts = warn_roster_gaps(today=ROSTER_TODAY)

    assert Channel.objects.count() == 2
    assert counts == {"candidates": 0, "notified": 0}


def test_warn_roster_gaps_twice_creates_no_new_notification(org, rostered):
    channel, primary, backup = rostered
    for person in (primary, backup):
        AbsenceFactory(user=person, starts_on=date(2027, 3, 10), ends_on=date(2027, 3, 10))
    first = warn_roster_gaps(today=ROSTER_TODAY)

    again = warn_roster_gaps(today=ROSTER_TODAY)
    next_day = warn_roster_gaps(today=ROSTER_TODAY + timedelta(days=1))

    assert first == {"candidates": 1, "notified": 1}
    assert again == {"candidates": 1, "notified": 0}
    assert next_day == {"candidates": 1, "notified": 0}
    assert keys("roster_gap") == {gap_key(channel, 2027, 10, org.chef)}


def test_roster_gaps_agree_with_roster_outlook(org, time_machine):
    time_machine.move_to(at(ROSTER_TODAY, 8), tick=False)
    primary = trained(org.medarbetare)
    backup = trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Nils Nattuggla"))
    channel = active_channel(org)
    # Week 11 (15–19 March) left without monitors.
    for first, last in [((2027, 9), (2027, 10)), ((2027, 12), (2027, 14))]:
        assign_roster(channel.pk, actor=org.chef, first=first, last=last, primary=primary, backup=backup)
    AbsenceFactory(user=primary, starts_on=date(2027, 3, 3), ends_on=date(2027, 3, 9))
    AbsenceFactory(user=backup, starts_on=date(2027, 3, 5), ends_on=date(2027, 3, 8))
    AbsenceFactory(user=backup, starts_on=date(2027, 3, 25), ends_on=date(2027, 4, 2))
    AbsenceFactory(user=primary, starts_on=date(2027, 3, 26), ends_on=date(2027, 3, 26))
    start = date(2027, 3, 3)  # a Wednesday
    end = start + timedelta(days=30)
    outlook_days = [day for week in roster_outlook(channel, start, weeks=6) for day in week.gap_days if day <= end]

    gaps = roster_gaps(Channel.objects.filter(pk=channel.pk), start, end)

    assert outlook_days == [
        date(2027, 3, 5),
        date(2027, 3, 8),
        *[date(2027, 3, day) for day in range(15, 20)],
        date(2027, 3, 26),
    ]
    assert gaps == {channel: outlook_days}


@pytest.mark.parametrize("n", [1, 3])
def test_warn_roster_gaps_query_count_constant(org, time_machine, django_assert_num_queries, n):
    time_machine.move_to(at(ROSTER_TODAY, 8), tick=False)
    channels = [active_channel(org) for _ in range(n)]

    # Channels, roster rows, absences, the units' chefs; notify_many's three.
    with django_assert_num_queries(7):
        counts = warn_roster_gaps(today=ROSTER_TODAY)

    # No roster at all: weeks 9–13 are gap weeks of every channel.
    assert counts == {"candidates": 5 * n, "notified": 5 * n}
    assert len(channels) == n


# --- Trainings --------------------------------------------------------------------------------

TRAINING_TODAY = date(2027, 3, 1)


def training_key(person, valid_until: date, recipient) -> str:
    return f"training_expiring:{person.pk}:{valid_until.isoformat()}:{recipient.pk}"


def expiring(person, valid_until: date, completed_on: date = date(2024, 5, 1), **kwargs):
    return TrainingRecordFactory(user=person, completed_on=completed_on, valid_until=valid_until, **kwargs)


@pytest.mark.parametrize(("days", "warned"), [(0, True), (60, True), (61, False)])
def test_warn_expiring_trainings_within_60_days_tells_person_and_chef(org, days, warned):
    valid_until = TRAINING_TODAY + timedelta(days=days)
    expiring(org.medarbetare, valid_until)

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    expected = {training_key(org.medarbetare, valid_until, person) for person in (org.medarbetare, org.chef)}
    assert counts == ({"candidates": 1, "notified": 2} if warned else {"candidates": 0, "notified": 0})
    assert keys("training_expiring") == (expected if warned else set())


def test_warn_expiring_trainings_expired_yesterday_tells_nobody(org):
    expiring(org.medarbetare, TRAINING_TODAY - timedelta(days=1))

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}


def test_warn_expiring_trainings_chef_is_told_once_about_own_training(org):
    valid_until = TRAINING_TODAY + timedelta(days=20)
    expiring(org.chef, valid_until)

    warn_expiring_trainings(today=TRAINING_TODAY)

    assert keys("training_expiring") == {training_key(org.chef, valid_until, org.chef)}


def test_warn_expiring_trainings_staben_person_tells_the_director(org):
    valid_until = TRAINING_TODAY + timedelta(days=20)
    expiring(org.kommunikator, valid_until)

    warn_expiring_trainings(today=TRAINING_TODAY)

    assert keys("training_expiring") == {
        training_key(org.kommunikator, valid_until, org.kommunikator),
        training_key(org.kommunikator, valid_until, org.direktor),
    }


@pytest.mark.parametrize(
    "renewal",
    [
        {"completed_on": date(2027, 2, 20), "valid_until": date(2030, 2, 20)},
        # Registered ahead of its completion (only the admin can): still a renewal.
        {"completed_on": date(2027, 4, 1), "valid_until": date(2030, 4, 1)},
        {"completed_on": date(2027, 2, 20), "valid_until": None},
        {"completed_on": date(2027, 4, 1), "valid_until": None},
    ],
)
def test_warn_expiring_trainings_renewal_tells_nobody(org, renewal):
    expiring(org.medarbetare, TRAINING_TODAY + timedelta(days=30))
    expiring(org.medarbetare, **renewal)

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}


def test_warn_expiring_trainings_renewal_also_expiring_warns_of_the_later_date(org):
    expiring(org.medarbetare, TRAINING_TODAY + timedelta(days=10))
    renewal = expiring(org.medarbetare, TRAINING_TODAY + timedelta(days=50), completed_on=date(2024, 6, 1))

    warn_expiring_trainings(today=TRAINING_TODAY)

    assert keys("training_expiring") == {
        training_key(org.medarbetare, renewal.valid_until, person) for person in (org.medarbetare, org.chef)
    }


def test_warn_expiring_trainings_inactive_person_tells_nobody(org):
    leaver = make_user(Role.MEDARBETARE, unit=org.library, is_active=False)
    expiring(leaver, TRAINING_TODAY + timedelta(days=10))

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}


def test_warn_expiring_trainings_twice_creates_no_new_notification(org):
    valid_until = TRAINING_TODAY + timedelta(days=10)
    expiring(org.medarbetare, valid_until)
    warn_expiring_trainings(today=TRAINING_TODAY)

    again = warn_expiring_trainings(today=TRAINING_TODAY)
    next_day = warn_expiring_trainings(today=TRAINING_TODAY + timedelta(days=1))

    assert again == {"candidates": 1, "notified": 0}
    assert next_day == {"candidates": 1, "notified": 0}
    assert keys("training_expiring") == {
        training_key(org.medarbetare, valid_until, person) for person in (org.medarbetare, org.chef)
    }


@pytest.mark.parametrize("n", [1, 3])
def test_warn_expiring_trainings_query_count_constant(org, django_assert_num_queries, n):
    for _ in range(n):
        expiring(make_user(Role.MEDARBETARE, unit=org.library), TRAINING_TODAY + timedelta(days=10))

    # The people with their expiry, the units' chefs; notify_many's three.
    with django_assert_num_queries(5):
        counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": n, "notified": 2 * n}


# --- Inventories ------------------------------------------------------------------------------

ACTIVATED = at(date(2027, 2, 1), 9, 30)
INVENTORY_DUE = date(2027, 8, 1)  # six months after activation


def owned_channel(org, time_machine) -> Channel:
    """An active Länsbiblioteket channel activated on 1 February 2027, owned by medarbetare."""
    time_machine.move_to(ACTIVATED, tick=False)
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def inventory_keys(channel, due: date, owner=None, officers=()) -> set[str]:
    told = {f"inventory_overdue:{channel.pk}:{due.isoformat()}:{owner.pk}"} if owner else set()
    return told | {f"inventory_escalated:{channel.pk}:{due.isoformat()}:{person.pk}" for person in officers}


def told_about_inventory() -> set[str]:
    return keys("inventory_overdue") | keys("inventory_escalated")


@pytest.mark.parametrize(("days_overdue", "escalated"), [(1, False), (29, False), (30, True), (45, True)])
def test_remind_overdue_inventories_reminds_owner_then_escalates_at_30_days(
    org, officers, time_machine, days_overdue, escalated
):
    channel = owned_channel(org, time_machine)

    counts = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=days_overdue))

    expected = inventory_keys(channel, INVENTORY_DUE, org.medarbetare, officers if escalated else ())
    assert counts == {"candidates": 1, "escalated": int(escalated), "notified": len(expected)}
    assert told_about_inventory() == expected


def test_remind_overdue_inventories_due_today_tells_nobody(org, time_machine):
    owned_channel(org, time_machine)

    counts = remind_overdue_inventories(today=INVENTORY_DUE)

    assert counts == {"candidates": 0, "escalated": 0, "notified": 0}


def test_remind_overdue_inventories_confirmed_channel_tells_nobody(org, time_machine):
    channel = owned_channel(org, time_machine)
    time_machine.move_to(at(date(2027, 7, 1)), tick=False)
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, information_correct=True)

    counts = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=30))

    assert counts == {"candidates": 0, "escalated": 0, "notified": 0}


def test_remind_overdue_inventories_late_confirmation_starts_a_new_due_day(org, time_machine):
    channel = owned_channel(org, time_machine)
    remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=3))
    time_machine.move_to(at(date(2027, 9, 1)), tick=False)
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, information_correct=True)

    quiet = remind_overdue_inventories(today=date(2028, 3, 1))
    counts = remind_overdue_inventories(today=date(2028, 3, 2))

    assert quiet == {"candidates": 0, "escalated": 0, "notified": 0}
    assert counts == {"candidates": 1, "escalated": 0, "notified": 1}
    assert told_about_inventory() == inventory_keys(channel, INVENTORY_DUE, org.medarbetare) | inventory_keys(
        channel, date(2028, 3, 1), org.medarbetare
    )


def test_remind_overdue_inventories_paused_channel_is_reminded(org, time_machine):
    channel = owned_channel(org, time_machine)
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)

    counts = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=1))

    assert counts == {"candidates": 1, "escalated": 0, "notified": 1}
    assert told_about_inventory() == inventory_keys(channel, INVENTORY_DUE, org.medarbetare)


def test_remind_overdue_inventories_planned_channel_tells_nobody(org, time_machine):
    time_machine.move_to(ACTIVATED, tick=False)
    complete_plan(org.medarbetare)

    counts = remind_overdue_inventories(today=date(2028, 3, 1))

    assert counts == {"candidates": 0, "escalated": 0, "notified": 0}


def test_remind_overdue_inventories_without_owner_escalates_only(org, officers, time_machine):
    time_machine.move_to(ACTIVATED, tick=False)
    channel = active_channel(org)

    counts = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=30))

    assert counts == {"candidates": 1, "escalated": 1, "notified": 2}
    assert told_about_inventory() == inventory_keys(channel, INVENTORY_DUE, officers=officers)


def test_remind_overdue_inventories_twice_creates_no_new_notification(org, time_machine):
    channel = owned_channel(org, time_machine)
    remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=30))

    again = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=30))
    next_day = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=31))

    assert again == {"candidates": 1, "escalated": 1, "notified": 0}
    assert next_day == {"candidates": 1, "escalated": 1, "notified": 0}
    assert told_about_inventory() == inventory_keys(channel, INVENTORY_DUE, org.medarbetare, [org.kommunikator])


@pytest.mark.parametrize("n", [1, 3])
def test_remind_overdue_inventories_query_count_constant(org, time_machine, django_assert_num_queries, n):
    for _ in range(n):
        owned_channel(org, time_machine)

    # The channels with their latest confirmation, the kommunikationsansvariga; notify_many's three.
    with django_assert_num_queries(5):
        counts = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=30))

    assert counts == {"candidates": n, "escalated": n, "notified": 2 * n}
