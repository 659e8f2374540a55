"""The measuring pages of a channel: its goals against their targets, the posts per week against
the plan's rhythm, the latest values and imports, a value entered by hand, and a file imported
with a preview before anything is saved.

Every view reads the channel through channel_register's `get_visible_channel` (another unit's
channel, and its imports, are a 404), checks the rule for what it does (403 when refused) and
leaves the change to one domain function (domain.measurements, domain.imports).
"""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from channel_register.views.common import get_visible_channel
from kob_social.errors import Conflict, NotAllowed, errors_to_form
from plans.domain.archive import goal_number

from .. import queries, rules
from ..charts import goal_chart, rhythm_chart
from ..csv_import import FORMAT_LABELS
from ..domain.goals import goal_series, progress_of
from ..domain.imports import cancel_import, confirm_import, corrections, imported_before, start_import
from ..domain.measurements import period_start, record_measurement
from ..enums import CATALOGUE
from ..forms import ImportForm, MeasurementForm, RevisionForm
from ..models import ImportStatus, Measurement, MeasurementImport
from ..progress import Status, format_number, weekly_requirement

SHOWN_CORRECTIONS = 50
STATUS_CLASSES = {
    Status.ON_TRACK: "status--green",
    Status.AT_RISK: "status--amber",
    Status.OFF_TRACK: "status--red",
    Status.NO_DATA: "status--neutral",
}
IN_PROGRESS = frozenset({ImportStatus.CHECKING, ImportStatus.SAVING})


def measuring_url(channel) -> str:
    return reverse("metrics:channel", args=[channel.pk])


def shown(value) -> str:
    return "–" if value is None else format_number(value)


def baseline_shown(goal, progress) -> str:
    """The goal's baseline, or the first value measured when the goal was to be measured for the
    first time on a day, or that day while nothing is measured yet."""
    if progress.baseline is not None:
        return format_number(progress.baseline)
    if goal.baseline is None and goal.first_measured_on is not None:
        return _("Measured for the first time on %(day)s") % {
            "day": formats.date_format(goal.first_measured_on, "j F Y")
        }
    return shown(goal.baseline)


# --- The measuring page ---------------------------------------------------------------------------


def required_per_week(plan) -> Decimal | None:
    """The plan's update rhythm as posts a week (a monthly one spread over its weeks), or None."""
    return None if plan is None else weekly_requirement(plan.update_count, plan.update_period)


def goal_entry(goal, series, today: datetime.date) -> dict:
    """One goal as the page shows it: its numbers, its status in words and colour, its chart."""
    spec = CATALOGUE.get(goal.metric)
    progress = progress_of(goal, series, today=today)
    title = goal.description or (spec.label if spec else _("Goal"))
    chart = None
    if spec is not None:
        projection = None
        # Drawn only forwards: a deadline already passed has nothing left to project.
        if progress.projected is not None and progress.points and goal.deadline >= progress.points[-1][0]:
            projection = (progress.points[-1], (goal.deadline, progress.projected))
        chart = goal_chart(
            title=title,
            points=progress.points,
            target=goal.target,
            projection=projection,
            unit=str(spec.unit),
            id_prefix=f"goal-{goal.pk}",
        )
    share = None if progress.share is None else format_number(progress.share * 100)
    return {
        "goal": goal,
        "title": title,
        "metric": goal.get_metric_display() if goal.metric else _("Not stated"),
        "progress": progress,
        "status_class": STATUS_CLASSES[progress.status],
        "baseline": baseline_shown(goal, progress),
        "latest": shown(progress.latest),
        "target": shown(goal.target),
        "share": share,
        "chart": chart,
    }


def measuring_context(request, channel, *, form=None, conflict=None) -> dict:
    """Everything on the measuring page, in a number of queries that does not grow with the
    number of goals, values or imports: the plan in force, its goals, one query for the series
    of all their metrics, the posts per week (and per day, when a goal counts posts), the
    latest values and the recent imports."""
    today = timezone.localdate()
    plan = queries.plan_in_force(channel)
    goals = queries.goals_of(plan)
    series = goal_series(channel, goals, today=today)
    weeks = queries.posts_per_week(channel, queries.last_weeks(today))
    can_record = rules.can_record_measurements(request.user, channel)
    if can_record and form is None:
        form = MeasurementForm(platform=channel.platform)
    return {
        "channel": channel,
        "plan": plan,
        "goals": [goal_entry(goal, series, today) for goal in goals],
        "rhythm_chart": rhythm_chart(
            title=_("Posts per week"), weeks=weeks, required_per_week=required_per_week(plan), id_prefix="rhythm"
        ),
        "measurements": queries.latest_measurements(channel),
        "imports": queries.recent_imports(channel),
        "can_record": can_record,
        "latest_evaluation": queries.latest_evaluation(channel),
        "can_evaluate": rules.can_evaluate(request.user, channel),
        "form": form if can_record else None,
        "conflict": conflict,
        "today": today,
    }


@login_required
@require_safe
def channel_measurements(request, pk):
    channel = get_visible_channel(request, pk)
    return render(request, "metrics/channel.html", measuring_context(request, channel))


def may_record(request, channel) -> None:
    if not rules.can_record_measurements(request.user, channel):
        raise PermissionDenied(rules.NOT_ALLOWED)


