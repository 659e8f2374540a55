"""Writing a plan: one form page, saved as a draft at any time, fully checked on submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kob_social.errors import Conflict, Incomplete, NotAllowed, add_domain_errors

from .. import rules
from ..domain.drafts import create_draft, save_draft
from ..domain.transitions import transition
from ..domain.validation import submission_errors
from ..enums import MAX_GOALS, Action
from ..forms import GoalFormSet, PlanForm, goal_formset
from ..models import Plan
from ..queries import last_return
from .common import get_visible_plan

SUBMIT_BUTTON = "skicka_in"


@login_required
def plan_create(request):
    if request.method == "POST":
        form = PlanForm(request.POST, user=request.user)
        goals = goal_formset(data=request.POST)
        if form.is_valid() and goals.is_valid():
            try:
                plan = create_draft(
                    author=request.user,
                    content={name: form.cleaned_data[name] for name in form.Meta.fields if name != "other_people"},
                    other_people=form.cleaned_data["other_people"],
                    goals=goals.goals(),
                )
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except Incomplete as exc:  # the form checks the same first; this is the domain's word
                add_domain_errors(form, exc.errors)
            else:
                return _after_save(request, plan)
    else:
        if not rules.readable_units_exist(request.user):
            raise PermissionDenied(_("You do not belong to a unit, so you cannot write a plan."))
        form = PlanForm(user=request.user)
        goals = goal_formset()
    return render(request, "plans/form.html", {"form": form, "goals": goals, "plan": None})


@login_required
def plan_edit(request, pk):
    plan = get_visible_plan(request, pk)
    if not rules.can_edit_plan(request.user, plan):
        raise PermissionDenied(_("Only the author can edit the plan, and only while it is a draft or returned."))
    if request.method == "POST":
        form = PlanForm(request.POST, instance=Plan.objects.get(pk=plan.pk), user=request.user)
        goals = goal_formset(data=request.POST)
        if form.is_valid() and goals.is_valid():
            try:
                plan = save_draft(
                    plan.pk,
                    actor=request.user,
                    expected_revision=form.cleaned_data["revision"]
                    if form.cleaned_data["revision"] is not None
                    else -1,
                    content={name: form.cleaned_data[name] for name in form.Meta.fields if name != "other_people"},
                    other_people=form.cleaned_data["other_people"],
                    goals=goals.goals(),
                )
            except Conflict as exc:
                form.add_error(None, str(exc))
                return render(
                    request,
                    "plans/form.html",
                    {"form": form, "goals": goals, "plan": plan, "conflict": True},
                    status=409,
                )
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except Incomplete as exc:  # the form checks the same first; this is the domain's word
                add_domain_errors(form, exc.errors)
            else:
                return _after_save(request, plan)
        return render(request, "plans/form.html", {"form": form, "goals": goals, "plan": plan})
    return _render_saved(request, plan, check=request.GET.get("kontrollera") == "1")


def _after_save(request, plan: Plan):
    if SUBMIT_BUTTON not in request.POST:
        messages.success(request, _("The draft has been saved."))
        return redirect("plans:edit", pk=plan.pk)
    try:
        transition(plan.pk, Action.SUBMIT, actor=request.user, expected_revision=plan.revision)
    except Incomplete:
        messages.error(request, _("The draft has been saved, but it cannot be submitted yet: see the marked fields."))
        return _render_saved(request, get_visible_plan(request, plan.pk), check=True)
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("plans:edit", pk=plan.pk)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("The plan has been submitted for decision."))
    return redirect("plans:detail", pk=plan.pk)


def _render_saved(request, plan: Plan, *, check: bool):
    """The form for the stored plan (as get_visible_plan reads it, its people joined); with
    `check`, every reason it cannot be submitted yet."""
    prefetch_related_objects([plan], "goals", "other_people")  # the form, the goal rows and the check share them
    form = PlanForm(instance=plan, user=request.user)
    goals = goal_formset(plan=plan)
    missing = submission_errors(plan, unit_ids=form.unit_ids)
    errors = missing if check else {}
    form.submit_errors = {name: msgs for name, msgs in errors.items() if not name.startswith("goal")}
    _tie_errors(form)
    for goal_form in goals.forms:
        goal_id = goal_form.initial.get("id")
        goal_form.submit_errors = {
            key.rsplit("-", 1)[1]: msgs for key, msgs in errors.items() if key.startswith(f"goal-{goal_id}-")
        }
        _tie_errors(goal_form)
    context = {
        "form": form,
        "goals": goals,
        "plan": plan,
        "goal_errors": errors.get("goals", []),
        "errors": errors,
        "missing": _checklist(form, missing),
        "returned": last_return(plan),
    }
    return render(request, "plans/form.html", context)


def _checklist(form, errors: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(anchor, label) of each part still missing before the plan can be submitted, in the
    form's order, the goals as one item."""
    # A group of radio buttons has no one input to point at: its fieldset (plan_radio.html) is.
    items = [
        (form[name].id_for_label or form[name].auto_id, form[name].label) for name in form.fields if name in errors
    ]
    if any(name == "goals" or name.startswith("goal-") for name in errors):
        items.append(("goals-heading", _("Goals")))
    return items


def _tie_errors(form) -> None:
    """Mark each widget with a submission error invalid and point it at its messages, as Django
    does for the form's own errors (the ids are those of plan_field.html and goal_row.html)."""
    for name in form.submit_errors:
        if name not in form.fields:
            continue
        field = form[name]
        described_by = [f"{field.auto_id}_helptext"] if field.help_text else []
        form.fields[name].widget.attrs.update(
            {"aria-invalid": "true", "aria-describedby": " ".join([*described_by, f"{field.auto_id}_error"])}
        )


@login_required
@require_GET
def goal_row(request):
    """htmx: one more empty goal row, numbered after the rows already on the page."""
    try:
        index = int(request.GET.get("goals-TOTAL_FORMS", ""))
    except ValueError as exc:
        raise Http404 from exc
    if not 0 <= index < MAX_GOALS:
        raise Http404
    formset = GoalFormSet(prefix="goals")
    form = formset._construct_form(index, empty_permitted=True, use_required_attribute=False)
    return render(request, "plans/includes/goal_row.html", {"goal": form, "total": index + 1, "oob": True})
