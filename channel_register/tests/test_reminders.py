"""The daily reminders about channels (channel_register.domain.reminders): gaps in the
supervision roster within ROSTER_GAP_DAYS, told to the unit's chef, and overdue inventories,
told to the owner and, after INVENTORY_ESCALATION_DAYS, to every kommunikationsansvarig.

Each reminder is called with its `today`, as the Celery task and `run_job` call it; the clock is
moved only where the domain functions that build the data read "now" (transitions stamp
`status_changed_at`, activation stamps `activated_at`, appointments check training today).
Notifications are identified by their keys, which name the kind, the object, the period and
the recipient: the sets of keys are the sets of people told. The gap days come from
channel_register.queries.roster_gaps, held here to agree with the roster outlook of the
channel page.
"""

from datetime import date, timedelta

import pytest
from django.utils import formats, translation

from accounts.enums import Role
from accounts.tests.factories import AbsenceFactory, make_user
from accounts.tests.reminder_helpers import (
    at,
    keys,
    officers_fixture,  # noqa: F401 (the `officers` fixture)
)
from channel_register.domain.channels import appoint, assign_roster, channel_transition, confirm_inventory
from channel_register.domain.reminders import remind_overdue_inventories, warn_roster_gaps
from channel_register.enums import ChannelAction
from channel_register.models import Channel
from channel_register.queries import roster_gaps, roster_outlook
from notifications.models import Notification
from plans.tests.factories import complete_plan, submitted_plan

from .channel_factories import STATED, active_channel, trained

pytestmark = pytest.mark.django_db


# --- Roster gaps ------------------------------------------------------------------------------

# A Monday (ISO week 9); the window ends on Wednesday 31 March (day 30, ISO week 13).
ROSTER_TODAY = date(2027, 3, 1)
DAY_30 = date(2027, 3, 31)
DAY_31 = date(2027, 4, 1)


def gone_live_before_the_window(org, time_machine):
    """An active Länsbiblioteket channel that went live ten weeks before ROSTER_TODAY, with the
    clock then at ROSTER_TODAY: the weeks rostered for its go-live are past, so the window's
    weeks are as each test sets them."""
    time_machine.move_to(at(ROSTER_TODAY - timedelta(weeks=10), 8), tick=False)
    channel = active_channel(org)
    time_machine.move_to(at(ROSTER_TODAY, 8), tick=False)
    return channel


@pytest.fixture
def rostered(org, time_machine):
    """An active Länsbiblioteket channel with two trained monitors assigned for ISO weeks
    9–14 of 2027 (no gap in the window), and the monitors."""
    time_machine.move_to(at(ROSTER_TODAY, 8), tick=False)
    primary = trained(org.medarbetare)
    backup = trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Nils Nattuggla"))
    channel = gone_live_before_the_window(org, time_machine)
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
    channel = gone_live_before_the_window(org, time_machine)
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
    paused = gone_live_before_the_window(org, time_machine)
    channel_transition(paused.pk, ChannelAction.PAUSE, actor=org.chef)
    submitted_plan(org.medarbetare)  # its channel is planerad

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
    channel = gone_live_before_the_window(org, time_machine)
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
    channels = [gone_live_before_the_window(org, time_machine) for _ in range(n)]

    # Channels, roster rows, absences, the units' chefs; notify_many's four.
    with django_assert_num_queries(8):
        counts = warn_roster_gaps(today=ROSTER_TODAY)

    # No roster at all: weeks 9–13 are gap weeks of every channel.
    assert counts == {"candidates": 5 * n, "notified": 5 * n}
    assert len(channels) == n


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
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, **STATED)

    counts = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=30))

    assert counts == {"candidates": 0, "escalated": 0, "notified": 0}


def test_remind_overdue_inventories_late_confirmation_starts_a_new_due_day(org, time_machine):
    channel = owned_channel(org, time_machine)
    remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=3))
    time_machine.move_to(at(date(2027, 9, 1)), tick=False)
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, **STATED)

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

    # The channels with their latest confirmation, the kommunikationsansvariga; notify_many's four.
    with django_assert_num_queries(6):
        counts = remind_overdue_inventories(today=INVENTORY_DUE + timedelta(days=30))

    assert counts == {"candidates": n, "escalated": n, "notified": 2 * n}
