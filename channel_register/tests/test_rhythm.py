"""The weekly update-rhythm check: the last completed ISO week (or calendar month) of every
active channel judged against its plan in force, in local time (Europe/Stockholm), written
once per channel and period, and the owner and then the chef told of misses exactly once.

Notification texts are read in English (the msgid, the stable text): the Swedish catalogue
is being completed while these tests are written.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, channel_transition
from channel_register.domain.rhythm import period_before, run_weekly_check
from channel_register.enums import ChannelAction, FrequencyPeriod, UpdateSource
from channel_register.models import Channel, ChannelUpdate, RhythmCheck
from channel_register.queries import rhythm_results
from kob_social.history import update_with_history
from notifications.models import Notification
from plans.domain.drafts import revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Plan
from plans.tests.factories import GOAL, plan_content

from .channel_factories import CHAIN_APPROVAL, active_channel, trained

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
WEEK = FrequencyPeriod.WEEK
MONTH = FrequencyPeriod.MONTH


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def running_channel(org, activated: datetime, owner=None, **plan) -> Channel:
    """A Länsbiblioteket channel activated at `activated`, its plan approved with `plan`'s
    changes; `owner` (trained) is appointed owner and screenshot responsible if given."""
    with time_machine.travel(activated, tick=False):
        channel = active_channel(org, **plan)
        if owner is not None:
            appoint(channel.pk, actor=org.chef, owner=trained(owner), screenshot_responsible=owner)
    channel.refresh_from_db()
    return channel


def real_hours(period) -> float:
    """The real length of the period's span of time. (Subtracting two datetimes of the same zone
    in Python gives the wall-clock difference, which does not see a DST change.)"""
    return (period.end.timestamp() - period.start.timestamp()) / 3600


def post(channel: Channel, *published: datetime) -> None:
    for at in published:
        ChannelUpdate.objects.create(channel=channel, published_at=at, source=UpdateSource.MANUAL)


def check_on(day: date) -> dict:
    """The job as the Monday-morning schedule runs it: at 06:00 local time on `day`."""
    with time_machine.travel(local(day.year, day.month, day.day, 6, 0), tick=False):
        return run_weekly_check(today=day)


def checks(channel: Channel) -> list[tuple]:
    return list(
        RhythmCheck.objects.filter(channel=channel)
        .order_by("starts_on")
        .values_list("period", "starts_on", "ends_on", "required", "actual", "missed_in_row")
    )


def notices() -> list[tuple]:
    """The notifications of this job (the plan's approval told people too)."""
    return list(
        Notification.objects.filter(kind__startswith="rhythm_")
        .order_by("key")
        .values_list("recipient__username", "kind", "key")
    )


# --- The period judged ----------------------------------------------------------------------------


def test_period_before_spring_dst_week_lasts_167_hours():
    period = period_before(WEEK, date(2026, 3, 30))

    assert (period.starts_on, period.ends_on, real_hours(period)) == (
        date(2026, 3, 23),
        date(2026, 3, 29),
        167,
    )


def test_period_before_autumn_dst_week_lasts_169_hours():
    period = period_before(WEEK, date(2026, 10, 28))

    assert (period.starts_on, period.ends_on, real_hours(period)) == (
        date(2026, 10, 19),
        date(2026, 10, 25),
        169,
    )


def test_weekly_check_across_spring_dst_counts_by_local_midnight(org):
    # Summer time began on Sunday 29 March 2026 at 02:00. Week 13 is 23–29 March.
    channel = running_channel(org, local(2026, 1, 12, 9, 0), update_count=3)
    post(
        channel,
        local(2026, 3, 22, 23, 59),  # Sunday of week 12
        local(2026, 3, 23, 0, 30),  # Monday of week 13 (Sunday 23:30 UTC)
        local(2026, 3, 29, 23, 30),  # Sunday of week 13, summer time
        local(2026, 3, 30, 0, 30),  # Monday of week 14 (Sunday 22:30 UTC)
    )

    result = check_on(date(2026, 3, 30))

    assert checks(channel) == [(WEEK, date(2026, 3, 23), date(2026, 3, 29), 3, 2, 1)]
    assert result == {"channels": 1, "created": 1, "missed": 1, "notified": 1}


def test_weekly_check_across_autumn_dst_counts_by_local_midnight(org):
    # Summer time ended on Sunday 25 October 2026 at 03:00. Week 43 is 19–25 October.
    channel = running_channel(org, local(2026, 9, 7, 9, 0), update_count=2)
    post(
        channel,
        local(2026, 10, 18, 23, 30),  # Sunday of week 42
        local(2026, 10, 19, 0, 30),  # Monday of week 43 (Sunday 22:30 UTC)
        local(2026, 10, 25, 23, 30),  # Sunday of week 43, winter time
        local(2026, 10, 26, 0, 30),  # Monday of week 44 (Sunday 23:30 UTC)
    )

    result = check_on(date(2026, 10, 26))

    assert checks(channel) == [(WEEK, date(2026, 10, 19), date(2026, 10, 25), 2, 2, 0)]
    assert result == {"channels": 1, "created": 1, "missed": 0, "notified": 0}


def test_weekly_check_across_weeks_52_53_and_1(org):
    # 2026 has 53 ISO weeks: week 53 is Monday 28 December to Sunday 3 January 2027.
    channel = running_channel(org, local(2026, 11, 2, 9, 0), owner=org.medarbetare, update_count=2)
    post(channel, local(2026, 12, 21, 10, 0), local(2026, 12, 31, 23, 59), local(2027, 1, 3, 23, 30))
    post(channel, local(2027, 1, 4, 0, 0))

    for monday in (date(2026, 12, 28), date(2027, 1, 4), date(2027, 1, 11)):
        check_on(monday)

    assert checks(channel) == [
        (WEEK, date(2026, 12, 21), date(2026, 12, 27), 2, 1, 1),
        (WEEK, date(2026, 12, 28), date(2027, 1, 3), 2, 2, 0),
        (WEEK, date(2027, 1, 4), date(2027, 1, 10), 2, 1, 1),
    ]
    assert list(
        Notification.objects.filter(kind="rhythm_missed").order_by("key").values_list("subject", flat=True)
    ) == [
        f"Too few updates in week 52 2026: {channel}",
        f"Too few updates in week 1 2027: {channel}",
    ]


def test_weekly_check_monthly_plan_judges_last_month(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), owner=org.medarbetare, update_count=4, update_period=MONTH)
    post(
        channel,
        local(2026, 10, 31, 23, 45),  # October
        local(2026, 11, 1, 0, 15),
        local(2026, 11, 30, 23, 30),
        local(2026, 12, 1, 0, 15),  # December
    )

    result = check_on(date(2026, 12, 7))

    assert checks(channel) == [(MONTH, date(2026, 11, 1), date(2026, 11, 30), 4, 2, 1)]
    assert result == {"channels": 1, "created": 1, "missed": 1, "notified": 1}
    assert Notification.objects.filter(kind="rhythm_missed").values_list(
        "recipient__username", "kind", "key", "subject", "body", "url"
    ).get() == (
        "medarbetare",
        "rhythm_missed",
        f"rhythm_missed:{channel.pk}:manad:2026-11-01:{org.medarbetare.pk}",
        f"Too few updates in November 2026: {channel}",
        f"{channel} had 2 updates in November 2026; its plan requires 4. Log the updates that are missing "
        "from the update log, or plan the coming posts.",
        channel.get_absolute_url(),
    )


