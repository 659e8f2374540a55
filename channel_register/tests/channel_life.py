"""What the tests of the channel's life (DOMAIN.md, "The channel's life") share
(test_channel_status.py, test_channel_people.py, test_channel_visibility.py): a channel brought
to each status, everything a refused request must leave as it was, and two fixtures:
`media_root` (autouse) and `english`.

The fixtures are functions named `*_fixture` registered under their own names: a test module
imports them (with `# noqa: F401`, as only pytest looks them up) and its tests ask for
`english`, a parameter that then shadows no import. `media_root` is autouse, so every test of a
module that imports it writes its screenshots under its own directory.
"""

from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from channel_register.domain.channels import channel_transition
from channel_register.enums import ChannelAction
from channel_register.models import Channel

from .channel_factories import active_channel, closing_channel, final_screenshot, planned_channel_ready

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STATES = ["planerad", "aktiv", "pausad", "avvecklas", "avslutad"]


@pytest.fixture(name="media_root", autouse=True)
def media_root_fixture(settings, tmp_path):
    """Screenshots recorded on the way to avvecklas are written here, not under var/."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(name="english")
def english_fixture():
    with translation.override("en"):
        yield


def channel_row(channel: Channel) -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "row": Channel.objects.filter(pk=channel.pk).values().get(),
        "others": sorted(channel.others.values_list("pk", flat=True)),
        "history": Channel.history.filter(id=channel.pk).count(),
    }


def channel_in(org, state: str, **overrides) -> Channel:
    """A Länsbiblioteket channel brought to `state` through the domain, with every
    precondition of the next step met. `overrides` go to the channel's plan."""
    if state == "planerad":
        channel = planned_channel_ready(org, **overrides)
    elif state in ("aktiv", "pausad"):
        channel = active_channel(org, **overrides)
        if state == "pausad":
            channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    else:
        channel = closing_channel(org, **overrides)
        final_screenshot(channel, org.medarbetare)
        if state == "avslutad":
            channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)
    channel.refresh_from_db()
    assert channel.status == state
    return channel
