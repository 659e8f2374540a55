"""What a person may write in a plan, a closure request and a decision (issue 11, findings 1 and
9): every free-text field has a maximum length, numbers and dates have sane ranges, and each
limit holds at the form (a Swedish message at the field, `maxlength` on the textarea), in the
model (full_clean), in the domain's save path (content that did not come through a form) and
at submission (a value stored before the limits existed cannot travel the chain).

The limits are written out here as numbers: they are the product's decision that these tests
pin (3000 characters for an answer of the plan or of a closure analysis, 2000 for a comment).
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import ANALYSIS, active_channel, trained
from kob_social.errors import Incomplete
from kob_social.history import update_with_history
from plans.domain import closures
from plans.domain.drafts import create_draft, save_draft
from plans.domain.transitions import transition
from plans.domain.validation import submission_errors
from plans.enums import Action, PlanStatus
from plans.forms import PlanForm
from plans.models import ClosureRequest, Decision, Goal, Plan

from .factories import GOAL, complete_plan, plan_content
from .test_plan_form import form_data
from .view_helpers import page, snapshot

pytestmark = pytest.mark.django_db

ANSWERS = [
    "purpose",
    "activities",
    "supervision",
    "target_groups",
    "case_routine",
    "personal_data_note",
    "accessibility_routine",
    "channel_information",
    "tools",
]
ANSWER_LIMIT = 3000
COMMENT_LIMIT = 2000


def too_long(limit: int) -> str:
    return "å" * (limit + 1)


def ten_years_from_today() -> datetime.date:
    today = timezone.localdate()
    try:
        return today.replace(year=today.year + 10)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 10, day=28)


def post_edit(client, plan: Plan, goals=(GOAL,), **overrides):
    data = form_data(plan_content(plan.unit, plan.responsible, **overrides), list(goals), revision=plan.revision)
    return client.post(reverse("plans:edit", args=[plan.pk]), data)


def field_errors(response) -> dict:
    return dict(response.context["form"].errors)


def goal_errors(response) -> list[dict]:
    return [dict(form.errors) for form in response.context["goals"].forms]


# --- Finding 1: the 100,000-character draft -------------------------------------------------------


def test_plan_edit_100000_character_purpose_refused_at_field_nothing_saved(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    before = snapshot()

    response = post_edit(client, plan, purpose="x" * 100_000)

    assert response.status_code == 200
    assert field_errors(response) == {"purpose": ["Skriv högst 3000 tecken (nu är det 100000)."]}
    assert len(page(response).find_all("ul", id="id_purpose_error")) == 1
    assert snapshot() == before


def test_save_draft_100000_character_purpose_incomplete_nothing_saved(org):
    plan = complete_plan(org.medarbetare)
    before = snapshot()

    with pytest.raises(Incomplete) as refused:
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content=plan_content(org.library, org.medarbetare, purpose="x" * 100_000),
            goals=[GOAL],
        )

    assert list(refused.value.errors) == ["purpose"]
    assert snapshot() == before


@pytest.mark.parametrize("field", ANSWERS)
def test_plan_edit_answer_one_over_limit_refused_at_field_nothing_saved(client, org, field):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    before = snapshot()

    response = post_edit(client, plan, **{field: too_long(ANSWER_LIMIT)})

    assert response.status_code == 200
    assert list(field_errors(response)) == [field]
    assert snapshot() == before


def test_plan_create_answer_over_limit_refused_nothing_created(client, org):
    trained(org.medarbetare)  # may be named in the plan (queries.plan_people)
    client.force_login(org.medarbetare)
    data = form_data(plan_content(org.library, org.medarbetare, activities=too_long(ANSWER_LIMIT)), [GOAL])

    response = client.post(reverse("plans:create"), data)

    assert response.status_code == 200
    assert list(field_errors(response)) == ["activities"]
    assert Plan.objects.count() == 0


def test_create_draft_answer_over_limit_incomplete_nothing_created(org):
    content = plan_content(org.library, org.medarbetare, channel_information=too_long(ANSWER_LIMIT))

    with pytest.raises(Incomplete) as refused:
        create_draft(author=org.medarbetare, content=content, goals=[GOAL])

    assert list(refused.value.errors) == ["channel_information"]
    assert Plan.objects.count() == 0


def test_plan_form_textareas_carry_maxlength(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)

    document = page(client.get(reverse("plans:edit", args=[plan.pk])))

    textareas = {element.attrs["name"]: element.attrs.get("maxlength") for element in document.find_all("textarea")}
    assert textareas == {name: str(ANSWER_LIMIT) for name in ANSWERS}


@pytest.mark.parametrize(("model", "field"), [*((Plan, name) for name in ANSWERS), (Decision, "comment")])
def test_model_full_clean_text_over_limit_refused_at_field(org, model, field):
    limit = COMMENT_LIMIT if model is Decision else ANSWER_LIMIT
    row = model(**{field: too_long(limit)})

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.message_dict[field] == [f"Skriv högst {limit} tecken (nu är det {limit + 1})."]


# --- Finding 9: numbers and dates -----------------------------------------------------------------


@pytest.mark.parametrize("hours", ["-1", "-0.5", "40.5", "999.9"])
def test_plan_edit_working_hours_out_of_range_refused_at_field(client, org, hours):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    before = snapshot()

    response = post_edit(client, plan, working_hours_per_week=hours)

    assert response.status_code == 200
    assert field_errors(response) == {
        "working_hours_per_week": ["Arbetstiden ska vara från 0 till 40 timmar per vecka."]
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("count", "message"),
    [("0", "Kanalen måste uppdateras minst en gång per period."), ("101", "Högst 100 uppdateringar per period.")],
)
def test_plan_edit_update_count_out_of_range_refused_at_field(client, org, count, message):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    before = snapshot()

    response = post_edit(client, plan, update_count=count)

    assert field_errors(response) == {"update_count": [message]}
    assert snapshot() == before


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31", "tomorrow"])
def test_plan_edit_terms_reviewed_on_out_of_range_refused_at_field(client, org, day):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    if day == "tomorrow":
        day = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    before = snapshot()

    response = post_edit(client, plan, terms_reviewed_on=day)

    assert field_errors(response) == {"terms_reviewed_on": ["Välj ett datum från 2000-01-01 till i dag."]}
    assert snapshot() == before


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31", "9999-12-31", "ten years and a day"])
def test_plan_edit_goal_deadline_out_of_range_refused_at_field(client, org, day):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    if day == "ten years and a day":
        day = (ten_years_from_today() + datetime.timedelta(days=1)).isoformat()
    before = snapshot()

    response = post_edit(client, plan, goals=[{**GOAL, "deadline": day}])

    assert response.status_code == 200
    assert goal_errors(response) == [{"deadline": [f"Välj ett datum från 2000-01-01 till {ten_years_from_today()}."]}]
    assert snapshot() == before


@pytest.mark.parametrize("field", ["baseline", "target"])
def test_plan_edit_goal_negative_value_refused_at_field(client, org, field):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    before = snapshot()

    response = post_edit(client, plan, goals=[{**GOAL, field: "-1"}])

    assert goal_errors(response) == [{field: ["Värdet kan inte vara negativt."]}]
    assert snapshot() == before


def test_create_draft_negative_working_hours_incomplete_nothing_created(org):
    content = plan_content(org.library, org.medarbetare, working_hours_per_week=Decimal("-1"))

    with pytest.raises(Incomplete) as refused:
        create_draft(author=org.medarbetare, content=content, goals=[GOAL])

    assert list(refused.value.errors) == ["working_hours_per_week"]
    assert Plan.objects.count() == 0


def test_save_draft_goal_deadline_year_9999_incomplete_nothing_saved(org):
    plan = complete_plan(org.medarbetare)
    before = snapshot()

    with pytest.raises(Incomplete) as refused:
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content=plan_content(org.library, org.medarbetare),
            goals=[{**GOAL, "deadline": datetime.date(9999, 12, 31)}],
        )

    assert list(refused.value.errors) == ["goals-0-deadline"]
    assert snapshot() == before


# --- The boundary: a plan at exactly every limit --------------------------------------------------


def test_plan_edit_every_value_at_its_limit_saved_and_submittable(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    today, last = timezone.localdate(), ten_years_from_today()
    at_limits = dict.fromkeys(ANSWERS, "ä" * ANSWER_LIMIT)
    goal = {**GOAL, "baseline": "0", "target": "0", "deadline": last.isoformat()}
    first = {**GOAL, "deadline": "2000-01-01"}

    response = post_edit(
        client,
        plan,
        goals=[goal, first],
        working_hours_per_week="40",
        update_count="100",
        terms_reviewed_on=today.isoformat(),
        **at_limits,
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert {name: getattr(plan, name) for name in ANSWERS} == at_limits
    assert (plan.working_hours_per_week, plan.update_count, plan.terms_reviewed_on) == (Decimal("40"), 100, today)
    assert list(plan.goals.values_list("baseline", "target", "deadline")) == [
        (Decimal("0"), Decimal("0"), last),
        (GOAL["baseline"], GOAL["target"], datetime.date(2000, 1, 1)),
    ]
    assert submission_errors(plan) == {}


def test_plan_edit_zero_working_hours_saved(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)

    response = post_edit(client, plan, working_hours_per_week="0")

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.working_hours_per_week == Decimal("0")


# --- How many goals ------------------------------------------------------------------------------


def test_plan_edit_more_goals_than_allowed_refused_nothing_saved(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    before = snapshot()

    response = post_edit(client, plan, goals=[GOAL] * 21)

    assert response.status_code == 200
    assert list(response.context["goals"].non_form_errors()) == ["En plan har högst 20 mål."]
    assert "En plan har högst 20 mål." in page(response).find(class_="error-summary").text()
    assert snapshot() == before


def test_plan_edit_as_many_goals_as_allowed_saved(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)

    response = post_edit(client, plan, goals=[GOAL] * 20)

    assert response.status_code == 302
    assert plan.goals.count() == 20


def test_save_draft_more_goals_than_allowed_incomplete_nothing_saved(org):
    plan = complete_plan(org.medarbetare)
    before = snapshot()

    with pytest.raises(Incomplete) as refused:
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content=plan_content(plan.unit, plan.responsible),
            goals=[GOAL] * 21,
        )

    assert refused.value.errors == {"goals": ["En plan har högst 20 mål."]}
    assert snapshot() == before


# --- A value stored before the limits cannot travel the chain -------------------------------------


def test_submit_plan_with_stored_out_of_range_values_incomplete_at_fields(org):
    plan = complete_plan(org.medarbetare)
    update_with_history(
        Plan.objects.filter(pk=plan.pk),
        working_hours_per_week=Decimal("-1"),
        update_count=0,
        purpose=too_long(ANSWER_LIMIT),
        terms_reviewed_on=datetime.date(9999, 12, 31),
    )
    goal = plan.goals.get()
    update_with_history(Goal.objects.filter(pk=goal.pk), deadline=datetime.date(1, 1, 1), baseline=Decimal("-5"))
    before = snapshot()

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert sorted(refused.value.errors) == sorted(
        [
            "working_hours_per_week",
            "update_count",
            "purpose",
            "terms_reviewed_on",
            f"goal-{goal.pk}-deadline",
            f"goal-{goal.pk}-baseline",
        ]
    )
    assert refused.value.errors["working_hours_per_week"] == ["Arbetstiden ska vara från 0 till 40 timmar per vecka."]
    assert snapshot() == before


def test_plan_edit_check_shows_stored_negative_hours_at_field(client, org):
    plan = complete_plan(org.medarbetare)
    update_with_history(Plan.objects.filter(pk=plan.pk), working_hours_per_week=Decimal("-1"))
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:edit", args=[plan.pk]) + "?kontrollera=1")

    assert response.context["form"].submit_errors == {
        "working_hours_per_week": ["Arbetstiden ska vara från 0 till 40 timmar per vecka."]
    }
    assert len(page(response).find_all("ul", id="id_working_hours_per_week_error")) == 1


# --- Decisions and closure requests ---------------------------------------------------------------


def test_approve_plan_with_stored_negative_hours_refused_nothing_decided(client, org):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    update_with_history(Plan.objects.filter(pk=plan.pk), working_hours_per_week=Decimal("-1"))
    client.force_login(org.chef)
    before = snapshot()

    response = client.post(
        reverse("plans:action", args=[plan.pk]), {"action": "godkann", "revision": plan.revision, "comment": ""}
    )

    with translation.override("sv"):
        label = str(Plan._meta.get_field("working_hours_per_week").verbose_name)
        expected = gettext(
            "It cannot be approved: it lacks what the rules require, or holds values that are not allowed "
            "(%(fields)s). Return it for changes instead."
        ) % {"fields": label}
    assert response.status_code == 400
    assert expected in page(response).find(class_="error-summary").text()
    assert snapshot() == before
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.HOS_CHEF


def test_return_plan_with_stored_negative_hours_still_possible(org):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    update_with_history(Plan.objects.filter(pk=plan.pk), working_hours_per_week=Decimal("-1"))

    returned = transition(plan.pk, Action.RETURN, actor=org.chef, comment="Arbetstiden kan inte vara negativ.")

    assert returned.status == PlanStatus.ATERSAND


def test_decision_comment_over_limit_refused_by_the_domain_nothing_decided(org):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    before = snapshot()

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.RETURN, actor=org.chef, comment=too_long(COMMENT_LIMIT))

    assert list(refused.value.errors) == ["comment"]
    assert snapshot() == before


def test_plan_action_comment_over_limit_400_nothing_decided(client, org):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    client.force_login(org.chef)
    before = snapshot()

    response = client.post(
        reverse("plans:action", args=[plan.pk]),
        {"action": "atersand", "revision": plan.revision, "comment": too_long(COMMENT_LIMIT)},
    )

    assert response.status_code == 400
    assert len(page(response).find_all("ul", id="id_comment_error")) == 1
    assert page(response).find("textarea", name="comment").attrs["maxlength"] == str(COMMENT_LIMIT)
    assert snapshot() == before


@pytest.fixture
def channel(org):
    """An active Länsbiblioteket channel owned by `medarbetare`."""
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


@pytest.mark.parametrize("field", ClosureRequest.ANALYSIS_FIELDS)
def test_closure_create_analysis_over_limit_refused_at_field_nothing_created(client, org, channel, field):
    client.force_login(org.medarbetare)

    response = client.post(
        reverse("closures:create", args=[channel.pk]), {**ANALYSIS, field: too_long(ANSWER_LIMIT), "spara": ""}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert page(response).find("textarea", name=field).attrs["maxlength"] == str(ANSWER_LIMIT)
    assert ClosureRequest.objects.count() == 0


def test_create_closure_request_analysis_over_limit_incomplete_nothing_created(org, channel):
    with pytest.raises(Incomplete) as refused:
        closures.create_closure_request(
            channel.pk, actor=org.medarbetare, analysis={**ANALYSIS, "reason": too_long(ANSWER_LIMIT)}
        )

    assert list(refused.value.errors) == ["reason"]
    assert ClosureRequest.objects.count() == 0


def test_save_closure_request_analysis_over_limit_incomplete_nothing_saved(org, channel):
    closure = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=ANALYSIS)

    with pytest.raises(Incomplete) as refused:
        closures.save_closure_request(
            closure.pk,
            actor=org.medarbetare,
            expected_revision=closure.revision,
            analysis={**ANALYSIS, "visitor_figures": too_long(ANSWER_LIMIT)},
        )

    closure.refresh_from_db()
    assert list(refused.value.errors) == ["visitor_figures"]
    assert (closure.revision, closure.visitor_figures) == (0, ANALYSIS["visitor_figures"])


def test_submit_closure_with_stored_over_limit_analysis_incomplete(org, channel):
    closure = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=ANALYSIS)
    update_with_history(ClosureRequest.objects.filter(pk=closure.pk), account_fate=too_long(ANSWER_LIMIT))

    with pytest.raises(Incomplete) as refused:
        closures.transition(closure.pk, Action.SUBMIT, actor=org.medarbetare)

    closure.refresh_from_db()
    assert list(refused.value.errors) == ["account_fate"]
    assert closure.status == PlanStatus.UTKAST


def test_plan_form_unbound_widgets_carry_number_and_date_bounds(org):
    form = PlanForm(user=org.medarbetare)

    attrs = {name: form.fields[name].widget.attrs for name in ("working_hours_per_week", "update_count")}
    assert (attrs["working_hours_per_week"]["min"], attrs["working_hours_per_week"]["max"]) == (0, 40)
    assert (attrs["update_count"]["min"], attrs["update_count"]["max"]) == (1, 100)
    assert form.fields["terms_reviewed_on"].widget.attrs["max"] == timezone.localdate().isoformat()
