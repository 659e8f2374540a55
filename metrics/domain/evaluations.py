"""Writing the yearly evaluation of a channel (SMILEY step 8): one write path per step.

`start_evaluation` opens a draft for the plan in force with its goals copied in and their results
as measured today (or returns the channel's draft: there is at most one). `save_evaluation` keeps
what the owner wrote. `complete_evaluation` checks that everything is written, takes the goals'
results again as of the completion day and keeps the evaluation for good; its conclusion is
carried out in the same transaction, so that either both happen or neither:

- CONTINUE: nothing more;
- REVISE: a new draft version of the plan in force (plans.domain.drafts.revise), linked here;
- CLOSE: a closure request with the evaluation as its analysis
  (plans.domain.closures.create_closure_request), linked here.

Every save claims the evaluation's revision, so a stale form or a second click is a Conflict and
changes nothing.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from audit import domain as audit
from channel_register.models import Channel
from kob_social.concurrency import claim_revision
from kob_social.errors import Incomplete, NotAllowed, field_errors
from plans.domain.closures import create_closure_request
from plans.domain.drafts import revise
from plans.enums import ANSWER_MAX_LENGTH

from .. import queries, rules
from ..enums import Conclusion, EvaluationStatus
from ..models import Evaluation, EvaluationGoal
from .goals import goal_series, progress_of

GOAL_FIELDS = ["description", "metric", "baseline", "first_measured_on", "target", "deadline"]
REASON_MAX_LENGTH = EvaluationGoal._meta.get_field("result_reason").max_length

STALE = _(
    "Someone else saved this evaluation while you were writing, so your changes were not saved. "
    "Your text is still in the form: copy what you need, then open the evaluation again."
)


def goal_key(goal: EvaluationGoal, field: str) -> str:
    """How the form names a goal's answer, and how errors about it are keyed."""
    return f"goal-{goal.pk}-{field}"


def start_evaluation(channel_id: int, *, actor: User) -> Evaluation:
    """A draft evaluation of the channel's plan in force, or the channel's draft if it has one
    (also the one a simultaneous click created)."""
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    if not rules.can_evaluate(actor, channel):
        raise NotAllowed(rules.NOT_ALLOWED_TO_EVALUATE)
    draft = Evaluation.objects.filter(channel=channel, status=EvaluationStatus.DRAFT).first()
    if draft is not None:
        return draft
    plan = queries.plan_in_force(channel)
    if plan is None:
        raise NotAllowed(_("The channel has no approved plan to evaluate."))
    evaluation = Evaluation(channel=channel, plan=plan, author=actor)
    evaluation._history_user = actor
    try:
        with transaction.atomic(), audit.action("metrics.evaluation.started", actor=actor) as event:
            evaluation.save()
            event.about = evaluation
            for position, goal in enumerate(queries.goals_of(plan)):
                EvaluationGoal.objects.create(
                    evaluation=evaluation, position=position, **{field: getattr(goal, field) for field in GOAL_FIELDS}
                )
            _take_results(evaluation, today=timezone.localdate())
    except IntegrityError:
        # Another request opened the channel's draft at the same moment: that one is the draft.
        return Evaluation.objects.get(channel=channel, status=EvaluationStatus.DRAFT)
    return evaluation


def save_evaluation(
    evaluation_id: int, *, actor: User, expected_revision: int, summary: str, answers: dict[str, str]
) -> Evaluation:
    """Keep what was written in the draft: `summary`, and `answers` keyed as `goal_key` names them
    (a missing key leaves that answer as it was). Too long a text is Incomplete; a stale form is a
    Conflict; nothing is saved then."""
    with transaction.atomic(), audit.action("metrics.evaluation.saved", actor=actor) as event:
        evaluation, _goals = _write(evaluation_id, actor, expected_revision, summary, answers)
        event.about = evaluation
    return evaluation


def complete_evaluation(
    evaluation_id: int,
    *,
    actor: User,
    expected_revision: int,
    summary: str,
    answers: dict[str, str],
    conclusion: str,
) -> Evaluation:
    """Save and complete the evaluation, and carry out its conclusion (see the module's
    docstring). Needs the overall conclusion written, a conclusion chosen and at least one answer
    for every goal (Incomplete otherwise, with every missing part named). A refusal of the new plan
    version or the closure request (NotAllowed, Conflict) undoes the whole completion."""
    today = timezone.localdate()
    with transaction.atomic(), audit.action("metrics.evaluation.completed", actor=actor) as event:
        evaluation, goals = _write(evaluation_id, actor, expected_revision, summary, answers)
        event.about = evaluation
        if errors := completion_errors(evaluation, goals, conclusion):
            raise Incomplete(errors)
        _take_results(evaluation, today=today, goals=goals)
        evaluation.conclusion = conclusion
        evaluation.status = EvaluationStatus.DONE
        evaluation.completed_at = timezone.now()
        evaluation.completed_by = actor
        reason = _("After the evaluation of %(date)s") % {"date": formats.date_format(today, "j F Y")}
        if conclusion == Conclusion.REVISE:
            plan = queries.plan_in_force(evaluation.channel)
            if plan is None:
                raise NotAllowed(_("The channel has no approved plan to revise."))
            evaluation.revised_plan = revise(plan.pk, actor=actor, reason=reason)
        elif conclusion == Conclusion.CLOSE:
            evaluation.closure = create_closure_request(
                evaluation.channel_id, actor=actor, analysis=closure_analysis(evaluation, goals), reason=reason
            )
        event.reason = Conclusion(conclusion).label
        evaluation._history_user = actor
        evaluation.save(
            update_fields=[
                "conclusion",
                "status",
                "completed_at",
                "completed_by",
                "revised_plan",
                "closure",
                "updated_at",
            ]
        )
    return evaluation


