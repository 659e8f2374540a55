"""The evaluation pages: start (or continue) a channel's evaluation, write and complete it, read a
completed one, and print it as a PDF report.

The evaluation is read with its channel through `get_visible_channel` (another unit's evaluation is
a 404); writing asks `rules.can_edit_evaluation` (403) and leaves the change to
domain.evaluations, which carries out the conclusion (a new plan version, a closure request).
"""

import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from audit import domain as audit
from channel_register.views.common import get_visible_channel
from kob_social.errors import Conflict, NotAllowed, errors_to_form
from plans.pdf import STATIC_PREFIX, page_label_parts, render_document

from .. import rules
from ..domain.evaluations import complete_evaluation, save_evaluation, start_evaluation
from ..domain.goals import goal_series
from ..enums import Conclusion
from ..forms import EvaluationForm
from ..models import Evaluation
from ..progress import Status
from .measuring import STATUS_CLASSES, goal_entry, measuring_url

PDF_STYLESHEETS = ("pdf/plan.css", "pdf/charts.css", "pdf/evaluation.css")


@login_required
@require_POST
def evaluation_start(request, pk):
    """Open the channel's evaluation (its draft, if it has one) and go to it."""
    channel = get_visible_channel(request, pk)
    if not rules.can_evaluate(request.user, channel):
        raise PermissionDenied(rules.NOT_ALLOWED_TO_EVALUATE)
    try:
        evaluation = start_evaluation(channel.pk, actor=request.user)
    except NotAllowed as exc:
        # The rule was asked above: what is left is a channel without an approved plan.
        messages.error(request, str(exc))
        return redirect(measuring_url(channel))
    return redirect("metrics:evaluation", evaluation.pk)


def get_visible_evaluation(request, pk) -> Evaluation:
    """The evaluation, if the user may read its channel; otherwise 404."""
    evaluation = (
        Evaluation.objects.select_related("author", "completed_by", "plan", "revised_plan", "closure")
        .filter(pk=pk)
        .first()
    )
    if evaluation is None:
        raise Http404
    evaluation.channel = get_visible_channel(request, evaluation.channel_id)
    return evaluation


def as_of(evaluation: Evaluation) -> datetime.date:
    """The day the evaluation's results are read for: its completion day, or today for a draft."""
    if evaluation.completed_at is None:
        return timezone.localdate()
    return timezone.localdate(evaluation.completed_at)


def goal_entries(evaluation: Evaluation, goals: list) -> list[dict]:
    """Each goal as the page and the report show it. A draft shows where the goal stands today; a
    completed evaluation its result as kept at completion, with the chart of the values up to
    that day."""
    day = as_of(evaluation)
    series = goal_series(evaluation.channel, goals, today=day)
    entries = []
    for number, goal in enumerate(goals, start=1):
        entry = goal_entry(goal, series, day)
        entry["number"] = number
        if not evaluation.is_draft and goal.result_status:
            entry["kept_status"] = Status(goal.result_status)
            entry["status_class"] = STATUS_CLASSES[entry["kept_status"]]
        entries.append(entry)
    return entries


