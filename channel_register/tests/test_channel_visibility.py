"""Who sees a channel (DOMAIN.md, "The channel's life"): the people of its unit and the
overseeing roles, and the public, which sees the channels in use and those closed after being in
use (issue 20), and no personal data.
"""

import json

import pytest

from channel_register.domain.channels import appoint
from channel_register.models import Channel
from channel_register.queries import channels_visible_to, public_channels
from plans.tests.factories import submitted_plan

from .channel_factories import trained
from .channel_life import (
    STATES,
    channel_in,
    media_root_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db


# --- Who sees which channel ---------------------------------------------------------------------


def test_channels_visible_to_by_role(org):
    library = submitted_plan(org.medarbetare).channel
    music = submitted_plan(
        org.medarbetare2,
        channel_name="Musik i Uppland",
        channel_url="https://www.facebook.com/musikiuppland",
    ).channel

    visible = {
        actor: sorted(channels_visible_to(getattr(org, actor)).values_list("pk", flat=True))
        for actor in ("medarbetare", "chef", "medarbetare2", "chef2", "kommunikator", "direktor", "admin")
    }

    both = sorted([library.pk, music.pk])
    assert visible == {
        "medarbetare": [library.pk],
        "chef": [library.pk],
        "medarbetare2": [music.pk],
        "chef2": [music.pk],
        "kommunikator": both,
        "direktor": both,
        "admin": both,
    }


# --- The public register ------------------------------------------------------------------------


@pytest.fixture
def channel_of_every_status(org):
    """One Länsbiblioteket channel per status, each with `medarbetare` as its owner."""
    trained(org.medarbetare)
    channels = {}
    for state in STATES:
        channel = channel_in(org, state, channel_name=f"Kanal {state}")
        if channel.owner_id is None:
            appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
        channels[state] = Channel.objects.get(pk=channel.pk)
    return channels


def test_public_channels_those_in_use_then_the_closed_ones_never_the_planned(org, channel_of_every_status):
    in_register = ["aktiv", "avvecklas", "pausad", "avslutad"]  # in use by unit, platform, name; then closed
    assert list(public_channels()) == [channel_of_every_status[state] for state in in_register]


def register_rows() -> list[dict]:
    """The public register as JSON/CSV would serialise it: platform, name, address, unit."""
    return [
        {
            "platform": channel.get_platform_display(),
            "name": channel.name,
            "url": channel.url,
            "unit": channel.unit.name,
        }
        for channel in public_channels()
    ]


def test_public_channels_serialised_contains_no_personal_data(org, channel_of_every_status, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = register_rows()

    text = json.dumps(rows, ensure_ascii=False)
    page = "https://www.facebook.com/lansbiblioteketuppsala"
    assert rows == [
        {"platform": "Facebook", "name": f"Kanal {state}", "url": page, "unit": "Länsbiblioteket"}
        for state in ("aktiv", "avvecklas", "pausad", "avslutad")
    ]
    people = [org.medarbetare, org.chef, org.kommunikator, org.direktor]
    leaked = [
        value
        for person in people
        for value in (person.full_name, person.email, person.username)
        if value.lower() in text.lower()
    ]
    assert leaked == []
