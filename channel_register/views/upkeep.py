"""The channel's update log and feed address: logging an update by hand, the whole log,
deleting a wrongly logged entry, and setting the feed address.

As everywhere in the channel register, the channel is read through `get_visible_channel`
(another unit's channel is a 404), the rule for the action is asked (403 when refused), and
the change is left to one domain function (channel_register.domain.updates), whose messages are tied to
the form's fields.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.queries import is_chef_of
from kob_social.errors import NotAllowed, errors_to_form

from .. import rules
from ..domain import updates as domain
from ..enums import ChannelStatus
from ..forms import FeedUrlForm, UpdateForm
from ..models import Channel, ChannelUpdate
from ..queries import rhythm_results
from .channels import RHYTHM_STRIP, rhythm_cell
from .common import GET_OR_POST, PAGE_SIZE, UNIT_CHAIN, get_visible_channel


def refuse_logging(channel: Channel):
    """Say why: the channel's state when that is the reason (whoever asks), the role otherwise."""
    if channel.status == ChannelStatus.PLANERAD:
        raise PermissionDenied(_("The channel is not active yet: updates are logged once it has gone live."))
    if channel.status not in rules.UPDATE_STATUSES:
        raise PermissionDenied(_("Updates are logged only while the channel is active or paused."))
    raise PermissionDenied(_("Only the channel's people, its manager and the communications officer can do this."))


@login_required
@require_http_methods(GET_OR_POST)
def update_create(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_log_update(request.user, channel):
        refuse_logging(channel)
    if request.method == "POST":
        form = UpdateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            with errors_to_form(form):
                domain.log_update(
                    channel, request.user, published_on=data["published_on"], link=data["link"], note=data["note"]
                )
            if not form.errors:
                messages.success(request, _("The update has been logged."))
                return redirect(channel.get_absolute_url() + "#updates-heading")
    else:
        form = UpdateForm(initial={"published_on": timezone.localdate()})
    return render(request, "channels/update_form.html", {"channel": channel, "form": form})


@login_required
@require_safe
def update_log(request, pk):
    """Every update of the channel, newest first, by hand or from the feed; above them the
    last checked periods of the update rhythm (oldest first, as a strip reads)."""
    channel = get_visible_channel(request, pk)
    user = request.user
    page = Paginator(channel.updates.select_related("logged_by"), PAGE_SIZE).get_page(request.GET.get("sida"))
    # Asked once for the page, not once per row.
    chef = is_chef_of(user, channel.unit)
    for update in page:
        update.channel = channel
        update.can_delete = rules.can_delete_update(user, update, chef=chef)
    context = {
        "channel": channel,
        "page": page,
        "rhythm_cells": [rhythm_cell(check) for check in reversed(rhythm_results(channel, limit=RHYTHM_STRIP))],
        "can_log_update": rules.can_log_update(user, channel),
    }
    return render(request, "channels/update_log.html", context)


@login_required
@require_POST
def update_delete(request, pk):
    update = (
        ChannelUpdate.objects.select_related(*(f"channel__{path}" for path in UNIT_CHAIN), "logged_by")
        .filter(pk=pk)
        .first()
    )
    if update is None or not rules.can_view_channel(request.user, update.channel):
        raise Http404
    try:
        deleted = domain.delete_update(update, request.user)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
    if deleted:
        messages.success(
            request,
            _("The update of %(day)s has been deleted.")
            % {"day": date_format(timezone.localtime(update.published_at), "j F Y")},
        )
    else:
        messages.info(request, _("The update had been deleted already."))
    return redirect("channel_register:update_log", pk=update.channel_id)


@login_required
@require_http_methods(GET_OR_POST)
def feed_url(request, pk):
    channel = get_visible_channel(request, pk)
    if not rules.can_set_feed_url(request.user, channel):
        if channel.status == ChannelStatus.AVSLUTAD:
            raise PermissionDenied(_("A closed channel has no feed to read."))
        raise PermissionDenied(_("Only the channel's owner, its manager and the communications officer can do this."))
    if request.method == "POST":
        form = FeedUrlForm(request.POST)
        if form.is_valid():
            before = channel.feed_url
            with errors_to_form(form):
                domain.set_feed_url(channel, request.user, form.cleaned_data["feed_url"])
            if not form.errors:
                if channel.feed_url == before:
                    messages.info(request, _("The feed address was already this one: nothing was changed."))
                elif channel.feed_url:
                    messages.success(
                        request, _("The feed address has been saved. The feed is read within a few hours.")
                    )
                else:
                    messages.success(request, _("The feed address has been removed: no feed is read any more."))
                return redirect(channel.get_absolute_url() + "#feed-heading")
    else:
        form = FeedUrlForm(initial={"feed_url": channel.feed_url})
    return render(request, "channels/feed_form.html", {"channel": channel, "form": form})
