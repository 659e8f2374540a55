"""Who may do what with a channel. Views and domain functions ask here; nothing else decides.

Unit members read their unit's channels; overseers (accounts.queries.is_overseer) read all;
another unit's channel is a 404. Going live, pausing and the checklist belong to the unit's
chef and the kommunikationsansvarig; the people of a channel are appointed by the chef.
"""

from accounts.models import User
from accounts.queries import is_chef_of, is_overseer
from accounts.rules import can_read_unit

from .enums import ChannelStatus, UpdateSource

# --- Channels ---------------------------------------------------------------------------------


def can_view_channel(user: User, channel) -> bool:
    """Unit members read their unit's channels; overseers read all; others get a 404."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_overseer(user) or can_read_unit(user, channel.unit)


def can_manage_channel(user: User, channel) -> bool:
    """Go-live, pause, checklist: the unit's chef and the kommunikationsansvarig."""
    return (
        user.is_authenticated and user.is_active and (user.is_kommunikationsansvarig or is_chef_of(user, channel.unit))
    )


def can_appoint(user: User, channel) -> bool:
    """Owners, others and the screenshot responsible are set by the unit's chef."""
    return user.is_authenticated and user.is_active and is_chef_of(user, channel.unit)


def is_channel_person(user: User, channel) -> bool:
    """The owner and the other people who run the channel. Asking for the others is a query,
    unless they came with the channel (prefetch_related("others"), as on the channel's page,
    which asks several rules in a row)."""
    if not user.is_authenticated:
        return False
    if user.pk in (channel.owner_id, channel.screenshot_responsible_id):
        return True
    prefetched = getattr(channel, "_prefetched_objects_cache", {}).get("others")
    if prefetched is not None:
        return any(person.pk == user.pk for person in prefetched)
    return channel.others.filter(pk=user.pk).exists()


def can_edit_roster(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or is_channel_person(user, channel)


def can_log_removal(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or is_channel_person(user, channel)


def can_record_screenshot(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or is_channel_person(user, channel)


def can_confirm_inventory(user: User, channel) -> bool:
    return user.is_authenticated and user.is_active and (user.pk == channel.owner_id or can_appoint(user, channel))


# --- Updates and the feed ---------------------------------------------------------------------

# Updates are logged while the channel is in use: a planned channel has not started, a channel
# being closed or closed is not held to its rhythm any more.
UPDATE_STATUSES = frozenset({ChannelStatus.AKTIV, ChannelStatus.PAUSAD})


def can_log_update(user: User, channel) -> bool:
    """The owner and the channel's other people, the unit's chef, and the overseers
    (kommunikationsansvarig, kulturdirektör, administrators), while the channel is active or
    paused. The cheap checks first: asking for the others is a query."""
    if not user.is_authenticated or not user.is_active or channel.status not in UPDATE_STATUSES:
        return False
    return is_overseer(user) or is_chef_of(user, channel.unit) or is_channel_person(user, channel)


def can_delete_update(user: User, update, *, chef: bool | None = None) -> bool:
    """A wrongly logged entry is deleted by whoever logged it, or by the unit's chef. Entries
    read from the feed are facts about the channel, not anyone's entry: they stay.

    `chef` is `is_chef_of(user, channel.unit)` if the caller has asked already (a list asks
    once, not per row)."""
    if not user.is_authenticated or not user.is_active or update.source != UpdateSource.MANUAL:
        return False
    if update.channel.status not in UPDATE_STATUSES:
        return False
    if update.logged_by_id == user.pk:
        return True
    return is_chef_of(user, update.channel.unit) if chef is None else chef


def can_set_feed_url(user: User, channel) -> bool:
    """The channel's feed address: its owner, the unit's chef and the overseers, until it is closed."""
    if not user.is_authenticated or not user.is_active or channel.status == ChannelStatus.AVSLUTAD:
        return False
    return user.pk == channel.owner_id or is_overseer(user) or is_chef_of(user, channel.unit)
