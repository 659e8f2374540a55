from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Unit
from accounts.queries import is_overseer, readable_units
from audit.rules import can_read_audit
from kob_social.errors import Conflict, Incomplete, NotAllowed, add_domain_errors

from .. import rules
from ..domain import archive
from ..domain.drafts import revise
from ..domain.transitions import transition
from ..enums import LATER_RULES, Action
from ..forms import DecisionForm, PlanFilterForm
from ..models import Decision, Plan
from ..queries import last_return, plans_visible_to, round_approvals, signed_record, versions_of
from .common import conflict_response, get_visible_plan

PAGE_SIZE = 25

ACTION_MESSAGES = {
    Action.SUBMIT: gettext_lazy("The plan has been submitted."),
    Action.APPROVE: gettext_lazy("You approved the plan."),
    Action.RETURN: gettext_lazy("The plan has been returned to the author."),
    Action.REJECT: gettext_lazy("The plan has been rejected."),
    Action.WITHDRAW: gettext_lazy("The plan has been withdrawn."),
}


@login_required
@require_safe
def plan_list(request):
    user = request.user
    units = Unit.objects.order_by("name") if is_overseer(user) else readable_units(user).order_by("name")
    form = PlanFilterForm(request.GET or None, units=units)
    plans = plans_visible_to(user).order_by("-updated_at", "-pk")
    # Each valid filter applies on its own: an unknown unit in an old link must not drop the search.
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("q"):
        plans = plans.filter(
            Q(channel_name__icontains=data["q"])
            | Q(diarienummer__icontains=data["q"])
            | Q(purpose__icontains=data["q"])
            | Q(author__full_name__icontains=data["q"])
        )
    if data.get("unit"):
        plans = plans.filter(unit=data["unit"])
    if data.get("status"):
        plans = plans.filter(status=data["status"])
    if data.get("platform"):
        plans = plans.filter(platform=data["platform"])
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = request.GET.copy()
    query.pop("sida", None)
    return render(request, "plans/list.html", {"form": form, "page": page, "query_string": query.urlencode()})


@login_required
@require_safe
def plan_detail(request, pk):
    plan = get_visible_plan(request, pk)
    return render(request, "plans/detail.html", detail_context(request, plan))


def detail_context(request, plan: Plan, decision_form: DecisionForm | None = None) -> dict:
    user = request.user
    in_order = Decision.objects.select_related("decided_by", "acting_for").order_by("decided_at", "pk")
    versions = list(versions_of(plan).prefetch_related(Prefetch("decisions", queryset=in_order)))
    # This version's decisions come with those of every version (one query, not two).
    decisions = next((list(version.decisions.all()) for version in versions if version.pk == plan.pk), [])
    timeline = list(plan.history.select_related("history_user").order_by("history_date", "history_id"))
    round_approvals(plan, decisions)  # the decision rules read these: no second query
    found = rules.authority(user, plan)
    actions = rules.allowed_actions(user, plan)
    # A decided version shows the signature its PDF prints; one being decided, the one it would.
    signed = signed_record(plan)
    return {
        "plan": plan,
        "goals": list(plan.goals.all()),
        "other_people": list(plan.other_people.all()),
        "decisions": decisions,
        "versions": versions,
        "timeline": timeline,
        "actions": {action.name for action in actions},
        "decision_form": decision_form or DecisionForm(initial={"revision": plan.revision}),
        "can_edit": rules.can_edit_plan(user, plan),
        "can_read_story": can_read_audit(user),
        "can_revise": rules.can_revise(user, plan) and not any(v.is_editable or v.is_pending for v in versions),
        "step": found.step if found else None,
        "acting_for": found.acting_for if found else None,
        "returned": last_return(plan, decisions),
        "signed": signed,
        "signature": signed.signature if signed else archive.signature(plan, archive.chef_signature(decisions)),
        "missing_later_rules": [LATER_RULES[key] for key in plan.missing_later_rules if key in LATER_RULES],
    }


@login_required
@require_POST
def plan_action(request, pk):
    plan = get_visible_plan(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "plans/detail.html", detail_context(request, plan, form), status=400)
    action = Action(form.cleaned_data["action"])
    try:
        transition(
            plan.pk,
            action,
            actor=request.user,
            expected_revision=form.cleaned_data["revision"],
            comment=form.cleaned_data["comment"],
        )
    except Conflict as exc:
        return conflict_response(request, plan, str(exc))
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except Incomplete as exc:
        if action == Action.SUBMIT:
            messages.error(request, _("The plan is not complete yet. Fill in the marked fields and submit again."))
            return redirect(reverse("plans:edit", args=[plan.pk]) + "?kontrollera=1")
        add_domain_errors(form, exc.errors)
        return render(request, "plans/detail.html", detail_context(request, plan, form), status=400)
    messages.success(request, ACTION_MESSAGES[action])
    return redirect("plans:detail", pk=plan.pk)


@login_required
@require_POST
def plan_revise(request, pk):
    plan = get_visible_plan(request, pk)
    try:
        draft = revise(plan.pk, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except Conflict as exc:
        return conflict_response(request, plan, str(exc))
    messages.success(request, _("Version %(number)d has been created as a draft.") % {"number": draft.version_number})
    return redirect("plans:edit", pk=draft.pk)
