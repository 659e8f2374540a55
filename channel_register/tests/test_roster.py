"""The supervision roster (tillsyn): a primary and a backup monitor per ISO week, and the gaps,
computed from the roster and the absences, never stored. ISO weeks 52/53/1 across new year.

Messages are read in English (the msgid, the stable text): the Swedish catalogue is being
completed while these tests are written, and a translation must not break a rule's test.
"""

from datetime import date, timedelta

import pytest
from django.utils import translation

from accounts.enums import Role
from accounts.tests.factories import AbsenceFactory, make_user
from channel_register.domain.channels import appoint, assign_roster, iso_weeks
from channel_register.models import Channel, RosterWeek
from channel_register.queries import roster_outlook
from kob_social.errors import Incomplete, NotAllowed
from plans.tests.factories import submitted_plan

from .channel_factories import trained

pytestmark = pytest.mark.django_db

COURSE = "Social media basics with a focus on legal issues"
# Monday of ISO week 27 of 2027, and the weekdays of that week.
W27 = date(2027, 7, 5)
WORKDAYS_W27 = (date(2027, 7, 5), date(2027, 7, 6), date(2027, 7, 7), date(2027, 7, 8), date(2027, 7, 9))


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def channel(org) -> Channel:
    return submitted_plan(org.medarbetare).channel


@pytest.fixture
def monitors(org):
    """Two trained Länsbiblioteket people: `medarbetare` and a colleague."""
    colleague = make_user(Role.MEDARBETARE, unit=org.library, full_name="Nils Nattuggla")
    return trained(org.medarbetare), trained(colleague)


def rows(channel: Channel) -> list[tuple]:
    return list(
        RosterWeek.objects.filter(channel=channel)
        .order_by("iso_year", "iso_week")
        .values_list("iso_year", "iso_week", "primary", "backup")
    )


def outlook_rows(outlook) -> list[tuple]:
    return [(week.iso_year, week.iso_week, week.monday, week.gap_days) for week in outlook]


# --- ISO weeks ----------------------------------------------------------------------------------


def test_iso_weeks_across_2026_new_year_includes_week_53():
    # 2026 has 53 ISO weeks: its 31 December is a Thursday of week 53.
    assert date(2026, 12, 31).isocalendar()[:2] == (2026, 53)

    weeks = iso_weeks((2026, 52), (2027, 2))

    assert weeks == [(2026, 52), (2026, 53), (2027, 1), (2027, 2)]


def test_iso_weeks_across_2027_new_year_skips_week_53():
    # 2027 has 52 ISO weeks: its 28 December (always in the last week) is in week 52.
    assert date(2027, 12, 28).isocalendar()[:2] == (2027, 52)

    weeks = iso_weeks((2027, 52), (2028, 1))

    assert weeks == [(2027, 52), (2028, 1)]


@pytest.mark.parametrize(("first", "last"), [((2027, 53), (2028, 2)), ((2027, 50), (2027, 53)), ((2027, 0), (2027, 2))])
def test_iso_weeks_nonexistent_week_incomplete(english, first, last):
    with pytest.raises(Incomplete) as refused:
        iso_weeks(first, last)

    assert refused.value.errors == {"weeks": ["That week does not exist."]}


def test_iso_weeks_last_before_first_incomplete(english):
    with pytest.raises(Incomplete) as refused:
        iso_weeks((2027, 2), (2026, 52))

    assert refused.value.errors == {"weeks": ["The last week is before the first."]}


def test_iso_weeks_single_week():
    assert iso_weeks((2026, 53), (2026, 53)) == [(2026, 53)]


# --- Assigning ----------------------------------------------------------------------------------


def test_assign_roster_weeks_27_to_32_creates_six_rows(org, channel, monitors):
    primary, backup = monitors

    result = assign_roster(
        channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 32), primary=primary, backup=backup
    )

    expected = [(2027, week, primary.pk, backup.pk) for week in range(27, 33)]
    assert [(row.iso_year, row.iso_week, row.primary_id, row.backup_id) for row in result] == expected
    assert rows(channel) == expected


def test_assign_roster_overlapping_range_updates_and_adds(org, channel, monitors):
    first, second = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 32), primary=first, backup=second)

    assign_roster(channel.pk, actor=org.chef, first=(2027, 30), last=(2027, 33), primary=second, backup=None)

    assert rows(channel) == [
        (2027, 27, first.pk, second.pk),
        (2027, 28, first.pk, second.pk),
        (2027, 29, first.pk, second.pk),
        (2027, 30, second.pk, None),
        (2027, 31, second.pk, None),
        (2027, 32, second.pk, None),
        (2027, 33, second.pk, None),
    ]


def test_assign_roster_across_new_year_stores_week_53(org, channel, monitors):
    primary, backup = monitors

    assign_roster(channel.pk, actor=org.chef, first=(2026, 52), last=(2027, 1), primary=primary, backup=backup)

    assert [(year, week) for year, week, _p, _b in rows(channel)] == [(2026, 52), (2026, 53), (2027, 1)]


