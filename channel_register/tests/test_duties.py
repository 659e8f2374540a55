"""The half-yearly screenshot duty: opened for every active channel on 1 January and 1 July
(or on the day a channel becomes active), fulfilled by a screenshot record taken within the
half year, reminded to the screenshot responsible and told to the chef 30 days after the duty
began; every notification exactly once.

Notification texts are read in English (the msgid, the stable text): the Swedish catalogue
is being completed while these tests are written.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, channel_transition, record_screenshot
from channel_register.domain.duties import run_screenshot_duties
from channel_register.enums import ChannelAction
from channel_register.models import Channel, ScreenshotDuty
from channel_register.queries import DutyState, screenshot_duties_of
from notifications.models import Notification

from .channel_factories import ANSWERED, active_channel, png_upload, trained

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


def running_channel(org, activated: datetime, responsible=None, **plan) -> Channel:
    """A Länsbiblioteket channel activated at `activated`; `responsible` (trained) is appointed
    owner and screenshot responsible if given."""
    with time_machine.travel(activated, tick=False):
        channel = active_channel(org, **plan)
        if responsible is not None:
            appoint(channel.pk, actor=org.chef, owner=trained(responsible), screenshot_responsible=responsible)
    channel.refresh_from_db()
    return channel


def screenshot(channel: Channel, actor, taken_on: date) -> None:
    with time_machine.travel(local(taken_on.year, taken_on.month, taken_on.day, 12, 0), tick=False):
        record_screenshot(
            channel.pk, actor=actor, taken_on=taken_on, url="https://example.se/", **ANSWERED, uploads=[png_upload()]
        )


def run_on(day: date) -> dict:
    """The job as the daily schedule runs it: at 06:15 local time on `day`."""
    with time_machine.travel(local(day.year, day.month, day.day, 6, 15), tick=False):
        return run_screenshot_duties(today=day)


def duties(channel: Channel) -> list[tuple]:
    return list(
        ScreenshotDuty.objects.filter(channel=channel)
        .order_by("period_start")
        .values_list("year", "half", "period_start", "period_end", "starts_on")
    )


def notices() -> list[tuple]:
    """The notifications of this job (the plan's approval told people too)."""
    return list(
        Notification.objects.filter(kind__startswith="screenshot_")
        .order_by("key")
        .values_list("recipient__username", "kind", "key")
    )


def due(channel, person, period="2027H1") -> tuple:
    return (person.username, "screenshot_due", f"screenshot_due:{channel.pk}:{period}:{person.pk}")


def overdue(channel, chef, period="2027H1") -> tuple:
    return (chef.username, "screenshot_overdue", f"screenshot_overdue:{channel.pk}:{period}:{chef.pk}")


# --- Opening the duty ---------------------------------------------------------------------------


def test_screenshot_duties_on_1_january_open_the_first_half(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)

    result = run_on(date(2027, 1, 1))

    assert duties(channel) == [(2027, 1, date(2027, 1, 1), date(2027, 6, 30), date(2027, 1, 1))]
    assert notices() == [due(channel, org.medarbetare)]
    assert result == {"channels": 1, "created": 1, "unfulfilled": 1, "overdue": 0, "notified": 1}


def test_screenshot_duties_on_1_july_open_the_second_half(org):
    channel = running_channel(org, local(2027, 2, 10, 9, 0), responsible=org.medarbetare)

    result = run_on(date(2027, 7, 1))

    assert duties(channel) == [(2027, 2, date(2027, 7, 1), date(2027, 12, 31), date(2027, 7, 1))]
    assert notices() == [due(channel, org.medarbetare, "2027H2")]
    assert result == {"channels": 1, "created": 1, "unfulfilled": 1, "overdue": 0, "notified": 1}


def test_screenshot_duties_reminder_text(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)

    run_on(date(2027, 1, 1))

    assert Notification.objects.filter(kind="screenshot_due").values_list("subject", "body", "url").get() == (
        f"Screenshot needed for H1 2027: {channel}",
        f"{channel} needs at least one screenshot record for the archive in H1 2027. Record one on the "
        "channel's page; if none is recorded by 2027-01-31, the manager is told.",
        channel.get_absolute_url(),
    )


def test_screenshot_duties_channel_activated_in_march_starts_on_activation_day(org):
    # 00:30 local time on 10 March is 9 March in UTC: the local date counts.
    channel = running_channel(org, local(2027, 3, 10, 0, 30), responsible=org.medarbetare)

    run_on(date(2027, 3, 10))

    assert duties(channel) == [(2027, 1, date(2027, 1, 1), date(2027, 6, 30), date(2027, 3, 10))]


def test_screenshot_duties_channel_activated_in_march_not_escalated_the_day_before(org):
    channel = running_channel(org, local(2027, 3, 10, 0, 30), responsible=org.medarbetare)
    run_on(date(2027, 3, 10))

    result = run_on(date(2027, 4, 8))

    assert notices() == [due(channel, org.medarbetare)]
    assert result == {"channels": 1, "created": 0, "unfulfilled": 1, "overdue": 0, "notified": 0}


def test_screenshot_duties_channel_activated_in_march_escalated_after_30_days(org):
    channel = running_channel(org, local(2027, 3, 10, 0, 30), responsible=org.medarbetare)
    run_on(date(2027, 3, 10))

    result = run_on(date(2027, 4, 9))

    assert notices() == [due(channel, org.medarbetare), overdue(channel, org.chef)]
    assert result == {"channels": 1, "created": 0, "unfulfilled": 1, "overdue": 1, "notified": 1}


def test_screenshot_duties_escalate_to_the_chef_after_30_days(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)
    run_on(date(2027, 1, 1))
    run_on(date(2027, 1, 30))
    before_escalation = notices()

    run_on(date(2027, 1, 31))

    assert before_escalation == [due(channel, org.medarbetare)]
    assert notices() == [due(channel, org.medarbetare), overdue(channel, org.chef)]
    assert Notification.objects.filter(kind="screenshot_overdue").values_list("subject", "body").get() == (
        f"Screenshot overdue for H1 2027: {channel}",
        f"{channel} (Länsbiblioteket) has no screenshot record for H1 2027. The duty began on 2027-01-01 "
        "and has not been fulfilled within 30 days.",
    )


def test_screenshot_duties_first_run_late_reminds_and_escalates_at_once(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)

    result = run_on(date(2027, 2, 15))

    assert notices() == [due(channel, org.medarbetare), overdue(channel, org.chef)]
    assert result == {"channels": 1, "created": 1, "unfulfilled": 1, "overdue": 1, "notified": 2}


# --- Fulfilment ---------------------------------------------------------------------------------


def test_screenshot_duties_screenshot_in_the_half_fulfils_the_duty(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)
    run_on(date(2027, 1, 1))
    screenshot(channel, org.medarbetare, date(2027, 1, 20))

    result = run_on(date(2027, 2, 15))

    assert notices() == [due(channel, org.medarbetare)]
    assert result == {"channels": 1, "created": 0, "unfulfilled": 0, "overdue": 0, "notified": 0}


def test_screenshot_duties_screenshot_of_the_previous_half_does_not_fulfil(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)
    screenshot(channel, org.medarbetare, date(2026, 12, 31))

    result = run_on(date(2027, 2, 15))

    assert notices() == [due(channel, org.medarbetare), overdue(channel, org.chef)]
    assert result == {"channels": 1, "created": 1, "unfulfilled": 1, "overdue": 1, "notified": 2}


def test_screenshot_duties_screenshot_before_1_january_run_sends_no_reminder(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)
    screenshot(channel, org.medarbetare, date(2027, 1, 1))

    result = run_on(date(2027, 1, 1))

    assert (duties(channel), notices()) == ([(2027, 1, date(2027, 1, 1), date(2027, 6, 30), date(2027, 1, 1))], [])
    assert result == {"channels": 1, "created": 1, "unfulfilled": 0, "overdue": 0, "notified": 0}


# --- Who is told, and which channels -------------------------------------------------------------


def test_screenshot_duties_without_people_remind_the_chef_once(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0))
    run_on(date(2027, 1, 1))

    run_on(date(2027, 1, 31))

    # The chef stands in for the screenshot responsible; escalating adds the overdue notice.
    assert notices() == [due(channel, org.chef), overdue(channel, org.chef)]


