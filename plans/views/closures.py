"""Closing a channel: the avvecklingsbegäran with its analysis, and its way through the same
decision chain as plans (plans.domain.closures.transition). The pages mirror the plan's: a
form saved as a draft at any time and checked in full on submission, and a page with the
analysis, the decisions and the buttons of whoever may act now."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from channel_register import rules as channel_rules
from channel_register.enums import ChannelStatus
from channel_register.views.common import GET_OR_POST, UNIT_CHAIN, conflict_response, get_visible_channel
from kob_social.errors import Conflict, Incomplete, NotAllowed, add_domain_errors

from .. import rules
from ..domain.closures import closure_errors, create_closure_request, save_closure_request, transition
from ..enums import EDITABLE, PENDING, Action
from ..forms import ClosureDecisionForm, ClosureForm
from ..models import ClosureRequest, Decision
from ..queries import last_return, round_approvals

SUBMIT_BUTTON = "skicka_in"

ACTION_MESSAGES = {
    Action.SUBMIT: gettext_lazy("The closure request has been submitted."),
    Action.APPROVE: gettext_lazy("You approved the closure request."),
    Action.RETURN: gettext_lazy("The closure request has been returned to the author."),
    Action.REJECT: gettext_lazy("The closure request has been rejected."),
    Action.WITHDRAW: gettext_lazy("The closure request has been withdrawn."),
}

# domain.chain raises a Conflict whose default message speaks of a plan.
CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed the closure request while you were working on it, so your action was not carried "
    "out. Open the request again to see its current state."
)
EDIT_CONFLICT_MESSAGE = gettext_lazy(
    "Someone else changed the closure request while you were working on it, so your changes were not saved. "
    "Your text is kept below: copy what you need, then open the request again."
)


def get_visible_closure(request, pk: int) -> ClosureRequest:
    """The request, if the user may read its channel or decides (decided) it; otherwise 404."""
    closure = (
        ClosureRequest.objects.select_related(
            *(f"channel__{path}" for path in UNIT_CHAIN), "unit__parent__parent", "author", "deciding_chef"
        )
        .filter(pk=pk)
        .first()
    )
    if closure is None:
        raise Http404
    if not channel_rules.can_view_channel(request.user, closure.channel) and not rules.is_or_was_decider(
        request.user, closure
    ):
        raise Http404
    return closure


def detail_context(request, closure: ClosureRequest, decision_form: ClosureDecisionForm | None = None) -> dict:
    user = request.user
    channel = closure.channel
    decisions = list(
        Decision.objects.filter(closure=closure).select_related("decided_by", "acting_for").order_by("decided_at", "pk")
    )
    round_approvals(closure, decisions)  # the decision rules read these: no second query
    found = rules.authority(user, closure)
    return {
        "closure": closure,
        "channel": channel,
        "decisions": decisions,
        "returned": last_return(closure, decisions),
        "actions": {action.name for action in rules.allowed_actions(user, closure)},
        "decision_form": decision_form or ClosureDecisionForm(initial={"revision": closure.revision}),
        "can_edit": rules.can_edit_closure(user, closure),
        "step": found.step if found else None,
        "acting_for": found.acting_for if found else None,
        "needs_final_screenshot": channel.status == ChannelStatus.AVVECKLAS,
        "can_record_screenshot": channel.status == ChannelStatus.AVVECKLAS
        and channel_rules.can_record_screenshot(user, channel),
    }


def submit(request, closure: ClosureRequest):
    """Submit the saved request; on missing answers back to the form with every reason shown."""
    try:
        transition(closure.pk, Action.SUBMIT, actor=request.user, expected_revision=closure.revision)
    except Incomplete as exc:
        _explain_incomplete(request, exc)
        return redirect(reverse("closures:edit", args=[closure.pk]) + "?kontrollera=1")
    except Conflict:
        messages.error(request, CONFLICT_MESSAGE)
        return redirect("closures:edit", pk=closure.pk)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, ACTION_MESSAGES[Action.SUBMIT])
    return redirect(closure)


def _explain_incomplete(request, exc: Incomplete) -> None:
    messages.error(request, _("The request is not complete yet. Fill in the marked fields and submit again."))
    # Reasons that are not about a field of the form (the unit has no manager) would not show there.
    for field, msgs in exc.errors.items():
        if field not in ClosureRequest.CONTENT_FIELDS:
            for message in msgs:
                messages.error(request, message)


@login_required
@require_http_methods(GET_OR_POST)
def closure_create(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_request_closure(request.user, channel):
        raise PermissionDenied(
            _("Only the channel's owner, its manager or the communications officer can ask to close it.")
        )
    if channel.status not in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD):
        raise PermissionDenied(_("Only an active or paused channel can be closed."))
    open_request = channel.closures.filter(status__in=EDITABLE | PENDING).first()
    if request.method == "POST":
        form = ClosureForm(request.POST)
        if form.is_valid():
            try:
                closure = create_closure_request(channel.pk, actor=request.user, analysis=form.analysis())
            except Conflict as exc:
                return conflict_response(
                    request, message=str(exc), back_url=channel.get_absolute_url(), channel=channel
                )
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except Incomplete as exc:  # the form checks the same first; this is the domain's word
                add_domain_errors(form, exc.errors)
            else:
                if SUBMIT_BUTTON in request.POST:
                    return submit(request, closure)
                messages.success(request, _("The closure request has been saved as a draft."))
                return redirect(closure)
    else:
        if open_request is not None:
            messages.info(request, _("A closure request for this channel is already being drafted or decided."))
            return redirect(open_request)
        form = ClosureForm()
    return render(request, "plans/closure_form.html", {"channel": channel, "closure": None, "form": form})


@login_required
@require_safe
def closure_detail(request, pk):
    closure = get_visible_closure(request, pk)
    return render(request, "plans/closure_detail.html", detail_context(request, closure))


@login_required
@require_http_methods(GET_OR_POST)
def closure_edit(request, pk):
    closure = get_visible_closure(request, pk)
    if not rules.can_edit_closure(request.user, closure):
        raise PermissionDenied(_("Only the author can edit the request, while it is a draft or returned."))
    context = {"channel": closure.channel, "closure": closure, "returned": last_return(closure)}
    if request.method == "POST":
        form = ClosureForm(request.POST, instance=closure)
        if form.is_valid():
            revision = form.cleaned_data["revision"]
            try:
                closure = save_closure_request(
                    closure.pk,
                    actor=request.user,
                    expected_revision=revision if revision is not None else -1,
                    analysis=form.analysis(),
                )
            except Conflict:
                form.add_error(None, EDIT_CONFLICT_MESSAGE)
                return render(
                    request, "plans/closure_form.html", {**context, "form": form, "conflict": True}, status=409
                )
            except NotAllowed as exc:
                raise PermissionDenied(str(exc)) from exc
            except Incomplete as exc:  # the form checks the same first; this is the domain's word
                add_domain_errors(form, exc.errors)
            else:
                if SUBMIT_BUTTON in request.POST:
                    return submit(request, closure)
                messages.success(request, _("The closure request has been saved."))
                return redirect(closure)
        return render(request, "plans/closure_form.html", {**context, "form": form})
    if request.GET.get("kontrollera") == "1":
        # The stored request with every reason it cannot be submitted yet, at its field.
        data = {name: getattr(closure, name) for name in ClosureRequest.CONTENT_FIELDS}
        form = ClosureForm({**data, "revision": closure.revision}, instance=closure)
        form.is_valid()
        for field, msgs in closure_errors(closure).items():
            for message in msgs:
                if message not in form.errors.get(field, []):  # the form may have said it already
                    form.add_error(field, message)
        return render(request, "plans/closure_form.html", {**context, "form": form, "checked": True})
    return render(request, "plans/closure_form.html", {**context, "form": ClosureForm(instance=closure)})


@login_required
@require_POST
def closure_action(request, pk):
    closure = get_visible_closure(request, pk)
    form = ClosureDecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "plans/closure_detail.html", detail_context(request, closure, form), status=400)
    action = Action(form.cleaned_data["action"])
    try:
        transition(
            closure.pk,
            action,
            actor=request.user,
            expected_revision=form.cleaned_data["revision"],
            comment=form.cleaned_data["comment"],
        )
    except Conflict:
        return conflict_response(
            request, message=str(CONFLICT_MESSAGE), back_url=closure.get_absolute_url(), channel=closure.channel
        )
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    except Incomplete as exc:
        if action == Action.SUBMIT:
            _explain_incomplete(request, exc)
            return redirect(reverse("closures:edit", args=[closure.pk]) + "?kontrollera=1")
        add_domain_errors(form, exc.errors)
        return render(request, "plans/closure_detail.html", detail_context(request, closure, form), status=400)
    messages.success(request, ACTION_MESSAGES[action])
    return redirect(closure)
