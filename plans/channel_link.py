"""What the plans tell the channel register (channel_register.hooks), connected at start-up
by PlansConfig.ready: whether a channel has an approved plan, the update rhythm of each
channel's plan in force, and the plans and closure requests shown on the channel's page."""

from django.utils.translation import gettext as _

from channel_register.enums import ChannelStatus
from channel_register.hooks import PlanLink

from . import rules
from .enums import EDITABLE, PENDING, PlanStatus
from .queries import has_approved_plan, plans_visible_to, update_rhythms


def channel_page(request, channel) -> dict:
    """The channel page's plans section (every version the user may read, the one in force
    marked) and closure section (requests, and whether the user may start one). Two queries."""
    user = request.user
    plans = list(plans_visible_to(user).filter(channel=channel).order_by("-version_number", "-pk"))
    in_force = next((plan for plan in plans if plan.status == PlanStatus.GODKAND), None)
    for plan in plans:
        plan.kind = (
            _("In force")
            if plan is in_force
            else _("Being drafted or decided")
            if plan.status in EDITABLE | PENDING
            else _("Older version")
        )
    closures = list(channel.closures.select_related("author"))
    open_closure = next((closure for closure in closures if closure.is_editable or closure.is_pending), None)
    return {
        "plans": plans,
        "plan_in_force": in_force,
        "required_rhythm": in_force.update_frequency_display if in_force else "",
        "closures": closures,
        "open_closure": open_closure,
        "can_request_closure": open_closure is None
        and channel.status in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD)
        and rules.can_request_closure(user, channel),
        "page_sections": {
            "plans": "plans/includes/channel_plans.html",
            "closures": "plans/includes/channel_closures.html",
        },
    }


LINK = PlanLink(has_approved_plan=has_approved_plan, update_rhythms=update_rhythms, channel_page=channel_page)
