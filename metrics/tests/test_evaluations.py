"""Writing an evaluation (domain.evaluations): a draft with the plan's goals and their results
copied in, saved as often as wanted, completed once with every part written, and its conclusion
carried out in the same transaction: a new plan version (revise) or a closure request (close)."""

import datetime
from decimal import Decimal

import pytest

from accounts.enums import Role
from accounts.tests.factories import make_user
from kob_social.errors import Conflict, Incomplete, NotAllowed
from metrics.domain.evaluations import (
    complete_evaluation,
    goal_key,
    save_evaluation,
    start_evaluation,
)
from metrics.domain.measurements import record_measurement
from metrics.enums import EVALUATION_TEXT_MAX_LENGTH, Conclusion, EvaluationStatus
from metrics.models import Evaluation, EvaluationGoal
from metrics.progress import Status
from plans.domain.drafts import revise
from plans.enums import PlanStatus
from plans.models import ClosureRequest, Plan

from .factories import measured_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day", "english")]

SINCE = datetime.date(2026, 1, 1)
FOLLOWERS = {
    "description": "More followers among young adults",
    "metric": "foljare",
    "baseline": Decimal("1000"),
    "target": Decimal("2000"),
    "deadline": datetime.date(2027, 12, 31),
}
VISITS = {
    "description": "More visits to the library's events",
    "metric": "besok",
    "baseline": Decimal("400"),
    "target": Decimal("600"),
    "deadline": datetime.date(2027, 12, 31),
}


@pytest.fixture
def channel(org):
    channel = measured_channel(org, since=SINCE, goals=[FOLLOWERS, VISITS])
    record_measurement(
        channel.pk, actor=org.medarbetare, metric="foljare", on=datetime.date(2027, 3, 1), value=Decimal("1500")
    )
    return channel


def answers_for(evaluation, **per_field) -> dict[str, str]:
    return {goal_key(goal, field): text for goal in evaluation.goals.all() for field, text in per_field.items()}


def written(evaluation, org, **extra) -> dict:
    """Everything completion needs: an answer per goal, the overall conclusion."""
    return {
        "actor": org.medarbetare,
        "expected_revision": evaluation.revision,
        "summary": "The channel reaches young adults; the events do not draw visitors from it.",
        "answers": answers_for(evaluation, went_well="Steady growth.", went_badly="Few shares.", change="Film more."),
    } | extra


def test_start_copies_the_goals_with_their_results_as_measured_today(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)

    goals = list(evaluation.goals.values_list("description", "metric", "result_status", "latest", "measured_on"))
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.plan.status == PlanStatus.GODKAND
    assert goals == [
        (FOLLOWERS["description"], "foljare", Status.AT_RISK, Decimal("1500"), datetime.date(2027, 3, 15)),
        (VISITS["description"], "besok", Status.NO_DATA, None, datetime.date(2027, 3, 15)),
    ]
    assert evaluation.goals.first().result_reason == (
        "1,500 of 2,000 followers; measured on one day only, so there is no trend yet."
    )


def test_start_twice_gives_the_same_draft(org, channel):
    first = start_evaluation(channel.pk, actor=org.medarbetare)

    second = start_evaluation(channel.pk, actor=org.chef)

    assert second.pk == first.pk
    assert Evaluation.objects.count() == 1
    assert EvaluationGoal.objects.count() == 2


def test_start_by_a_colleague_who_is_none_of_the_channels_people_is_refused(org, channel):
    colleague = make_user(Role.MEDARBETARE, unit=org.library, username="kollega")

    with pytest.raises(NotAllowed):
        start_evaluation(channel.pk, actor=colleague)

    assert Evaluation.objects.count() == 0


def test_save_keeps_the_answers_and_the_summary(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)

    saved = save_evaluation(evaluation.pk, **written(evaluation, org, summary="  Half written.  "))

    assert saved.revision == evaluation.revision + 1
    assert Evaluation.objects.get().summary == "Half written."
    assert (
        list(EvaluationGoal.objects.values_list("went_well", "went_badly", "change"))
        == [("Steady growth.", "Few shares.", "Film more.")] * 2
    )