@login_required
@require_POST
def record(request, pk):
    """A value entered by hand. A different value already stored comes back as a question: the
    stored value, the new one, and a box to tick to replace it (nothing is overwritten silently)."""
    channel = get_visible_channel(request, pk)
    may_record(request, channel)
    form = MeasurementForm(request.POST, platform=channel.platform)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with errors_to_form(form):
                record_measurement(
                    channel.pk,
                    actor=request.user,
                    metric=data["metric"],
                    on=data["on"],
                    value=data["value"],
                    period=data["period"],
                    replaces=form.replaced,
                )
        except Conflict as exc:
            return conflict_page(request, channel, form, str(exc))
        if not form.errors:
            if form.replaced is not None:
                messages.success(request, _("The stored value was replaced. The earlier value is kept in the history."))
            else:
                messages.success(request, _("The value was saved."))
            return redirect(measuring_url(channel) + "#record-heading")
    return render(request, "metrics/channel.html", measuring_context(request, channel, form=form), status=400)


def conflict_page(request, channel, form, message: str):
    """The form again, asking to confirm the replacement of the value stored now."""
    data = form.cleaned_data
    stored = (
        Measurement.objects.filter(
            channel=channel, metric=data["metric"], period=data["period"], on=period_start(data["on"], data["period"])
        )
        .values_list("value", flat=True)
        .first()
    )
    posted = request.POST.copy()
    posted.pop("confirm", None)
    posted["replaces"] = "" if stored is None else str(stored)
    again = MeasurementForm(posted, platform=channel.platform)
    conflict = {
        "message": message,
        # Exactly as stored and typed: the person decides between these two values.
        "stored": goal_number(stored),
        "new": goal_number(data["value"]),
    }
    context = measuring_context(request, channel, form=again, conflict=conflict)
    return render(request, "metrics/channel.html", context, status=409)


# --- Imports --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def import_start(request, pk):
    channel = get_visible_channel(request, pk)
    may_record(request, channel)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with errors_to_form(form):
            batch = start_import(channel.pk, actor=request.user, upload=form.cleaned_data["file"])
        if not form.errors:
            return redirect("metrics:import_detail", batch.pk)
    status = 400 if form.errors else 200
    return render(request, "metrics/import_form.html", {"channel": channel, "form": form}, status=status)


def get_visible_import(request, pk) -> MeasurementImport:
    """The import, if the user may read its channel; otherwise 404."""
    batch = MeasurementImport.objects.select_related("uploaded_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    batch.channel = get_visible_channel(request, batch.channel_id)
    return batch


def import_context(request, batch: MeasurementImport) -> dict:
    context = {
        "batch": batch,
        "channel": batch.channel,
        "format_label": FORMAT_LABELS.get(batch.file_format, batch.file_format),
        "in_progress": batch.status in IN_PROGRESS,
        "can_decide": False,
    }
    if batch.status == ImportStatus.CHECKED:
        context.update(
            corrections=[
                # Exactly as stored and as in the file: a rounded pair could hide the correction.
                {"measurement": stored, "stored": goal_number(stored.value), "new": goal_number(value)}
                for stored, value in corrections(batch, SHOWN_CORRECTIONS)
            ],
            earlier=imported_before(batch),
            can_decide=rules.can_decide_import(request.user, batch),
        )
    elif batch.status == ImportStatus.REFUSED:
        context["can_decide"] = rules.can_decide_import(request.user, batch)
    return context


@login_required
@require_safe
def import_detail(request, pk):
    batch = get_visible_import(request, pk)
    return render(request, "metrics/import_detail.html", import_context(request, batch))


@login_required
@require_safe
def import_status(request, pk):
    """The progress of an import being checked or saved, for the page's poll (htmx): the
    fragment while it goes on, then a redirect to the page, which shows the outcome."""
    batch = get_visible_import(request, pk)
    detail = reverse("metrics:import_detail", args=[batch.pk])
    if batch.status in IN_PROGRESS:
        if request.htmx:
            return render(request, "metrics/includes/import_progress.html", {"batch": batch})
        return redirect(detail)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = detail
        return response
    return redirect(detail)


def refused_response(request, batch, message: str, *, status: int = 409):
    """The import's state changed since its page was read (409), or the request was not whole
    (400): said in words, with the way back to the import."""
    context = {
        "message": message,
        "back_url": reverse("metrics:import_detail", args=[batch.pk]),
        "channel": batch.channel,
    }
    return render(request, "channels/conflict.html", context, status=status)


@login_required
@require_POST
def import_confirm(request, pk):
    batch = get_visible_import(request, pk)
    if not rules.can_decide_import(request.user, batch):
        raise PermissionDenied(rules.NOT_ALLOWED)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return refused_response(
            request, batch, _("The request was incomplete, so nothing was saved. Try again."), status=400
        )
    try:
        confirm_import(batch.pk, actor=request.user, expected_revision=form.cleaned_data["revision"])
    except (Conflict, NotAllowed) as exc:
        # The rule was asked above: what is left is the import's state, changed since the page was read.
        return refused_response(request, batch, str(exc))
    messages.success(request, _("The values are being saved."))
    return redirect("metrics:import_detail", batch.pk)


@login_required
@require_POST
def import_cancel(request, pk):
    batch = get_visible_import(request, pk)
    if not rules.can_decide_import(request.user, batch):
        raise PermissionDenied(rules.NOT_ALLOWED)
    try:
        cancel_import(batch.pk, actor=request.user)
    except (Conflict, NotAllowed) as exc:
        return refused_response(request, batch, str(exc))
    messages.success(request, _("The import was cancelled. Nothing was saved."))
    return redirect("metrics:import_detail", batch.pk)