def completion_errors(evaluation: Evaluation, goals: list[EvaluationGoal], conclusion: str) -> dict[str, list[str]]:
    """What is missing before the evaluation can be completed, keyed as the form names it."""
    errors: dict[str, list[str]] = {}
    if not evaluation.summary.strip():
        errors["summary"] = [_("Write the overall conclusion before completing the evaluation.")]
    if conclusion not in Conclusion.values:
        errors["conclusion"] = [_("Choose what the evaluation concludes.")]
    for goal in goals:
        if not any(getattr(goal, field).strip() for field in EvaluationGoal.REFLECTION_FIELDS):
            errors[goal_key(goal, "went_well")] = [_("Answer at least one of the three questions about this goal.")]
    return errors


def closure_analysis(evaluation: Evaluation, goals: list[EvaluationGoal]) -> dict[str, str]:
    """The closure request's analysis, as far as the evaluation answers it: why the channel does
    not work (the overall conclusion), what has been tried (per goal, what did not go well and what
    should change) and the figures (per goal, its result). How the followers are told and what
    happens to the account are for the author of the request to write."""
    tried = []
    figures = []
    for goal in goals:
        title = goal.description or goal.get_metric_display()
        lessons = " ".join(part.strip() for part in (goal.went_badly, goal.change) if part.strip())
        if lessons:
            tried.append(f"{title}: {lessons}")
        figures.append(f"{title}: {goal.result_reason}" if goal.result_reason else title)
    return {
        "reason": evaluation.summary,
        "measures_tried": _fit("\n\n".join(tried)),
        "visitor_figures": _fit("\n".join(figures)),
    }


def _fit(text: str) -> str:
    return Truncator(text).chars(ANSWER_MAX_LENGTH)


def _write(
    evaluation_id: int, actor: User, expected_revision: int, summary: str, answers: dict[str, str]
) -> tuple[Evaluation, list[EvaluationGoal]]:
    evaluation = Evaluation.objects.select_related("channel__unit").get(pk=evaluation_id)
    if not rules.can_edit_evaluation(actor, evaluation):
        raise NotAllowed(
            rules.NOT_ALLOWED_TO_EVALUATE if evaluation.is_draft else _("A completed evaluation is kept as it is.")
        )
    goals = list(evaluation.goals.all())
    evaluation.summary = (summary or "").strip()
    errors = field_errors(evaluation, ["summary"])
    for goal in goals:
        for field in EvaluationGoal.REFLECTION_FIELDS:
            key = goal_key(goal, field)
            if key in answers:
                setattr(goal, field, (answers[key] or "").strip())
        errors.update(
            {goal_key(goal, field): msgs for field, msgs in field_errors(goal, goal.REFLECTION_FIELDS).items()}
        )
    if errors:
        raise Incomplete(errors)
    claim_revision(evaluation, revision=expected_revision, status=EvaluationStatus.DRAFT, message=STALE)
    evaluation._history_user = actor
    evaluation.save(update_fields=["summary", "revision", "updated_at"])
    for goal in goals:
        goal._history_user = actor
        goal.save(update_fields=EvaluationGoal.REFLECTION_FIELDS)
    return evaluation, goals


def _take_results(evaluation: Evaluation, *, today: datetime.date, goals: list[EvaluationGoal] | None = None) -> None:
    """Copy each goal's result as measured on `today` into the evaluation: one query for the
    series of all the goals, one save per goal."""
    goals = list(evaluation.goals.all()) if goals is None else goals
    series = goal_series(evaluation.channel, goals, today=today)
    for goal in goals:
        progress = progress_of(goal, series, today=today)
        goal.result_status = progress.status
        goal.result_reason = Truncator(progress.reason).chars(REASON_MAX_LENGTH)
        goal.latest = progress.latest
        goal.latest_on = progress.latest_on
        goal.measured_on = today
        goal.save(update_fields=["result_status", "result_reason", "latest", "latest_on", "measured_on"])
