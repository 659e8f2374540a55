"""A screenshot after a major change (SKR: "varje halvår eller vid en större förändring"; issue
19): a new name, address or platform of an active channel, or a new approved version of its
plan, opens a screenshot duty once per change, with the half-yearly duty's reminders and
escalation; a screenshot record taken on or after the day of the change fulfils it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from channel_register.domain.channels import describe_channel, record_screenshot
from channel_register.domain.duties import open_change_duty, run_screenshot_duties
from channel_register.enums import DutyReason
from channel_register.models import Channel, ScreenshotDuty
from channel_register.queries import screenshot_duties_of
from notifications.models import Notification
from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action

from .channel_factories import ANSWERED, CHAIN_APPROVAL, approved_plan, png_upload
from .channel_pages import (
    channel_fixture,  # noqa: F401 (fixture)
    form_data,
    media_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CHANGE_DAY = date(2027, 3, 10)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def at(day: date, hour: int = 10):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, 0, tzinfo=STOCKHOLM), tick=False)


def rename(channel: Channel, name: str, actor) -> None:
    describe_channel(channel.pk, platform=channel.platform, name=name, url=channel.url, unit=channel.unit, actor=actor)


def change_duties(channel: Channel) -> list[tuple]:
    rows = ScreenshotDuty.objects.filter(channel=channel).exclude(reason=DutyReason.HALF_YEAR).order_by("pk")
    return list(rows.values_list("reason", "year", "half", "period_start", "period_end", "starts_on"))


# --- Opening ------------------------------------------------------------------------------------


def test_describe_channel_new_name_of_active_channel_opens_one_change_duty(org, channel):
    with at(CHANGE_DAY):
        rename(channel, "Länsbiblioteket Uppsala", org.chef)

    assert change_duties(channel) == [(DutyReason.CHANNEL_CHANGED, None, None, CHANGE_DAY, None, CHANGE_DAY)]
    history_id = Channel.history.filter(id=channel.pk).latest("history_id").history_id
    assert ScreenshotDuty.objects.get(channel=channel, reason=DutyReason.CHANNEL_CHANGED).change_key == (
        f"kanal:{history_id}"
    )


@pytest.mark.parametrize("field", ["url", "platform"])
def test_describe_channel_new_address_or_platform_opens_change_duty(org, channel, field):
    values = {"platform": channel.platform, "name": channel.name, "url": channel.url}
    values[field] = {"url": "https://www.instagram.com/lansbiblioteket", "platform": "instagram"}[field]

    with at(CHANGE_DAY):
        describe_channel(channel.pk, **values, unit=channel.unit, actor=org.chef)

    assert [row[0] for row in change_duties(channel)] == [DutyReason.CHANNEL_CHANGED]


def test_describe_channel_same_description_opens_no_duty(org, channel):
    with at(CHANGE_DAY):
        rename(channel, channel.name, org.chef)

    assert change_duties(channel) == []


def test_describe_channel_of_planned_channel_opens_no_duty(org):
    channel = approved_plan(org).channel

    rename(channel, "Nytt namn", org.chef)

    assert change_duties(channel) == []


def test_open_change_duty_twice_with_the_same_key_opens_one(org, channel):
    first = open_change_duty(channel, reason=DutyReason.NEW_PLAN_VERSION, key="plan:1", on=CHANGE_DAY)

    again = open_change_duty(channel, reason=DutyReason.NEW_PLAN_VERSION, key="plan:1", on=date(2027, 3, 11))

    assert again.pk == first.pk
    assert len(change_duties(channel)) == 1


def test_change_duty_same_key_twice_refused_by_the_database(org, channel):
    values = {"channel": channel, "reason": DutyReason.NEW_PLAN_VERSION, "change_key": "plan:7"}
    ScreenshotDuty.objects.create(**values, period_start=CHANGE_DAY, starts_on=CHANGE_DAY)

    with pytest.raises(IntegrityError), transaction.atomic():
        ScreenshotDuty.objects.create(**values, period_start=CHANGE_DAY, starts_on=CHANGE_DAY)


def test_approving_plan_version_2_opens_change_duty_keyed_by_the_plan(org, channel):
    plan = channel.plans.get()
    with at(CHANGE_DAY):
        plan = revise(plan.pk, actor=org.medarbetare)
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
        for actor, action in CHAIN_APPROVAL:
            transition(plan.pk, action, actor=getattr(org, actor))

    duty = ScreenshotDuty.objects.exclude(reason=DutyReason.HALF_YEAR).get(channel=channel)
    assert (duty.reason, duty.change_key, duty.starts_on) == (
        DutyReason.NEW_PLAN_VERSION,
        f"plan:{plan.pk}",
        CHANGE_DAY,
    )


# --- Fulfilment, reminders, escalation ---------------------------------------------------------


def test_change_duty_screenshot_before_the_change_does_not_fulfil_on_or_after_does(org, channel):
    with at(date(2027, 3, 9)):
        record_screenshot(
            channel.pk,
            actor=org.medarbetare,
            taken_on=date(2027, 3, 9),
            url=channel.url,
            **ANSWERED,
            uploads=[png_upload()],
        )
    with at(CHANGE_DAY):
        rename(channel, "Länsbiblioteket Uppsala", org.chef)
    before = [state.fulfilled for state in screenshot_duties_of(channel, CHANGE_DAY) if state.duty.is_change]
    with at(CHANGE_DAY, 15):
        record_screenshot(
            channel.pk,
            actor=org.medarbetare,
            taken_on=CHANGE_DAY,
            url=channel.url,
            **ANSWERED,
            uploads=[png_upload()],
        )

    after = [state.fulfilled for state in screenshot_duties_of(channel, CHANGE_DAY) if state.duty.is_change]
    assert (before, after) == ([False], [True])


def test_change_duty_label_names_the_day_of_the_change(org, channel):
    with at(CHANGE_DAY):
        rename(channel, "Länsbiblioteket Uppsala", org.chef)

    duty = ScreenshotDuty.objects.get(channel=channel, reason=DutyReason.CHANNEL_CHANGED)
    assert duty.label == "after a change 2027-03-10"


def screenshot_notices(channel) -> list[tuple]:
    rows = Notification.objects.filter(kind__startswith="screenshot_", key__contains=":kanal:")
    return list(rows.order_by("key").values_list("recipient__username", "kind"))


def test_change_duty_reminds_the_responsible_then_tells_the_chef_after_30_days(org, channel):
    with at(CHANGE_DAY):
        rename(channel, "Länsbiblioteket Uppsala", org.chef)
    with at(date(2027, 3, 11), 6):
        run_screenshot_duties(today=date(2027, 3, 11))
    reminded = screenshot_notices(channel)

    with at(date(2027, 4, 9), 6):
        run_screenshot_duties(today=date(2027, 4, 9))
        run_screenshot_duties(today=date(2027, 4, 9))

    assert reminded == [("medarbetare", "screenshot_due")]
    assert screenshot_notices(channel) == [("medarbetare", "screenshot_due"), ("chef", "screenshot_overdue")]


def test_change_duty_fulfilled_reminds_nobody(org, channel):
    with at(CHANGE_DAY):
        rename(channel, "Länsbiblioteket Uppsala", org.chef)
        record_screenshot(
            channel.pk,
            actor=org.medarbetare,
            taken_on=CHANGE_DAY,
            url=channel.url,
            **ANSWERED,
            uploads=[png_upload()],
        )

    with at(date(2027, 4, 20), 6):
        run_screenshot_duties(today=date(2027, 4, 20))

    assert screenshot_notices(channel) == []


def test_screenshot_page_post_fulfils_the_change_duty(client, org, channel):
    with at(CHANGE_DAY):
        rename(channel, "Länsbiblioteket Uppsala", org.chef)
        client.force_login(org.medarbetare)

        response = client.post(
            reverse("channel_register:screenshot_create", args=[channel.pk]),
            {**form_data("screenshot_create"), "files": png_upload()},
        )
        states = screenshot_duties_of(channel, CHANGE_DAY)

    assert response.status_code == 302
    assert [state.fulfilled for state in states if state.duty.is_change] == [True]


def test_change_duty_notices_say_after_which_change(org, channel):
    with at(CHANGE_DAY):
        rename(channel, "Länsbiblioteket Uppsala", org.chef)
    with at(date(2027, 4, 9), 6):
        run_screenshot_duties(today=date(2027, 4, 9))

    rows = Notification.objects.filter(kind__startswith="screenshot_", key__contains=":kanal:").order_by("key")
    subjects = list(rows.values_list("kind", "subject"))

    channel.refresh_from_db()
    # Notices are written in the installation's language (settings.LANGUAGE_CODE).
    with translation.override(settings.LANGUAGE_CODE):
        expected = [
            ("screenshot_due", gettext("Screenshot needed after a change: %(channel)s") % {"channel": channel}),
            ("screenshot_overdue", gettext("Screenshot overdue after a change: %(channel)s") % {"channel": channel}),
        ]
    assert sorted(subjects) == sorted(expected)
    assert CHANGE_DAY.isoformat() in rows.get(kind="screenshot_due").body
