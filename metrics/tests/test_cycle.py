"""Where a channel stands in the SMILEY cycle (metrics.domain.cycle): the eight steps of a channel
at each stage of its life, the rules' edges, the section's three queries, and the section on the
channel's page (the latest evaluations, the button for whoever may evaluate, and nothing for
another unit's staff, to whom the page is a 404).

The clock is `measuring_day` (15 March 2027): a value counts for step 7 from 1 February 2027, and
an evaluation for step 8 from 15 March 2026. Texts are compared in English."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from accounts.enums import Role
from accounts.queries import is_overseer
from accounts.tests.factories import make_user
from channel_register.models import Channel
from channel_register.tests.channel_factories import (
    active_channel,
    planned_channel_ready,
    supervision_secured,
)
from channel_register.tests.channel_life import channel_in
from channel_register.views.common import UNIT_CHAIN
from kob_social.history import update_with_history
from metrics.domain.cycle import LATEST_EVALUATIONS, channel_cycle, channel_page_section, cycle_steps
from metrics.domain.duties import due_on
from metrics.enums import Conclusion, EvaluationStatus, Source
from metrics.models import Evaluation, Measurement
from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action, Metric
from plans.models import Goal, Plan
from plans.tests.factories import submitted_plan
from plans.tests.view_helpers import page, section, table_rows

from .factories import measured_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day")]

TODAY = datetime.date(2027, 3, 15)
STOCKHOLM_NOON = datetime.time(12, tzinfo=timezone.get_default_timezone())


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def at_noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, STOCKHOLM_NOON)


def measure(channel, on: datetime.date, person) -> Measurement:
    return Measurement.objects.create(
        channel=channel,
        metric=Metric.FOLLOWERS,
        on=on,
        value=Decimal(1500),
        source=Source.MANUAL,
        recorded_by=person,
        recorded_at=timezone.now(),
    )


def evaluation(channel, author, *, completed_on: datetime.date | None, **fields) -> Evaluation:
    """A completed evaluation (a draft when `completed_on` is None), made directly."""
    done = completed_on is not None
    return Evaluation.objects.create(
        channel=channel,
        plan=channel.plans.order_by("-version_number").first(),
        author=author,
        status=EvaluationStatus.DONE if done else EvaluationStatus.DRAFT,
        conclusion=fields.pop("conclusion", Conclusion.CONTINUE if done else ""),
        completed_at=at_noon(completed_on) if done else None,
        completed_by=author if done else None,
        **fields,
    )


def done(steps) -> list[int]:
    return [step.number for step in steps if step.done]


def reasons(steps) -> dict[int, str]:
    return {step.number: step.reason for step in steps}


# --- A channel at each stage ----------------------------------------------------------------------


def test_cycle_of_planned_channel_with_returned_plan_without_tools(org):
    plan = submitted_plan(org.medarbetare, tools="")
    transition(plan.pk, Action.RETURN, actor=org.chef, comment="Beskriv verktygen.")

    cycle = channel_cycle(plan.channel, today=TODAY)

    assert done(cycle.steps) == [1, 2]
    assert reasons(cycle.steps) == {
        1: "The plan states its purpose and has at least one goal.",
        2: "The plan chooses Facebook and names its target groups.",
        3: "The plan does not name the tools for publishing and measuring.",
        4: "No agreement on hours has been confirmed by both the owner and the manager.",
        5: "No version of the plan has been approved yet.",
        6: "The channel has not gone live yet.",
        7: "No value has been stored for the channel yet.",
        8: "The channel has not been evaluated yet.",
    }
    assert (cycle.next_step.number, cycle.summary) == (3, "Next step: 3. Evaluate tools.")


def test_cycle_of_channel_with_steps_one_to_four_waiting_for_approval(org):
    channel = submitted_plan(org.medarbetare).channel
    supervision_secured(channel, org.chef)

    cycle = channel_cycle(channel, today=TODAY)

    assert done(cycle.steps) == [1, 2, 3, 4]
    assert reasons(cycle.steps)[4] == (
        "The plan sets 4 hours a week, and the owner and the manager have confirmed an agreement."
    )
    assert reasons(cycle.steps)[5] == "The plan is waiting for a decision: no version has been approved yet."
    assert cycle.summary == "Next step: 5. Obtain approval."


def test_cycle_of_approved_channel_not_live(org):
    channel = planned_channel_ready(org)

    cycle = channel_cycle(channel, today=TODAY)

    assert done(cycle.steps) == [1, 2, 3, 4, 5]
    assert reasons(cycle.steps)[5] == "Version 1 of the plan has been approved."
    assert cycle.summary == "Next step: 6. Go live."


def test_cycle_of_live_channel_without_measurements(org):
    channel = active_channel(org)

    cycle = channel_cycle(channel, today=TODAY)

    assert done(cycle.steps) == [1, 2, 3, 4, 5, 6]
    assert reasons(cycle.steps)[6] == "The channel is active."
    assert cycle.summary == "Next step: 7. Execute and measure."


def test_cycle_of_channel_measured_on_first_day_of_previous_month(org):
    channel = measured_channel(org)
    measure(channel, datetime.date(2027, 2, 1), org.medarbetare)

    cycle = channel_cycle(channel, today=TODAY)

    assert done(cycle.steps) == [1, 2, 3, 4, 5, 6, 7]
    assert reasons(cycle.steps)[7] == "The latest value stored is from 1 February 2027."
    assert cycle.summary == "Next step: 8. Evaluate goal fulfilment."


def test_cycle_of_channel_last_measured_before_previous_month(org):
    channel = measured_channel(org)
    measure(channel, datetime.date(2027, 1, 31), org.medarbetare)

    steps = cycle_steps(channel, today=TODAY)

    assert done(steps) == [1, 2, 3, 4, 5, 6]
    assert reasons(steps)[7] == "No value has been stored since 1 February 2027: the latest is from 31 January 2027."


def test_cycle_of_channel_evaluated_364_days_ago_complete(org):
    channel = measured_channel(org)
    measure(channel, datetime.date(2027, 3, 1), org.medarbetare)
    evaluation(channel, org.medarbetare, completed_on=datetime.date(2026, 3, 16))

    cycle = channel_cycle(channel, today=TODAY)

    assert done(cycle.steps) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert reasons(cycle.steps)[8] == "The channel was evaluated on 16 March 2026."
    assert (cycle.next_step, cycle.summary) == (
        None,
        "Every step is done: the cycle starts again at step 1 after the next evaluation.",
    )


def test_cycle_of_channel_evaluated_365_days_ago_not_evaluated_as_the_duty_falls_due(org):
    channel = measured_channel(org)
    measure(channel, datetime.date(2027, 3, 1), org.medarbetare)
    evaluation(channel, org.medarbetare, completed_on=datetime.date(2026, 3, 15))
    evaluation(channel, org.medarbetare, completed_on=None)  # a draft counts for nothing

    cycle = channel_cycle(channel, today=TODAY)

    assert done(cycle.steps) == [1, 2, 3, 4, 5, 6, 7]
    assert reasons(cycle.steps)[8] == "The latest evaluation was completed on 15 March 2026, a year ago or more."
    assert due_on(datetime.datetime(2026, 3, 15, 12, tzinfo=datetime.UTC), None) == TODAY


def test_cycle_of_closed_channel_has_ended(org):
    channel = channel_in(org, "avslutad")

    cycle = channel_cycle(channel, today=TODAY)

    assert done(cycle.steps) == [1, 2, 3, 4, 5]
    assert reasons(cycle.steps)[6] == "The channel has been closed."
    assert (cycle.closed, cycle.next_step, cycle.summary) == (True, None, "The channel is closed: its cycle has ended.")


# --- The rules' edges ------------------------------------------------------------------------------


def test_cycle_goal_of_blanks_counts_for_nothing(org):
    channel = active_channel(org)
    update_with_history(Goal.objects.filter(plan__channel=channel), description="   ")

    steps = cycle_steps(channel, today=TODAY)

    assert (steps[0].done, steps[0].reason) == (False, "The plan has no goal with a description.")


def test_cycle_reads_newest_version_of_plan(org):
    channel = active_channel(org)
    draft = revise(channel.plans.get().pk, actor=org.medarbetare)
    update_with_history(Plan.objects.filter(pk=draft.pk), tools="")

    steps = cycle_steps(channel, today=TODAY)

    assert [step.done for step in steps[:5]] == [True, True, False, True, True]


def test_cycle_skips_withdrawn_version_of_plan(org):
    channel = active_channel(org)
    draft = revise(channel.plans.get().pk, actor=org.medarbetare)
    transition(draft.pk, Action.SUBMIT, actor=org.medarbetare)
    update_with_history(Plan.objects.filter(pk=draft.pk), tools="")
    transition(draft.pk, Action.WITHDRAW, actor=org.medarbetare)

    steps = cycle_steps(channel, today=TODAY)

    assert [step.done for step in steps[:5]] == [True, True, True, True, True]


def test_cycle_agreement_confirmed_by_one_only_does_not_count(org):
    channel = submitted_plan(org.medarbetare).channel
    monitor = supervision_secured(channel, org.chef)
    update_with_history(channel.agreements.filter(owner=monitor), owner_confirmed_at=None)

    steps = cycle_steps(channel, today=TODAY)

    assert (steps[3].done, steps[3].reason) == (
        False,
        "No agreement on hours has been confirmed by both the owner and the manager.",
    )


def test_cycle_paused_channel_is_not_live(org):
    channel = channel_in(org, "pausad")

    steps = cycle_steps(channel, today=TODAY)

    assert (steps[5].done, steps[5].reason) == (False, "The channel is paused.")


# --- The section: three queries ------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 7])
def test_channel_page_section_three_queries_whatever_history(org, django_assert_num_queries, n):
    channel = measured_channel(org)
    for i in range(n):
        measure(channel, TODAY - datetime.timedelta(days=i), org.medarbetare)
        evaluation(channel, org.medarbetare, completed_on=TODAY - datetime.timedelta(days=i))
    # As the channel's page reads it: the unit's chef chain joined, for the rule.
    channel = Channel.objects.select_related(*UNIT_CHAIN).get(pk=channel.pk)
    request = RequestFactory().get("/")
    request.user = org.medarbetare
    is_overseer(request.user)  # the page's frame has read the person's roles already

    with django_assert_num_queries(3):
        context = channel_page_section(request, channel)

    assert len(context["evaluations"]) == min(n, LATEST_EVALUATIONS)
    assert [step.done for step in context["cycle"].steps] == [True] * 8


# --- The section on the channel's page -----------------------------------------------------------


@pytest.fixture
def en_client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def cycle_section(response):
    return section(page(response), "cycle-heading")


def test_channel_page_lists_newest_five_evaluations_draft_first(en_client, org):
    channel = measured_channel(org)
    for day in range(1, 7):
        evaluation(channel, org.medarbetare, completed_on=datetime.date(2027, 1, day))
    draft = evaluation(channel, org.chef, completed_on=None)
    en_client.force_login(org.medarbetare)

    response = en_client.get(reverse("channel_register:detail", args=[channel.pk]))

    rows = table_rows(cycle_section(response))
    assert [" ".join(row.text().split()) for row in rows] == [
        "Draft Karin Sjöström –",
        "6 Jan 2027 Maja Lindqvist Continue as planned",
        "5 Jan 2027 Maja Lindqvist Continue as planned",
        "4 Jan 2027 Maja Lindqvist Continue as planned",
        "3 Jan 2027 Maja Lindqvist Continue as planned",
    ]
    assert rows[0].find("a").attrs["href"] == reverse("metrics:evaluation", args=[draft.pk])


def test_channel_page_shows_steps_and_contents_entry(en_client, org):
    channel = active_channel(org)
    en_client.force_login(org.chef)

    response = en_client.get(reverse("channel_register:detail", args=[channel.pk]))

    document = page(response)
    steps = section(document, "cycle-heading").find("ol", class_="cycle-steps").find_all("li")
    assert [" ".join(step.find("span", class_="cycle-step__state").text().split()) for step in steps] == [
        *["Done"] * 6,
        "Not done · Next step",
        "Not done",
    ]
    assert document.find("a", href="#cycle-heading").text() == "Where the channel stands"


def evaluate_button(response) -> str | None:
    forms = cycle_section(response).find_all("form")
    if not forms:
        return None
    (form,) = forms
    assert form.attrs["method"] == "post"
    assert len(form.find_all("input", name="csrfmiddlewaretoken")) == 1
    return f"{form.attrs['action']} {form.find('button').text()}"


def test_channel_page_offers_owner_to_evaluate(en_client, org):
    channel = measured_channel(org)
    en_client.force_login(org.medarbetare)

    response = en_client.get(reverse("channel_register:detail", args=[channel.pk]))

    start = reverse("metrics:evaluation_start", args=[channel.pk])
    assert evaluate_button(response) == f"{start} Evaluate the channel"


def test_channel_page_offers_to_continue_draft_evaluation(en_client, org):
    channel = measured_channel(org)
    evaluation(channel, org.medarbetare, completed_on=None)
    en_client.force_login(org.chef)

    response = en_client.get(reverse("channel_register:detail", args=[channel.pk]))

    start = reverse("metrics:evaluation_start", args=[channel.pk])
    assert evaluate_button(response) == f"{start} Continue the evaluation"


def test_channel_page_no_button_for_colleague_who_may_not_evaluate(en_client, org):
    channel = measured_channel(org)
    evaluation(channel, org.medarbetare, completed_on=datetime.date(2027, 1, 10))
    colleague = make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Kim Kollega")
    en_client.force_login(colleague)

    response = en_client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert (evaluate_button(response), len(table_rows(cycle_section(response)))) == (None, 1)


def test_channel_page_no_button_for_closed_channel(en_client, org):
    channel = channel_in(org, "avslutad")
    en_client.force_login(org.chef)

    response = en_client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert evaluate_button(response) is None


def test_channel_page_of_another_unit_not_found(en_client, org):
    channel = measured_channel(org)
    evaluation(channel, org.medarbetare, completed_on=datetime.date(2027, 1, 10))
    en_client.force_login(org.medarbetare2)

    response = en_client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert (response.status_code, b"cycle-heading" in response.content) == (404, False)