def test_assign_roster_by_channel_owner_allowed(org, channel, monitors):
    primary, backup = monitors
    appoint(channel.pk, actor=org.chef, owner=primary, screenshot_responsible=primary)

    assign_roster(channel.pk, actor=primary, first=(2027, 27), last=(2027, 27), primary=backup, backup=primary)

    assert rows(channel) == [(2027, 27, backup.pk, primary.pk)]


@pytest.mark.parametrize("actor", ["medarbetare", "medarbetare2", "chef2"])
def test_assign_roster_by_stranger_not_allowed(org, channel, monitors, actor):
    primary, backup = monitors

    with pytest.raises(NotAllowed):
        assign_roster(
            channel.pk, actor=getattr(org, actor), first=(2027, 27), last=(2027, 28), primary=primary, backup=backup
        )

    assert rows(channel) == []


def test_assign_roster_untrained_primary_incomplete(org, channel, english):
    untrained = make_user(Role.MEDARBETARE, unit=org.library, full_name="Ulla Outbildad")
    backup = trained(org.medarbetare)

    with pytest.raises(Incomplete) as refused:
        assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 32), primary=untrained, backup=backup)

    assert refused.value.errors == {"primary": [f"Ulla Outbildad has no valid training: {COURSE}."]}
    assert rows(channel) == []


def test_assign_roster_untrained_backup_incomplete(org, channel, english):
    untrained = make_user(Role.MEDARBETARE, unit=org.library, full_name="Ulla Outbildad")
    primary = trained(org.medarbetare)

    with pytest.raises(Incomplete) as refused:
        assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 32), primary=primary, backup=untrained)

    assert refused.value.errors == {"backup": [f"Ulla Outbildad has no valid training: {COURSE}."]}
    assert rows(channel) == []


def test_assign_roster_untrained_over_existing_rows_keeps_them(org, channel, monitors, english):
    primary, backup = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 28), primary=primary, backup=backup)
    before = rows(channel)
    untrained = make_user(Role.MEDARBETARE, unit=org.library, full_name="Ulla Outbildad")

    with pytest.raises(Incomplete):
        assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 29), primary=untrained)

    assert rows(channel) == before


def test_assign_roster_same_primary_and_backup_incomplete(org, channel, monitors, english):
    primary, _colleague = monitors

    with pytest.raises(Incomplete) as refused:
        assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 32), primary=primary, backup=primary)

    assert refused.value.errors == {"backup": ["The backup must be someone else than the monitor."]}
    assert rows(channel) == []


# --- Gaps ---------------------------------------------------------------------------------------


def test_roster_outlook_week_with_monitor_present_no_gap(org, channel, monitors):
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 27), primary=primary)

    (week,) = roster_outlook(channel, W27, weeks=1)

    assert (week.iso_year, week.iso_week, week.monday, week.primary, week.backup) == (2027, 27, W27, primary, None)
    assert (week.gap_days, week.is_gap) == ((), False)


def test_roster_outlook_only_monitor_on_vacation_whole_week_gap(org, channel, monitors):
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 28), primary=primary)
    AbsenceFactory(user=primary, starts_on=W27, ends_on=W27 + timedelta(days=4))

    outlook = roster_outlook(channel, W27, weeks=2)

    assert outlook_rows(outlook) == [(2027, 27, W27, WORKDAYS_W27), (2027, 28, date(2027, 7, 12), ())]
    assert [week.is_gap for week in outlook] == [True, False]


def test_roster_outlook_partial_absence_without_backup_gap_days(org, channel, monitors):
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 27), primary=primary)
    AbsenceFactory(user=primary, starts_on=W27, ends_on=date(2027, 7, 7))

    (week,) = roster_outlook(channel, W27, weeks=1)

    assert week.gap_days == (date(2027, 7, 5), date(2027, 7, 6), date(2027, 7, 7))


def test_roster_outlook_absence_over_weekend_only_no_gap(org, channel, monitors):
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 27), primary=primary)
    AbsenceFactory(user=primary, starts_on=date(2027, 7, 10), ends_on=date(2027, 7, 11))

    (week,) = roster_outlook(channel, W27, weeks=1)

    assert week.gap_days == ()


def test_roster_outlook_primary_away_backup_present_no_gap(org, channel, monitors):
    primary, backup = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 27), primary=primary, backup=backup)
    AbsenceFactory(user=primary, starts_on=W27 - timedelta(days=3), ends_on=W27 + timedelta(days=10))

    (week,) = roster_outlook(channel, W27, weeks=1)

    assert (week.gap_days, week.is_gap) == ((), False)


def test_roster_outlook_both_away_on_overlapping_days_gap_on_those(org, channel, monitors):
    primary, backup = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 27), primary=primary, backup=backup)
    AbsenceFactory(user=primary, starts_on=W27, ends_on=date(2027, 7, 7))
    AbsenceFactory(user=backup, starts_on=date(2027, 7, 7), ends_on=date(2027, 7, 9))

    (week,) = roster_outlook(channel, W27, weeks=1)

    assert week.gap_days == (date(2027, 7, 7),)


