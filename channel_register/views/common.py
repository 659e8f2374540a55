"""What every view of the channel register shares: reading the channel the user may see (another
unit's channel is a 404) and answering a conflict."""

from django.http import Http404
from django.shortcuts import render

from .. import rules
from ..models import Channel

PAGE_SIZE = 25
GET_OR_POST = ["GET", "HEAD", "POST"]

# The unit's chef is found by walking up the tree (accounts.queries.chef_of): reading the
# chain with the channel keeps the permission checks free of further queries.
UNIT_CHAIN = ["unit__chef", "unit__parent__chef", "unit__parent__parent__chef"]


def get_visible_channel(request, pk: int) -> Channel:
    """The channel, if the user may read it; otherwise 404 (another unit's channel does not exist)."""
    channel = (
        Channel.objects.select_related(*UNIT_CHAIN, "owner", "screenshot_responsible", "feed_state")
        .filter(pk=pk)
        .first()
    )
    if channel is None or not rules.can_view_channel(request.user, channel):
        raise Http404
    return channel


def conflict_response(request, *, message: str, back_url: str, channel: Channel | None = None):
    return render(
        request,
        "channels/conflict.html",
        {"message": message, "back_url": back_url, "channel": channel},
        status=409,
    )