def evaluation_context(request, evaluation: Evaluation, *, form: EvaluationForm | None = None) -> dict:
    goals = list(evaluation.goals.all())
    can_edit = rules.can_edit_evaluation(request.user, evaluation)
    if can_edit and form is None:
        form = EvaluationForm(goals=goals, initial={"summary": evaluation.summary, "revision": evaluation.revision})
    entries = goal_entries(evaluation, goals)
    if form is not None:
        for entry, (_goal, fields) in zip(entries, form.goal_fields, strict=True):
            entry["fields"] = fields
    return {
        "evaluation": evaluation,
        "channel": evaluation.channel,
        "goals": entries,
        "form": form if can_edit else None,
        "as_of": as_of(evaluation),
        "conclusions": Conclusion,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation(request, pk):
    """A draft is a form for whoever may write it; otherwise the evaluation as it was kept."""
    evaluation = get_visible_evaluation(request, pk)
    if request.method != "POST":
        return render(request, "metrics/evaluation.html", evaluation_context(request, evaluation))
    if not rules.can_edit_evaluation(request.user, evaluation):
        raise PermissionDenied(
            rules.NOT_ALLOWED_TO_EVALUATE if evaluation.is_draft else _("A completed evaluation is kept as it is.")
        )
    form = EvaluationForm(request.POST, goals=list(evaluation.goals.all()))
    if form.is_valid():
        data = form.cleaned_data
        completing = data["action"] == EvaluationForm.COMPLETE
        try:
            with errors_to_form(form):
                if completing:
                    evaluation = complete_evaluation(
                        evaluation.pk,
                        actor=request.user,
                        expected_revision=data["revision"],
                        summary=data["summary"],
                        answers=form.answers,
                        conclusion=data["conclusion"],
                    )
                else:
                    save_evaluation(
                        evaluation.pk,
                        actor=request.user,
                        expected_revision=data["revision"],
                        summary=data["summary"],
                        answers=form.answers,
                    )
        except Conflict as exc:
            form.add_error(None, str(exc))
            context = evaluation_context(request, evaluation, form=form)
            return render(request, "metrics/evaluation.html", context, status=409)
        if not form.errors:
            return redirect(_after(request, evaluation, completing))
    return render(request, "metrics/evaluation.html", evaluation_context(request, evaluation, form=form), status=400)


def _after(request, evaluation: Evaluation, completing: bool) -> str:
    """Where a saved evaluation leads, with word of what happened."""
    if not completing:
        messages.success(request, _("The draft was saved. Complete the evaluation when everything is written."))
        return reverse("metrics:evaluation", args=[evaluation.pk])
    if evaluation.revised_plan_id:
        messages.success(
            request,
            _("The evaluation was completed, and a new version of the plan was started. Revise it and submit it."),
        )
        return reverse("plans:edit", args=[evaluation.revised_plan_id])
    if evaluation.closure_id:
        messages.success(
            request,
            _(
                "The evaluation was completed, and a closure request was started with it as its analysis. "
                "Complete the analysis and submit the request."
            ),
        )
        return reverse("closures:edit", args=[evaluation.closure_id])
    messages.success(request, _("The evaluation was completed and is kept with the channel."))
    return reverse("metrics:evaluation", args=[evaluation.pk])


# --- The report -----------------------------------------------------------------------------------


def report_identifier(evaluation: Evaluation) -> str:
    """The permanent part of the report's file identifier: the same for every printing."""
    return hashlib.sha256(f"kob-social evaluation {evaluation.pk} {evaluation.completed_at}".encode()).hexdigest()


def render_report(request, evaluation: Evaluation) -> bytes:
    """The completed evaluation as a PDF/A report, through the signed plan's PDF machinery
    (plans.pdf.render_document: Swedish, nothing fetched outside the static files)."""
    with translation.override("sv"):
        page_before, page_between, page_after = page_label_parts()
        page = evaluation_context(request, evaluation)
    values = {
        **page,
        "stylesheets": [STATIC_PREFIX + path for path in PDF_STYLESHEETS],
        "page_before": page_before,
        "page_between": page_between,
        "page_after": page_after,
        "created": evaluation.completed_at.isoformat(),
    }
    values["form"] = None
    return render_document("metrics/pdf/evaluation.html", values, identifier=report_identifier(evaluation))


@login_required
@require_safe
def evaluation_pdf(request, pk):
    """The report of a completed evaluation (a draft has none: it is not finished)."""
    evaluation = get_visible_evaluation(request, pk)
    if evaluation.is_draft:
        raise Http404
    name = f"utvardering-{slugify(evaluation.channel.name) or evaluation.channel.pk}-{as_of(evaluation)}.pdf"
    audit.record("metrics.evaluation.downloaded", about=evaluation, object_label=name)
    response = HttpResponse(render_report(request, evaluation), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