def test_save_with_a_stale_revision_is_a_conflict_and_changes_nothing(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    save_evaluation(evaluation.pk, **written(evaluation, org, summary="First."))

    with pytest.raises(Conflict):
        save_evaluation(evaluation.pk, **written(evaluation, org, summary="Second."))

    assert Evaluation.objects.get().summary == "First."


def test_save_refuses_too_long_an_answer_at_its_field_and_saves_nothing(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    goal = evaluation.goals.first()
    answers = {goal_key(goal, "change"): "x" * (EVALUATION_TEXT_MAX_LENGTH + 1)}

    with pytest.raises(Incomplete) as refused:
        save_evaluation(evaluation.pk, **written(evaluation, org, answers=answers))

    assert list(refused.value.errors) == [goal_key(goal, "change")]
    assert Evaluation.objects.get().revision == evaluation.revision
    assert EvaluationGoal.objects.get(pk=goal.pk).change == ""


def test_complete_needs_the_summary_the_conclusion_and_an_answer_per_goal(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    first, second = evaluation.goals.all()
    answers = {goal_key(first, "went_badly"): "Few shares."}

    with pytest.raises(Incomplete) as refused:
        complete_evaluation(evaluation.pk, **written(evaluation, org, summary=" ", answers=answers, conclusion=""))

    assert sorted(refused.value.errors) == sorted(["summary", "conclusion", goal_key(second, "went_well")])
    stored = Evaluation.objects.get()
    assert (stored.status, stored.revision, stored.summary) == (EvaluationStatus.DRAFT, evaluation.revision, "")
    assert EvaluationGoal.objects.get(pk=first.pk).went_badly == ""


def test_complete_to_continue_keeps_the_evaluation_with_the_results_of_the_day(org, channel, time_machine):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    time_machine.move_to(datetime.datetime(2027, 4, 2, 12, tzinfo=datetime.UTC), tick=False)
    record_measurement(
        channel.pk, actor=org.medarbetare, metric="foljare", on=datetime.date(2027, 4, 1), value=Decimal("1700")
    )

    done = complete_evaluation(evaluation.pk, **written(evaluation, org, conclusion=Conclusion.CONTINUE))

    assert (done.status, done.conclusion, done.completed_by) == (
        EvaluationStatus.DONE,
        Conclusion.CONTINUE,
        org.medarbetare,
    )
    assert done.completed_at == datetime.datetime(2027, 4, 2, 12, tzinfo=datetime.UTC)
    followers = EvaluationGoal.objects.get(evaluation=done, metric="foljare")
    assert (followers.latest, followers.measured_on) == (Decimal("1700"), datetime.date(2027, 4, 2))
    assert (done.revised_plan, done.closure) == (None, None)
    assert Plan.objects.filter(status=PlanStatus.UTKAST).count() == 0


def test_a_completed_evaluation_is_kept_as_it_is(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    complete_evaluation(evaluation.pk, **written(evaluation, org, conclusion=Conclusion.CONTINUE))
    done = Evaluation.objects.get()

    with pytest.raises(NotAllowed):
        save_evaluation(done.pk, **written(done, org, summary="Rewritten."))

    assert Evaluation.objects.get().summary == written(evaluation, org)["summary"]


def test_after_completion_the_next_start_opens_a_new_draft(org, channel):
    first = start_evaluation(channel.pk, actor=org.medarbetare)
    complete_evaluation(first.pk, **written(first, org, conclusion=Conclusion.CONTINUE))

    second = start_evaluation(channel.pk, actor=org.medarbetare)

    assert second.pk != first.pk
    assert list(Evaluation.objects.order_by("pk").values_list("status", flat=True)) == ["klar", "utkast"]


def test_complete_to_revise_starts_a_new_draft_version_linked_to_the_evaluation(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    in_force = evaluation.plan

    done = complete_evaluation(evaluation.pk, **written(evaluation, org, conclusion=Conclusion.REVISE))

    draft = done.revised_plan
    assert (draft.status, draft.series, draft.version_number) == (
        PlanStatus.UTKAST,
        in_force.series,
        in_force.version_number + 1,
    )
    assert list(draft.goals.values_list("description", flat=True)) == [FOLLOWERS["description"], VISITS["description"]]
    assert draft.history.earliest().history_change_reason == "After the evaluation of 15 March 2027"


def test_complete_to_revise_while_a_new_version_is_open_changes_nothing(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    revise(evaluation.plan.pk, actor=org.medarbetare)

    with pytest.raises(Conflict):
        complete_evaluation(evaluation.pk, **written(evaluation, org, conclusion=Conclusion.REVISE))

    stored = Evaluation.objects.get()
    assert (stored.status, stored.revision, stored.revised_plan) == (EvaluationStatus.DRAFT, evaluation.revision, None)
    assert Plan.objects.filter(status=PlanStatus.UTKAST).count() == 1


def test_complete_to_close_starts_a_closure_request_with_the_evaluation_as_its_analysis(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)

    done = complete_evaluation(evaluation.pk, **written(evaluation, org, conclusion=Conclusion.CLOSE))

    closure = ClosureRequest.objects.get()
    assert done.closure == closure
    assert (closure.status, closure.author, closure.channel) == (PlanStatus.UTKAST, org.medarbetare, channel)
    assert closure.reason == written(evaluation, org)["summary"]
    assert closure.measures_tried == (
        f"{FOLLOWERS['description']}: Few shares. Film more.\n\n{VISITS['description']}: Few shares. Film more."
    )
    assert closure.visitor_figures == (
        f"{FOLLOWERS['description']}: 1,500 of 2,000 followers; measured on one day only, so there is no trend yet.\n"
        f"{VISITS['description']}: No measurements yet."
    )
    assert (closure.followers_notice, closure.account_fate) == ("", "")


def test_two_completions_of_the_same_form_one_wins_and_the_other_is_a_conflict(org, channel):
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    form = written(evaluation, org, conclusion=Conclusion.REVISE)
    complete_evaluation(evaluation.pk, **form)

    with pytest.raises(NotAllowed):
        complete_evaluation(evaluation.pk, **form)

    assert Plan.objects.filter(status=PlanStatus.UTKAST).count() == 1
