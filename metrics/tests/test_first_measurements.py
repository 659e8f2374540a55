"""The first measurement of a goal (issue 19, item 2): a goal of an approved plan that is measured
for the first time on a day, instead of having a baseline, makes that day a duty of the channel's
owner: reminded once, fulfilled by a value of the goal's metric dated on or after the day, which
then becomes the goal's baseline. A draft's day is no duty yet.

The clock: the channel and its plan are made on 15 March 2027 (`measuring_day`); the goal is first
measured on 1 April 2027. Notification texts are not compared (the catalogue is merged apart).
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kob_social.errors import Incomplete
from metrics.domain.first_measurements import KIND, run_first_measurement_duties
from metrics.domain.measurements import record_measurement
from metrics.enums import CATALOGUE
from metrics.progress import Status, goal_progress
from notifications.models import Notification
from plans import hooks as plan_hooks
from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action, Metric, PlanStatus
from plans.models import Goal, Plan
from plans.tests.factories import complete_plan

from .factories import measured_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day")]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FIRST_DAY = datetime.date(2027, 4, 1)
GOAL = {
    "description": "Fler följare bland unga vuxna",
    "metric": Metric.FOLLOWERS,
    "baseline": None,
    "first_measured_on": FIRST_DAY,
    "target": Decimal("2000"),
    "deadline": datetime.date(2027, 12, 31),
}


@pytest.fixture
def channel(org):
    return measured_channel(org, since=datetime.date(2026, 1, 1), goals=[GOAL])


def on(day: datetime.date):
    """The clock at 06:35 local time on `day`, when the daily job runs."""
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, 6, 35, tzinfo=STOCKHOLM), tick=False)


def run_on(day: datetime.date) -> dict:
    with on(day):
        return run_first_measurement_duties(today=day)


def reminders() -> list[tuple]:
    return list(Notification.objects.filter(kind=KIND).order_by("key").values_list("recipient__username", "key", "url"))


def measure(channel, actor, day: datetime.date, value: str = "1200") -> None:
    with on(day):
        record_measurement(channel.pk, actor=actor, metric=Metric.FOLLOWERS, on=day, value=Decimal(value))


# --- The reminder --------------------------------------------------------------------------------


def test_first_measurement_reminder_sent_once_on_the_day_when_run_twice(org, channel):
    goal = Goal.objects.get(plan__channel=channel)

    before = run_on(FIRST_DAY - datetime.timedelta(days=1))
    first = run_on(FIRST_DAY)
    second = run_on(FIRST_DAY)
    later = run_on(FIRST_DAY + datetime.timedelta(days=1))

    assert (before, first, second, later) == (
        {"due": 0, "notified": 0},
        {"due": 1, "notified": 1},
        {"due": 1, "notified": 0},
        {"due": 1, "notified": 0},
    )
    assert reminders() == [
        (
            org.medarbetare.username,
            f"{KIND}:{goal.pk}:20270401:{org.medarbetare.pk}",
            reverse("metrics:channel", args=[channel.pk]),
        )
    ]


def test_first_measurement_reminder_not_sent_when_measured_on_the_day(org, channel):
    measure(channel, org.medarbetare, FIRST_DAY)

    result = run_on(FIRST_DAY)

    assert result == {"due": 0, "notified": 0}
    assert reminders() == []


def test_first_measurement_reminder_sent_when_measured_only_before_the_day(org, channel):
    measure(channel, org.medarbetare, FIRST_DAY - datetime.timedelta(days=3))

    result = run_on(FIRST_DAY)

    assert result == {"due": 1, "notified": 1}
    assert [username for username, _key, _url in reminders()] == [org.medarbetare.username]


def test_first_measurement_of_a_draft_is_no_duty(org):
    complete_plan(org.medarbetare, goals=[GOAL])

    result = run_on(FIRST_DAY)

    assert result == {"due": 0, "notified": 0}
    assert reminders() == []


# --- The first value as the baseline -------------------------------------------------------------


def progress(*, spec=CATALOGUE[Metric.FOLLOWERS.value], points, today=datetime.date(2027, 6, 10)):
    with translation.override("en"):
        return goal_progress(
            spec=spec,
            baseline=None,
            first_measured_on=FIRST_DAY,
            target=Decimal("2000"),
            deadline=datetime.date(2027, 12, 31),
            points=[(day, Decimal(value)) for day, value in points],
            today=today,
        )


def test_goal_progress_first_measured_takes_the_first_value_from_the_day_as_baseline():
    points = [(datetime.date(2027, 3, 20), "900"), (FIRST_DAY, "1000"), (datetime.date(2027, 6, 1), "1500")]

    result = progress(points=points)

    assert (result.baseline, result.latest, result.share) == (Decimal("1000"), Decimal("1500"), Decimal("0.5"))
    assert result.status != Status.NO_DATA


def test_goal_progress_first_measured_before_any_value_from_the_day_has_no_data():
    result = progress(points=[(datetime.date(2027, 3, 20), "900")])

    assert (result.status, result.baseline) == (Status.NO_DATA, None)
    assert result.reason == "Measured for the first time on April 1, 2027."


def test_goal_progress_first_measured_count_takes_the_first_complete_month_from_the_day():
    points = [
        (datetime.date(2027, 3, 31), "50"),
        (datetime.date(2027, 4, 2), "300"),
        (datetime.date(2027, 5, 2), "400"),
    ]

    result = progress(spec=CATALOGUE[Metric.VISITS.value], points=points)

    assert (result.baseline, result.latest) == (Decimal("300"), Decimal("400"))


def test_measuring_page_shows_the_first_value_as_the_baseline_once_measured(client, org, channel):
    client.force_login(org.medarbetare)
    waiting = client.get(reverse("metrics:channel", args=[channel.pk])).context["goals"][0]
    measure(channel, org.medarbetare, FIRST_DAY, "1200")
    measure(channel, org.medarbetare, datetime.date(2027, 5, 1), "1500")

    with on(datetime.date(2027, 5, 2)):
        client.force_login(org.medarbetare)  # a new session: the first one has expired by then
        measured = client.get(reverse("metrics:channel", args=[channel.pk])).context["goals"][0]

    assert (waiting["progress"].status, waiting["latest"]) == (Status.NO_DATA, "–")
    assert "2027" in waiting["baseline"]
    assert (measured["baseline"], measured["latest"]) == ("1\xa0200", "1\xa0500")
    assert measured["progress"].baseline == Decimal("1200")


# --- A revision after the day --------------------------------------------------------------------


def plan_of(channel) -> Plan:
    return Plan.objects.get(channel=channel, status=PlanStatus.GODKAND)


def goal_start(plan: Plan) -> list[tuple]:
    return list(plan.goals.values_list("baseline", "first_measured_on"))


def test_revision_after_the_first_measurement_starts_the_goal_from_the_value_measured_then(org, channel):
    measure(channel, org.medarbetare, datetime.date(2027, 4, 3), "1200")
    measure(channel, org.medarbetare, datetime.date(2027, 5, 1), "1500")

    with on(datetime.date(2027, 6, 1)):
        draft = revise(plan_of(channel).pk, actor=org.medarbetare)
        submitted = transition(draft.pk, Action.SUBMIT, actor=org.medarbetare)

    assert goal_start(draft) == [(Decimal("1200"), None)]
    assert goal_start(plan_of(channel)) == [(None, FIRST_DAY)]  # the approved version is as it was
    assert submitted.status == PlanStatus.HOS_CHEF


def test_revision_after_the_day_without_a_measurement_keeps_the_day_and_submitting_asks_for_the_value(org, channel):
    with on(datetime.date(2027, 6, 1)):
        draft = revise(plan_of(channel).pk, actor=org.medarbetare)
        with pytest.raises(Incomplete) as refused:
            transition(draft.pk, Action.SUBMIT, actor=org.medarbetare)

    goal = draft.goals.get()
    assert goal_start(draft) == [(None, FIRST_DAY)]
    assert refused.value.errors == {
        f"goal-{goal.pk}-first_measured_on": [
            gettext("This day has passed: enter the value measured then as the baseline.")
        ]
    }


def test_revision_before_the_day_keeps_the_day_without_asking_the_measurements(org, channel, monkeypatch):
    asked = []
    monkeypatch.setattr(plan_hooks, "_source", lambda *args: asked.append(args) or [None])

    with on(datetime.date(2027, 3, 20)):
        draft = revise(plan_of(channel).pk, actor=org.medarbetare)

    assert (goal_start(draft), asked) == ([(None, FIRST_DAY)], [])


def test_revision_on_the_day_measured_that_morning_starts_from_that_value(org, channel):
    measure(channel, org.medarbetare, FIRST_DAY, "1234")

    with on(FIRST_DAY):
        draft = revise(plan_of(channel).pk, actor=org.medarbetare)

    assert goal_start(draft) == [(Decimal("1234"), None)]
