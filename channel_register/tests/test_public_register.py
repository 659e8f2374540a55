"""The public register of official channels: /kanaler/, /kanaler.json and /kanaler.csv, open
without login, list exactly the active channels (platform, name, address, unit) and nothing
about the people who run them."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.models import User
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, channel_transition
from channel_register.enums import ChannelAction, ChannelStatus, Platform
from channel_register.models import Channel
from plans.domain.transitions import transition
from plans.enums import Action
from plans.tests.factories import submitted_plan

from .channel_factories import (
    active_channel,
    closing_channel,
    final_screenshot,
    supervision_secured,
    tick_all,
    trained,
)

pytestmark = pytest.mark.django_db

ENDPOINTS = ["public_register", "public_register_json", "public_register_csv"]
JSON_KEYS = {"platform", "platform_label", "name", "url", "unit"}

# The active channels, in the register's order (unit, platform, name).
EXPECTED_ROWS = [
    {
        "platform": "facebook",
        "platform_label": "Facebook",
        "name": "Läsfrämjande Facebook",
        "url": "https://www.facebook.com/lasframjande",
        "unit": "Länsbiblioteket",
    },
    {
        "platform": "youtube",
        "platform_label": "YouTube",
        "name": "Biblioteksfilmer",
        "url": "https://www.youtube.com/@biblioteksfilmer",
        "unit": "Länsbiblioteket",
    },
    {
        "platform": "instagram",
        "platform_label": "Instagram",
        "name": "Musik i Uppland på Instagram",
        "url": "https://www.instagram.com/musikiuppland",
        "unit": "Musik i Uppland",
    },
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def active_music_channel(org) -> Channel:
    """An active channel of Musik i Uppland, through its own chain (chef2 decides)."""
    plan = submitted_plan(
        org.medarbetare2,
        platform=Platform.INSTAGRAM,
        channel_name="Musik i Uppland på Instagram",
        channel_url="https://www.instagram.com/musikiuppland",
    )
    for actor in (org.chef2, org.kommunikator, org.direktor):
        transition(plan.pk, Action.APPROVE, actor=actor)
    tick_all(plan.channel, org.chef2)
    supervision_secured(plan.channel, org.chef2)
    return channel_transition(plan.channel_id, ChannelAction.ACTIVATE, actor=org.chef2)


@pytest.fixture
def register(org):
    """Two active library channels and one of Musik i Uppland, run by named people, beside
    a channel in every other status."""
    colleague = trained(make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Per Kollega"))
    trained(org.medarbetare)
    for name, platform, url in [
        ("Läsfrämjande Facebook", Platform.FACEBOOK, "https://www.facebook.com/lasframjande"),
        ("Biblioteksfilmer", Platform.YOUTUBE, "https://www.youtube.com/@biblioteksfilmer"),
    ]:
        channel = active_channel(org, channel_name=name, platform=platform, channel_url=url)
        appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=colleague, others=[colleague])
    active_music_channel(org)
    submitted_plan(org.medarbetare, channel_name="Planerad kanal")
    paused = active_channel(org, channel_name="Pausad kanal")
    channel_transition(paused.pk, ChannelAction.PAUSE, actor=org.chef)
    closing_channel(org, channel_name="Kanal som avvecklas")
    closed = closing_channel(org, channel_name="Avslutad kanal")
    final_screenshot(closed, org.medarbetare)
    channel_transition(closed.pk, ChannelAction.CLOSE, actor=org.chef)
    statuses = sorted(Channel.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [ChannelStatus.AKTIV] * 3
        + [ChannelStatus.PLANERAD, ChannelStatus.PAUSAD, ChannelStatus.AVVECKLAS, ChannelStatus.AVSLUTAD]
    )


def test_public_register_html_lists_exactly_active_channels_without_login(client, register):
    response = client.get(reverse("public_register"))

    assert response.status_code == 200
    html = response.content.decode()
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert re.findall(r'<th scope="row">(.*?)</th>', table) == [row["name"] for row in EXPECTED_ROWS]
    assert re.findall(r'class="register-url">(.*?)</a>', table) == [row["url"] for row in EXPECTED_ROWS]
    assert "public" not in response.get("Cache-Control", "")


def test_public_register_json_objects_with_exactly_the_documented_keys(client, register):
    response = client.get(reverse("public_register_json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = json.loads(response.content)
    assert [set(row) for row in rows] == [JSON_KEYS] * len(EXPECTED_ROWS)
    assert rows == EXPECTED_ROWS
    assert response["Access-Control-Allow-Origin"] == "*"
    assert sorted(response["Cache-Control"].split(", ")) == ["max-age=300", "public"]


def test_public_register_csv_header_and_rows(client, register):
    response = client.get(reverse("public_register_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kanaler.csv"'
    assert response.content.decode("utf-8") == (
        "\ufeffplatform;name;url;unit\r\n"
        "Facebook;Läsfrämjande Facebook;https://www.facebook.com/lasframjande;Länsbiblioteket\r\n"
        "YouTube;Biblioteksfilmer;https://www.youtube.com/@biblioteksfilmer;Länsbiblioteket\r\n"
        "Instagram;Musik i Uppland på Instagram;https://www.instagram.com/musikiuppland;Musik i Uppland\r\n"
    )
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_register_contains_no_personal_data(client, register, endpoint):
    people = list(User.objects.values_list("full_name", "email"))

    body = client.get(reverse(endpoint)).content.decode("utf-8-sig")

    assert len(people) == 8 + 6  # the org's, and the go-live monitor of each of the six channels
    assert [name for name, _email in people if name in body] == []
    assert [email for _name, email in people if email in body] == []


def test_public_register_csv_formula_cell_quoted(client, org):
    active_channel(org, channel_name='=HYPERLINK("https://example.com")')

    response = client.get(reverse("public_register_csv"))

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows] == ["name", '\'=HYPERLINK("https://example.com")']


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_register_post_405(client, org, endpoint):
    response = client.post(reverse(endpoint))

    assert response.status_code == 405


# --- The cache (channel_register/public.py) ------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_register_second_request_answered_from_the_cache_without_a_query(
    client, register, endpoint, django_assert_num_queries
):
    first = client.get(reverse(endpoint))

    with django_assert_num_queries(0):
        second = client.get(reverse(endpoint))

    # The page's frame differs (a fresh CSRF token in the language form); the register does not.
    table = re.compile(rb"<table>.*</table>|^(?!.*<html).*", re.DOTALL)
    assert table.search(second.content).group(0) == table.search(first.content).group(0)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_register_cache_forgotten_when_a_channel_is_paused(client, org, register, endpoint):
    before = client.get(reverse(endpoint)).content.decode("utf-8-sig")
    channel = Channel.objects.get(name="Biblioteksfilmer")

    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    after = client.get(reverse(endpoint)).content.decode("utf-8-sig")

    assert ("Biblioteksfilmer" in before, "Biblioteksfilmer" in after) == (True, False)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_register_cache_forgotten_when_a_unit_is_renamed(client, org, register, endpoint):
    client.get(reverse(endpoint))
    org.library.name = "Regionbiblioteket"

    org.library.save()
    body = client.get(reverse(endpoint)).content.decode("utf-8-sig")

    assert (body.count("Regionbiblioteket"), "Länsbiblioteket" in body) == (2, False)


def test_public_register_cache_keeps_each_language_apart(client, register):
    swedish = client.get(reverse("public_register"), headers={"accept-language": "sv"})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    english = client.get(reverse("public_register"))

    assert ("officiella kanaler" in swedish.content.decode(), "official channels" in english.content.decode()) == (
        True,
        True,
    )
