"""Channels to measure, brought to their state through the domain (channel_register's factories)."""

import datetime

from channel_register.domain.channels import appoint
from channel_register.models import Channel
from channel_register.tests.channel_factories import active_channel, trained
from kob_social.history import update_with_history


def measured_channel(org, *, since: datetime.date | None = None, **overrides) -> Channel:
    """An active Länsbiblioteket channel (Facebook unless `platform` is given) owned by
    `medarbetare`. `since`: the date it entered the register, moved back so that older values
    may be recorded (arrange only)."""
    channel = active_channel(org, **overrides)
    appoint(channel.pk, actor=org.chef, owner=trained(org.medarbetare), screenshot_responsible=org.medarbetare)
    if since is not None:
        created = datetime.datetime.combine(since, datetime.time(9), tzinfo=datetime.UTC)
        update_with_history(Channel.objects.filter(pk=channel.pk), created_at=created)
        channel.refresh_from_db()
    return channel