def test_weekly_check_monthly_plan_second_monday_creates_nothing(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), owner=org.medarbetare, update_count=4, update_period=MONTH)
    check_on(date(2026, 12, 7))
    before = (checks(channel), list(RhythmCheck.objects.values_list("checked_at", flat=True)), notices())

    result = check_on(date(2026, 12, 14))

    assert result == {"channels": 1, "created": 0, "missed": 0, "notified": 0}
    assert (checks(channel), list(RhythmCheck.objects.values_list("checked_at", flat=True)), notices()) == before


def test_weekly_check_records_when_it_checked(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), update_count=1)

    check_on(date(2026, 11, 23))

    assert RhythmCheck.objects.filter(channel=channel).values_list("checked_at", flat=True).get() == local(
        2026, 11, 23, 6, 0
    )


def test_weekly_check_uses_the_newest_approved_version(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), update_count=2)
    v1 = channel.plans.get()
    v2 = revise(v1.pk, actor=org.medarbetare)
    content = plan_content(org.library, org.medarbetare, update_count=5, update_period=MONTH)
    v2 = save_draft(v2.pk, actor=org.medarbetare, expected_revision=v2.revision, content=content, goals=[GOAL])
    transition(v2.pk, Action.SUBMIT, actor=org.medarbetare)
    for actor, action in CHAIN_APPROVAL:
        transition(v2.pk, action, actor=getattr(org, actor))

    check_on(date(2026, 12, 7))

    assert checks(channel) == [(MONTH, date(2026, 11, 1), date(2026, 11, 30), 5, 0, 1)]