def test_roster_outlook_absence_of_someone_else_not_counted(org, channel, monitors):
    primary, other = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 27), primary=primary)
    AbsenceFactory(user=other, starts_on=W27, ends_on=W27 + timedelta(days=4))

    (week,) = roster_outlook(channel, W27, weeks=1)

    assert week.gap_days == ()


def test_roster_outlook_roster_of_other_channel_not_counted(org, channel, monitors):
    primary, _colleague = monitors
    other_channel = submitted_plan(org.medarbetare, channel_name="Länsbiblioteket på Instagram").channel
    assign_roster(other_channel.pk, actor=org.chef, first=(2027, 27), last=(2027, 27), primary=primary)

    (week,) = roster_outlook(channel, W27, weeks=1)

    assert (week.primary, week.gap_days) == (None, WORKDAYS_W27)


def test_roster_outlook_weeks_with_nobody_assigned_gaps(org, channel, monitors):
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2027, 28), last=(2027, 28), primary=primary)

    outlook = roster_outlook(channel, W27, weeks=3)

    w29 = date(2027, 7, 19)
    assert outlook_rows(outlook) == [
        (2027, 27, W27, WORKDAYS_W27),
        (2027, 28, date(2027, 7, 12), ()),
        (2027, 29, w29, tuple(w29 + timedelta(days=offset) for offset in range(5))),
    ]
    assert [(week.primary, week.backup) for week in outlook] == [(None, None), (primary, None), (None, None)]


def test_roster_outlook_across_new_year_lists_weeks_in_order(org, channel, monitors):
    primary, backup = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2026, 52), last=(2027, 1), primary=primary, backup=backup)

    outlook = roster_outlook(channel, date(2026, 12, 21))

    assert [(week.iso_year, week.iso_week, week.monday) for week in outlook] == [
        (2026, 52, date(2026, 12, 21)),
        (2026, 53, date(2026, 12, 28)),
        (2027, 1, date(2027, 1, 4)),
        (2027, 2, date(2027, 1, 11)),
        (2027, 3, date(2027, 1, 18)),
        (2027, 4, date(2027, 1, 25)),
        (2027, 5, date(2027, 2, 1)),
        (2027, 6, date(2027, 2, 8)),
        (2027, 7, date(2027, 2, 15)),
        (2027, 8, date(2027, 2, 22)),
        (2027, 9, date(2027, 3, 1)),
        (2027, 10, date(2027, 3, 8)),
    ]
    assert [week.is_gap for week in outlook] == [False, False, False] + [True] * 9


def test_roster_outlook_absence_in_week_53_gap(org, channel, monitors):
    primary, _colleague = monitors
    assign_roster(channel.pk, actor=org.chef, first=(2026, 52), last=(2027, 1), primary=primary)
    # Christmas leave from 28 December to New Year's Day: Monday to Friday of week 53.
    AbsenceFactory(user=primary, starts_on=date(2026, 12, 28), ends_on=date(2027, 1, 1))

    outlook = roster_outlook(channel, date(2026, 12, 21), weeks=3)

    assert outlook_rows(outlook) == [
        (2026, 52, date(2026, 12, 21), ()),
        (
            2026,
            53,
            date(2026, 12, 28),
            (date(2026, 12, 28), date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1)),
        ),
        (2027, 1, date(2027, 1, 4), ()),
    ]


def test_roster_outlook_start_midweek_begins_on_monday(org, channel):
    outlook = roster_outlook(channel, date(2026, 12, 31), weeks=2)

    assert [(week.iso_year, week.iso_week, week.monday) for week in outlook] == [
        (2026, 53, date(2026, 12, 28)),
        (2027, 1, date(2027, 1, 4)),
    ]


@pytest.mark.parametrize("assigned_weeks", [1, 3])
def test_roster_outlook_query_count_constant(org, channel, monitors, django_assert_num_queries, assigned_weeks):
    primary, backup = monitors
    assign_roster(
        channel.pk,
        actor=org.chef,
        first=(2027, 27),
        last=(2027, 26 + assigned_weeks),
        primary=primary,
        backup=backup,
    )
    AbsenceFactory(user=primary, starts_on=W27, ends_on=W27 + timedelta(days=20))

    # The roster rows with their monitors, and the absences: two queries at any size.
    with django_assert_num_queries(2):
        outlook = roster_outlook(channel, W27)
        names = [(week.primary and week.primary.full_name, week.backup and week.backup.full_name) for week in outlook]

    assert names[:assigned_weeks] == [(primary.full_name, backup.full_name)] * assigned_weeks
    assert names[assigned_weeks:] == [(None, None)] * (12 - assigned_weeks)
    assert [week.is_gap for week in outlook] == [False] * assigned_weeks + [True] * (12 - assigned_weeks)