def test_screenshot_duties_without_people_first_run_late_tells_the_chef_once(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0))

    run_on(date(2027, 2, 15))

    assert notices() == [overdue(channel, org.chef)]


def test_screenshot_duties_paused_channel_gets_no_duty(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)

    result = run_on(date(2027, 1, 1))

    assert (duties(channel), notices()) == ([], [])
    assert result == {"channels": 0, "created": 0, "unfulfilled": 0, "overdue": 0, "notified": 0}


def test_screenshot_duties_twice_for_the_same_day_changes_nothing(org):
    channel = running_channel(org, local(2026, 6, 10, 9, 0), responsible=org.medarbetare)
    run_on(date(2027, 2, 15))
    rows_before = list(ScreenshotDuty.objects.order_by("pk").values())
    notices_before = notices()

    result = run_on(date(2027, 2, 15))

    assert result == {"channels": 1, "created": 0, "unfulfilled": 1, "overdue": 1, "notified": 0}
    assert list(ScreenshotDuty.objects.order_by("pk").values()) == rows_before
    assert notices() == notices_before == [due(channel, org.medarbetare), overdue(channel, org.chef)]


# --- Query counts -------------------------------------------------------------------------------

# Once per run: the units with their chefs (chefs_by_unit). Per batch: the channels with their
# duty's start and fulfilment (people and unit joined); the savepoint; the insert of the new
# duties; notify_many's existing keys, the recipients' choices of delivery, its insert and its
# read of the rows whose e-mail to queue; the savepoint's release. Then the open change duties
# (none here): one query for the first batch, empty.
SCREENSHOT_DUTY_QUERIES = 10