def test_weekly_check_two_approved_versions_use_the_highest(org):
    # The chain never leaves two approved versions (approving v2 supersedes v1), but if the
    # data ever holds two, the one with the higher number is in force, as in plan_in_force.
    channel = running_channel(org, local(2026, 9, 1, 9, 0), update_count=2)
    v1 = channel.plans.get()
    v2 = revise(v1.pk, actor=org.medarbetare)
    content = plan_content(org.library, org.medarbetare, update_count=5, update_period=MONTH)
    v2 = save_draft(v2.pk, actor=org.medarbetare, expected_revision=v2.revision, content=content, goals=[GOAL])
    update_with_history(Plan.objects.filter(pk=v2.pk), status=PlanStatus.GODKAND)

    check_on(date(2026, 12, 7))

    assert checks(channel) == [(MONTH, date(2026, 11, 1), date(2026, 11, 30), 5, 0, 1)]


# --- Which channels, and what they must do ------------------------------------------------------


def test_weekly_check_activated_mid_week_prorates_requirement(org):
    # Activated on Thursday 19 November at 00:30 local time (Wednesday in UTC): active 4 of 7
    # days of week 47, so 5 × 4 / 7 = 2.86, rounded down to 2.
    channel = running_channel(org, local(2026, 11, 19, 0, 30), update_count=5)
    post(channel, local(2026, 11, 20, 12, 0), local(2026, 11, 22, 12, 0))

    result = check_on(date(2026, 11, 23))

    assert checks(channel) == [(WEEK, date(2026, 11, 16), date(2026, 11, 22), 2, 2, 0)]
    assert result == {"channels": 1, "created": 1, "missed": 0, "notified": 0}


def test_weekly_check_activated_mid_month_prorates_requirement(org):
    # Active from 21 November: 10 of 30 days, so 4 × 10 / 30 = 1.33, rounded down to 1.
    channel = running_channel(org, local(2026, 11, 21, 15, 0), update_count=4, update_period=MONTH)

    check_on(date(2026, 12, 7))

    assert checks(channel) == [(MONTH, date(2026, 11, 1), date(2026, 11, 30), 1, 0, 1)]


def test_weekly_check_activated_after_the_period_writes_no_row(org):
    channel = running_channel(org, local(2026, 11, 23, 0, 30), update_count=2)

    result = check_on(date(2026, 11, 23))

    assert checks(channel) == []
    assert result == {"channels": 1, "created": 0, "missed": 0, "notified": 0}


def test_weekly_check_paused_channel_is_not_checked(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), update_count=2)
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)

    result = check_on(date(2026, 11, 23))

    assert (checks(channel), result) == ([], {"channels": 0, "created": 0, "missed": 0, "notified": 0})


# --- Misses in a row, and who is told ------------------------------------------------------------


def test_weekly_check_one_miss_tells_only_the_owner(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), owner=org.medarbetare, update_count=2)

    check_on(date(2026, 11, 16))

    assert notices() == [
        ("medarbetare", "rhythm_missed", f"rhythm_missed:{channel.pk}:vecka:2026-11-09:{org.medarbetare.pk}")
    ]


def test_weekly_check_two_misses_in_a_row_tell_the_chef(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), owner=org.medarbetare, update_count=2)
    check_on(date(2026, 11, 16))

    result = check_on(date(2026, 11, 23))

    assert [row[-1] for row in checks(channel)] == [1, 2]
    assert result == {"channels": 1, "created": 1, "missed": 1, "notified": 2}
    assert notices() == [
        ("chef", "rhythm_escalated", f"rhythm_escalated:{channel.pk}:vecka:2026-11-16:{org.chef.pk}"),
        ("medarbetare", "rhythm_missed", f"rhythm_missed:{channel.pk}:vecka:2026-11-09:{org.medarbetare.pk}"),
        ("medarbetare", "rhythm_missed", f"rhythm_missed:{channel.pk}:vecka:2026-11-16:{org.medarbetare.pk}"),
    ]
    assert Notification.objects.filter(kind="rhythm_escalated").values_list("subject", "body").get() == (
        f"Update rhythm missed 2 times in a row: {channel}",
        f"{channel} (Länsbiblioteket) has missed the update rhythm of its plan 2 periods in a row. "
        "In week 47 2026 it had 0 updates; its plan requires 2.",
    )


