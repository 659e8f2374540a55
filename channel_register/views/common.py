"""What every view of the channel register shares: reading the channel the user may see (another
unit's channel is a 404) and answering a conflict."""

from django.http import Http404
from django.shortcuts import render

from ..models import Channel
from ..queries import channels_visible_to

PAGE_SIZE = 25
GET_OR_POST = ["GET", "HEAD", "POST"]

# The unit's chef is found by walking up the tree (accounts.queries.chef_of): reading the
# chain with the channel keeps the permission checks free of further queries.
UNIT_CHAIN = ["unit__chef", "unit__parent__chef", "unit__parent__parent__chef"]


def get_visible_channel(request, pk: int, refine=None) -> Channel:
    """The channel, if the user may read it; otherwise 404 (another unit's channel does not exist).
    One query: the list's selector (the rule rules.can_view_channel as a filter) puts the readable
    units in a subquery instead of reading them first."""
    channels = channels_visible_to(request.user).select_related(
        *UNIT_CHAIN, "owner", "screenshot_responsible", "feed_state"
    )
    # `refine` reads more with the channel in the same query (the channel's page: its summaries).
    channel = (refine(channels) if refine else channels).filter(pk=pk).first()
    if channel is None:
        raise Http404
    return channel


def conflict_response(request, *, message: str, back_url: str, channel: Channel | None = None):
    return render(
        request,
        "channels/conflict.html",
        {"message": message, "back_url": back_url, "channel": channel},
        status=409,
    )