@pytest.mark.parametrize("size", [2, 6])
def test_screenshot_duties_query_count_is_the_same_at_two_sizes(org, django_assert_num_queries, size):
    # Every channel is late with its first duty, so its responsible and the chef are told.
    for _ in range(size):
        running_channel(org, local(2026, 6, 10, 9, 0), make_user(Role.MEDARBETARE, unit=org.library))

    with django_assert_num_queries(SCREENSHOT_DUTY_QUERIES):
        result = run_on(date(2027, 2, 15))

    assert result == {"channels": size, "created": size, "unfulfilled": size, "overdue": size, "notified": 2 * size}


# --- What the channel page reads ----------------------------------------------------------------


def test_screenshot_duties_of_newest_first_with_state(org, django_assert_num_queries):
    channel = running_channel(org, local(2026, 9, 15, 9, 0), responsible=org.medarbetare)
    run_on(date(2026, 9, 15))
    screenshot(channel, org.medarbetare, date(2026, 10, 1))
    run_on(date(2027, 1, 1))
    h2_2026, h1_2027 = ScreenshotDuty.objects.order_by("period_start")

    with django_assert_num_queries(1):
        states = screenshot_duties_of(channel, date(2027, 1, 31))

    assert states == [
        DutyState(duty=h1_2027, fulfilled=False, overdue=True, escalates_on=date(2027, 1, 31)),
        DutyState(duty=h2_2026, fulfilled=True, overdue=False, escalates_on=date(2026, 10, 15)),
    ]


def test_screenshot_duties_of_not_overdue_the_day_before(org):
    channel = running_channel(org, local(2026, 9, 15, 9, 0), responsible=org.medarbetare)
    run_on(date(2026, 9, 15))

    states = screenshot_duties_of(channel, date(2026, 10, 14))

    assert [(state.fulfilled, state.overdue, state.escalates_on) for state in states] == [
        (False, False, date(2026, 10, 15))
    ]


def test_screenshot_duties_of_screenshot_on_the_last_day_fulfils(org):
    channel = running_channel(org, local(2027, 2, 1, 9, 0), responsible=org.medarbetare)
    run_on(date(2027, 2, 1))
    screenshot(channel, org.medarbetare, date(2027, 6, 30))

    states = screenshot_duties_of(channel, date(2027, 6, 30))

    assert [(state.fulfilled, state.overdue) for state in states] == [(True, False)]
