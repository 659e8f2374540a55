"""Where a goal starts from (issue 19, item 2): a plan is submitted only when each goal has exactly
one of a baseline and the day it is first measured, that day from today and by the deadline.
Through the domain (transition) and through the plan form; the day on the plan page and in the
signed PDF's snapshot, which keeps the old shape for goals with a baseline.

Messages are compared with their msgid through gettext: the Swedish catalogue is merged apart.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from channel_register.tests.channel_factories import approved_plan, trained
from kob_social.errors import Incomplete
from kob_social.history import update_with_history
from plans.domain.archive import build_snapshot
from plans.domain.transitions import transition
from plans.enums import Action, Metric, PlanStatus
from plans.models import Goal, Plan

from .factories import GOAL, complete_plan, plan_content
from .test_pdf import pdftotext, signed_pdf, squash
from .test_plan_form import form_data
from .view_helpers import page

pytestmark = pytest.mark.django_db

NEITHER = "Enter a baseline, or when it is measured for the first time."
BOTH = "Enter either a baseline or when it is measured for the first time, not both."
PASSED = "This day has passed: enter the value measured then as the baseline."
AFTER_DEADLINE = "Measure for the first time on or before the deadline."
SOMETHING_ELSE = "A goal measured as something else needs a baseline."


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def first_measured_goal(**overrides) -> dict:
    """A goal without a baseline, measured for the first time in a month, due in a year."""
    return {**GOAL, "baseline": None, "first_measured_on": in_days(30), "deadline": in_days(365), **overrides}


def submit(plan: Plan, actor) -> Plan:
    return transition(plan.pk, Action.SUBMIT, actor=actor, expected_revision=plan.revision)


@pytest.fixture(autouse=True)
def trained_staff(org):
    trained(org.medarbetare, completed_on=datetime.date(2025, 1, 1), valid_until=None)


# --- The rule, through the domain -----------------------------------------------------------------


def test_submit_goal_without_baseline_or_first_measurement_incomplete(org):
    plan = complete_plan(org.medarbetare, goals=[{**GOAL, "baseline": None}])
    goal = Goal.objects.get(plan=plan)

    with pytest.raises(Incomplete) as refused:
        submit(plan, org.medarbetare)

    assert refused.value.errors == {f"goal-{goal.pk}-baseline": [gettext(NEITHER)]}
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.UTKAST


def test_submit_goal_with_first_measurement_day_accepted(org):
    plan = complete_plan(org.medarbetare, goals=[first_measured_goal()])

    submitted = submit(plan, org.medarbetare)

    assert submitted.status == PlanStatus.HOS_CHEF
    assert list(submitted.goals.values_list("baseline", "first_measured_on")) == [(None, in_days(30))]


def test_submit_goal_with_baseline_accepted(org):
    plan = complete_plan(org.medarbetare, goals=[{**GOAL, "deadline": in_days(365)}])

    assert submit(plan, org.medarbetare).status == PlanStatus.HOS_CHEF


def test_submit_goal_first_measured_today_and_on_the_deadline_accepted(org):
    goals = [first_measured_goal(first_measured_on=in_days(0)), first_measured_goal(first_measured_on=in_days(365))]
    plan = complete_plan(org.medarbetare, goals=goals)

    assert submit(plan, org.medarbetare).status == PlanStatus.HOS_CHEF


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"baseline": Decimal("1200")}, "first_measured_on", BOTH),
        ({"first_measured_on": "yesterday"}, "first_measured_on", PASSED),
        ({"first_measured_on": "after the deadline"}, "first_measured_on", AFTER_DEADLINE),
        ({"metric": Metric.OTHER}, "baseline", SOMETHING_ELSE),
    ],
    ids=["both", "past", "after-deadline", "something-else"],
)
def test_submit_goal_with_wrong_first_measurement_incomplete(org, overrides, field, message):
    days = {"yesterday": in_days(-1), "after the deadline": in_days(366)}
    overrides = {key: days.get(value, value) if isinstance(value, str) else value for key, value in overrides.items()}
    plan = complete_plan(org.medarbetare, goals=[first_measured_goal(**overrides)])
    goal = Goal.objects.get(plan=plan)

    with pytest.raises(Incomplete) as refused:
        submit(plan, org.medarbetare)

    assert refused.value.errors == {f"goal-{goal.pk}-{field}": [gettext(message)]}
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.UTKAST


def test_approved_plan_with_goal_stored_without_baseline_stays_in_force(client, org):
    plan = approved_plan(org)
    # Stored before the rule: an approved plan is not changed, nor invalidated.
    update_with_history(Goal.objects.filter(plan=plan), baseline=None)
    client.force_login(org.medarbetare)

    response = client.get(plan.get_absolute_url())

    assert response.status_code == 200
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.GODKAND
    assert list(Goal.objects.filter(plan=plan).values_list("baseline", "first_measured_on")) == [(None, None)]


# --- The rule, through the plan form -------------------------------------------------------------


def form_goal(**overrides) -> dict:
    goal = first_measured_goal(**overrides)
    return {
        key: "" if value is None else value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in goal.items()
    }


def test_plan_form_submit_goal_with_first_measurement_day_submits(client, org):
    client.force_login(org.medarbetare)
    data = form_data(plan_content(org.library, org.medarbetare), [form_goal()], button="skicka_in")

    response = client.post(reverse("plans:create"), data)

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert plan.status == PlanStatus.HOS_CHEF
    assert list(plan.goals.values_list("baseline", "first_measured_on")) == [(None, in_days(30))]


def test_plan_form_submit_goal_without_baseline_or_day_marks_the_baseline(client, org):
    client.force_login(org.medarbetare)
    data = form_data(
        plan_content(org.library, org.medarbetare), [form_goal(first_measured_on=None)], button="skicka_in"
    )

    response = client.post(reverse("plans:create"), data)

    plan = Plan.objects.get()
    assert response.status_code == 200
    assert plan.status == PlanStatus.UTKAST
    goal = plan.goals.get()
    assert response.context["errors"] == {f"goal-{goal.pk}-baseline": [gettext(NEITHER)]}
    document = page(response)
    marked = [name for name in ("baseline", "first_measured_on") if document.find_all(id=f"id_goals-0-{name}_error")]
    assert marked == ["baseline"]


# --- Where the day is shown ----------------------------------------------------------------------


def test_plan_page_shows_the_first_measurement_day_where_the_baseline_is(client, org):
    plan = complete_plan(org.medarbetare, goals=[first_measured_goal(first_measured_on=datetime.date(2031, 3, 2))])
    client.force_login(org.medarbetare)

    response = client.get(plan.get_absolute_url())

    goals = page(response).find(aria_labelledby="plan-goals-heading")
    cells = [cell.text() for cell in goals.find_all("td")]
    assert response.status_code == 200
    assert cells[2] == gettext("Measured for the first time on %(day)s") % {
        "day": date_format(datetime.date(2031, 3, 2))
    }


def test_snapshot_holds_the_first_measurement_day_only_when_set(org):
    goals = [first_measured_goal(first_measured_on=in_days(10)), {**GOAL, "deadline": in_days(365)}]
    plan = complete_plan(org.medarbetare, goals=goals)

    snapshot = build_snapshot(plan)

    assert [goal.get("first_measured_on") for goal in snapshot["goals"]] == [in_days(10).isoformat(), None]
    assert [goal["baseline"] for goal in snapshot["goals"]] == ["", "1\xa0200"]
    assert sorted(snapshot["goals"][1]) == ["baseline", "deadline", "description", "metric", "target"]


def test_signed_plan_pdf_shows_the_first_measurement_day_in_the_goal_table(org):
    plan = approved_plan(org, goals=[first_measured_goal(first_measured_on=in_days(10))])

    text = squash(pdftotext(signed_pdf(plan), "-raw"))

    assert plan.signed.snapshot["goals"][0]["first_measured_on"] == in_days(10).isoformat()
    assert in_days(10).isoformat() in text