def test_weekly_check_met_period_ends_the_run_of_misses(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), owner=org.medarbetare, update_count=1)
    check_on(date(2026, 11, 9))
    post(channel, local(2026, 11, 10, 9, 0))
    check_on(date(2026, 11, 16))

    check_on(date(2026, 11, 23))

    assert [row[-1] for row in checks(channel)] == [1, 0, 1]
    assert Notification.objects.filter(kind="rhythm_escalated").count() == 0


def test_weekly_check_without_owner_tells_the_chef(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), update_count=2)

    check_on(date(2026, 11, 16))

    assert notices() == [("chef", "rhythm_missed", f"rhythm_missed:{channel.pk}:vecka:2026-11-09:{org.chef.pk}")]


def test_weekly_check_without_owner_tells_the_chef_once_when_escalating(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), update_count=2)
    check_on(date(2026, 11, 16))

    check_on(date(2026, 11, 23))

    assert notices() == [
        ("chef", "rhythm_escalated", f"rhythm_escalated:{channel.pk}:vecka:2026-11-16:{org.chef.pk}"),
        ("chef", "rhythm_missed", f"rhythm_missed:{channel.pk}:vecka:2026-11-09:{org.chef.pk}"),
    ]


def test_weekly_check_twice_for_the_same_day_changes_nothing(org):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), owner=org.medarbetare, update_count=2)
    check_on(date(2026, 11, 16))
    check_on(date(2026, 11, 23))
    rows_before = list(RhythmCheck.objects.order_by("pk").values())
    notices_before = notices()

    result = check_on(date(2026, 11, 23))

    assert result == {"channels": 1, "created": 0, "missed": 0, "notified": 0}
    assert list(RhythmCheck.objects.order_by("pk").values()) == rows_before
    assert notices() == notices_before
    assert len(checks(channel)) == 2


# --- Query counts -------------------------------------------------------------------------------

# Once per run: the units with their chefs (chefs_by_unit). Per batch: the active channels
# (owner and unit joined); their approved plans; the savepoint; the updates counted per
# channel; this and the preceding period's rows; the insert of the new rows; notify_many's
# existing keys, the recipients' choices of delivery, its insert and its read of the rows whose
# e-mail to queue; the savepoint's release.
WEEKLY_CHECK_QUERIES = 12


@pytest.mark.parametrize("size", [2, 6])
def test_weekly_check_query_count_is_the_same_at_two_sizes(org, django_assert_num_queries, size):
    # Every channel misses its second week in a row, so owners and the chef are told.
    owners = [make_user(Role.MEDARBETARE, unit=org.library, username=f"owner{i}") for i in range(size)]
    for owner in owners:
        running_channel(org, local(2026, 9, 1, 9, 0), owner=owner, update_count=2)
    check_on(date(2026, 11, 16))

    with django_assert_num_queries(WEEKLY_CHECK_QUERIES):
        result = check_on(date(2026, 11, 23))

    assert result == {"channels": size, "created": size, "missed": size, "notified": 2 * size}


# --- What the channel page reads ----------------------------------------------------------------


def test_rhythm_results_newest_first_within_limit(org, django_assert_num_queries):
    channel = running_channel(org, local(2026, 9, 1, 9, 0), update_count=1)
    for monday in (date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)):
        check_on(monday)

    with django_assert_num_queries(1):
        results = rhythm_results(channel, limit=3)

    assert [(row.starts_on, row.missed_in_row) for row in results] == [
        (date(2026, 11, 16), 4),
        (date(2026, 11, 9), 3),
        (date(2026, 11, 2), 2),
    ]


def test_rhythm_results_of_another_channel_are_not_shown(org):
    running_channel(org, local(2026, 9, 1, 9, 0), update_count=1)
    other = running_channel(org, local(2026, 9, 1, 9, 0), update_count=1, channel_name="Annan kanal")
    check_on(date(2026, 11, 23))

    results = rhythm_results(other)

    assert [(row.channel_id, row.starts_on) for row in results] == [(other.pk, date(2026, 11, 16))]
