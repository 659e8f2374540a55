"""Who may measure a channel. Reading follows the channel (channel_register.rules.can_view_channel)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.queries import is_chef_of, is_overseer
from channel_register.enums import ChannelStatus
from channel_register.rules import is_channel_person

# A channel is measured from go-live until it is closed: a planned channel has nothing to
# measure, and a closed one is history.
MEASURED_STATUSES = frozenset({ChannelStatus.AKTIV, ChannelStatus.PAUSAD, ChannelStatus.AVVECKLAS})
# Why can_record_measurements said no, as NotAllowed says it.
NOT_ALLOWED = _(
    "Only the channel's people, its unit's manager and the communications officer can measure the channel, "
    "from go-live until it is closed."
)


def can_record_measurements(user: User, channel) -> bool:
    """Enter or import values: the channel's people, the unit's chef and the overseers, while the
    channel is measured. The cheap checks first: asking for the others is a query."""
    if not user.is_authenticated or not user.is_active or channel.status not in MEASURED_STATUSES:
        return False
    return is_overseer(user) or is_chef_of(user, channel.unit) or is_channel_person(user, channel)


def can_decide_import(user: User, batch) -> bool:
    """Save or cancel an import: whoever uploaded it, or whoever may measure its channel."""
    return user.is_authenticated and (user.pk == batch.uploaded_by_id or can_record_measurements(user, batch.channel))


# An evaluation is written while the channel is in use: a channel being closed is past it.
EVALUATED_STATUSES = frozenset({ChannelStatus.AKTIV, ChannelStatus.PAUSAD})
NOT_ALLOWED_TO_EVALUATE = _(
    "Only the channel's people, its unit's manager and the communications officer can evaluate the channel, "
    "while it is active or paused."
)


def can_evaluate(user: User, channel) -> bool:
    """Start or write an evaluation of the channel: whoever may measure it, while it is in use."""
    return channel.status in EVALUATED_STATUSES and can_record_measurements(user, channel)


def can_edit_evaluation(user: User, evaluation) -> bool:
    """Save or complete an evaluation: a draft, by whoever may evaluate its channel."""
    return evaluation.is_draft and can_evaluate(user, evaluation.channel)
