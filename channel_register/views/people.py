"""Who runs the channel: the chef appoints the owner, the other people and the screenshot
responsible, and makes the agreement (tasks and hours) that the owner confirms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.rules import training_registrable
from kob_social.errors import Conflict, NotAllowed, errors_to_form

from .. import rules
from ..domain import channels as domain
from ..forms import AgreementForm, AppointForm
from ..models import Agreement
from .common import GET_OR_POST, get_visible_channel


@login_required
@require_http_methods(GET_OR_POST)
def appoint(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_appoint(request.user, channel):
        raise PermissionDenied(_("Only the unit's manager can appoint the people of a channel."))
    current_others = list(channel.others.all())
    if request.method != "POST":
        form = AppointForm(
            channel=channel,
            current_others=current_others,
            initial={
                "owner": channel.owner_id,
                "screenshot_responsible": channel.screenshot_responsible_id,
                "others": [person.pk for person in current_others],
                "revision": channel.revision,
            },
        )
        return render(request, "channels/appoint.html", appoint_context(request, channel, form))
    form = AppointForm(request.POST, channel=channel, current_others=current_others)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with errors_to_form(form):
                domain.appoint(
                    channel.pk,
                    actor=request.user,
                    owner=data["owner"],
                    screenshot_responsible=data["screenshot_responsible"],
                    others=list(data["others"]),
                    expected_revision=data["revision"],
                )
        except Conflict as exc:
            form.add_error(None, str(exc))
            return render(request, "channels/appoint.html", appoint_context(request, channel, form), status=409)
        if not form.errors:
            messages.success(request, _("The people of the channel have been saved."))
            return redirect(channel.get_absolute_url() + "#people-heading")
    return render(request, "channels/appoint.html", appoint_context(request, channel, form))


def appoint_context(request, channel, form: AppointForm) -> dict:
    """The form, and who cannot be appointed and why, each with a link to register their
    training for whoever may (accounts.rules.can_register_training_for, asked of them all in one
    query: training_registrable)."""
    people = [person.pk for person, _reason in form.unavailable]
    registrable = set(training_registrable(request.user).filter(pk__in=people).values_list("pk", flat=True))
    unavailable = [
        {"person": person, "reason": reason, "can_register": person.pk in registrable}
        for person, reason in form.unavailable
    ]
    return {"channel": channel, "form": form, "unavailable": unavailable}


@login_required
@require_http_methods(GET_OR_POST)
def agreement_create(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_appoint(request.user, channel):
        raise PermissionDenied(_("Only the unit's manager can make an agreement for the channel."))
    if request.method != "POST":
        form = AgreementForm(channel=channel, initial={"owner": channel.owner_id})
        return render(request, "channels/agreement_form.html", {"channel": channel, "form": form})
    form = AgreementForm(request.POST, channel=channel)
    if form.is_valid():
        with errors_to_form(form):
            domain.propose_agreement(
                channel.pk,
                actor=request.user,
                owner=form.cleaned_data["owner"],
                tasks=form.cleaned_data["tasks"],
                hours_per_week=form.cleaned_data["hours_per_week"],
            )
        if not form.errors:
            messages.success(
                request, _("The agreement has been saved and confirmed by you. The owner confirms it in turn.")
            )
            return redirect(channel.get_absolute_url() + "#agreements-heading")
    return render(request, "channels/agreement_form.html", {"channel": channel, "form": form})


@login_required
@require_POST
def agreement_confirm(request, pk):
    agreement = Agreement.objects.select_related("channel__unit").filter(pk=pk).first()
    if agreement is None or not rules.can_view_channel(request.user, agreement.channel):
        raise Http404
    try:
        domain.confirm_agreement(agreement.pk, actor=request.user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    messages.success(request, _("You have confirmed the agreement."))
    return redirect(agreement.channel.get_absolute_url() + "#agreements-heading")
