"""Writes about a channel's update log and its feed address: an update logged by hand, a
wrongly logged one deleted, the feed address set, changed or cleared.

Updates read from the feed are written by the feed reader (channel_register.domain.feeds), never here;
the weekly rhythm check (channel_register.domain.rhythm) counts both kinds alike.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import domain as audit
from kob_social.errors import Incomplete, NotAllowed

from .. import rules
from ..enums import UpdateSource
from ..models import Channel, ChannelUpdate

NOTE_MAX_LENGTH = 300
URL_MAX_LENGTH = 500

# A manual entry says on which day something was published, not when: it counts as published
# at noon, local time, so that it falls on that day in every week or month it is checked in,
# whatever the offset to UTC (summer time included).
MANUAL_PUBLISHING_TIME = datetime.time(12, 0)


def web_address_errors(url: str) -> list[str]:
    """Why `url` is not a web address (http or https) a browser can open; empty if it is."""
    if len(url) > URL_MAX_LENGTH:
        return [_("The address can be at most %(max)d characters long.") % {"max": URL_MAX_LENGTH}]
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return [_("Enter a web address that starts with https:// or http://.")]
    return []


def published_at_noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, MANUAL_PUBLISHING_TIME), timezone.get_default_timezone())


def log_update(
    channel: Channel, actor: User, *, published_on: datetime.date, link: str = "", note: str = ""
) -> ChannelUpdate:
    """Log an update of the channel by hand (see rules.can_log_update for who may).

    The day may not be in the future; the link, if any, is a web address; the note is short."""
    if not rules.can_log_update(actor, channel):
        raise NotAllowed(_("Only the channel's people, its manager and the communications officer can do this."))
    link, note = (link or "").strip(), (note or "").strip()
    errors: dict[str, list[str]] = {}
    if published_on > timezone.localdate():
        errors["published_on"] = [_("The date cannot be in the future.")]
    if link and (link_errors := web_address_errors(link)):
        errors["link"] = link_errors
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("The note can be at most %(max)d characters long.") % {"max": NOTE_MAX_LENGTH}]
    if errors:
        raise Incomplete(errors)
    with transaction.atomic():
        update = ChannelUpdate.objects.create(
            channel=channel,
            published_at=published_at_noon(published_on),
            source=UpdateSource.MANUAL,
            link=link,
            note=note,
            logged_by=actor,
        )
        audit.record("channel_register.update.logged", about=update, actor=actor)
    return update


def delete_update(update: ChannelUpdate, actor: User) -> bool:
    """Delete a wrongly logged manual entry (see rules.can_delete_update). Feed entries stay.

    Returns whether this call deleted it: False when a second click finds it gone already."""
    if not rules.can_delete_update(actor, update):
        raise NotAllowed(_("Only the person who logged the update, or the unit's manager, can delete it."))
    with transaction.atomic():
        deleted, _per_model = ChannelUpdate.objects.filter(pk=update.pk, source=UpdateSource.MANUAL).delete()
        if deleted:
            # The log keeps what was deleted: the row itself is gone.
            audit.record(
                "channel_register.update.deleted",
                about=update,
                actor=actor,
                reason=" ".join(
                    filter(None, [f"{timezone.localtime(update.published_at):%Y-%m-%d}", update.link, update.note])
                ),
            )
    return deleted > 0


def set_feed_url(channel: Channel, actor: User, url: str) -> Channel:
    """Set, change or clear (an empty `url`) the address of the channel's RSS/Atom feed.

    Saved with update_fields, so the channel's history records the change and by whom and
    nothing else of the channel is written. The feed's reading state (ChannelFeed) is left
    as it is: the reader notices the new address and starts over. The channel's revision is
    not bumped: no other form shows the feed address, so none of them is made stale by it."""
    if not rules.can_set_feed_url(actor, channel):
        raise NotAllowed(_("Only the channel's owner, its manager and the communications officer can do this."))
    url = (url or "").strip()
    if url and (errors := web_address_errors(url)):
        raise Incomplete({"feed_url": errors})
    if url == channel.feed_url:
        return channel
    reason = (
        _("Cleared the feed address")
        if not url
        else _("Set the feed address")
        if not channel.feed_url
        else _("Changed the feed address")
    )
    channel.feed_url = url
    channel._history_user = actor
    channel._change_reason = reason
    channel.save(update_fields=["feed_url"])
    return channel
