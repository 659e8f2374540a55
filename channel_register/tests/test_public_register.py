"""The public register of official channels: /kanaler/, /kanaler.json and /kanaler.csv, open
without login, list exactly the channels in use (active, paused, being closed) and, after them,
the closed ones that had been in use with their closing day (issue 20): platform, name, address,
unit, status and days, and nothing about the people who run them."""

import csv
import io
import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

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
JSON_KEYS = {
    "id",
    "platform",
    "platform_label",
    "name",
    "url",
    "unit",
    "status",
    "status_label",
    "official",
    "active_since",
    "closed_on",
    "register_url",
}
STOCKHOLM = ZoneInfo("Europe/Stockholm")
# The register fixture's days: the channels in use went live on the first, the closing ones on
# the second, and the closed one was closed on the second too.
STARTED = datetime(2026, 3, 2, 10, 0, tzinfo=STOCKHOLM)
CLOSING = datetime(2026, 9, 15, 23, 30, tzinfo=STOCKHOLM)  # 21:30 UTC: the local day is the 15th


def row(name, platform, label, url, unit, status, status_label, since, closed=None) -> dict:
    return {
        "platform": platform,
        "platform_label": label,
        "name": name,
        "url": url,
        "unit": unit,
        "status": status,
        "status_label": status_label,
        "official": status != "avslutad",
        "active_since": since,
        "closed_on": closed,
    }


LIBRARY_PAGE = "https://www.facebook.com/lansbiblioteketuppsala"
# The official channels by unit, platform and name, then the closed one.
EXPECTED_ROWS = [
    row(
        "Kanal som avvecklas",
        "facebook",
        "Facebook",
        LIBRARY_PAGE,
        "Länsbiblioteket",
        "avvecklas",
        "Avvecklas",
        "2026-09-15",
    ),
    row(
        "Läsfrämjande Facebook",
        "facebook",
        "Facebook",
        "https://www.facebook.com/lasframjande",
        "Länsbiblioteket",
        "aktiv",
        "Aktiv",
        "2026-03-02",
    ),
    row("Pausad kanal", "facebook", "Facebook", LIBRARY_PAGE, "Länsbiblioteket", "pausad", "Pausad", "2026-03-02"),
    row(
        "Biblioteksfilmer",
        "youtube",
        "YouTube",
        "https://www.youtube.com/@biblioteksfilmer",
        "Länsbiblioteket",
        "aktiv",
        "Aktiv",
        "2026-03-02",
    ),
    row(
        "Musik i Uppland på Instagram",
        "instagram",
        "Instagram",
        "https://www.instagram.com/musikiuppland",
        "Musik i Uppland",
        "aktiv",
        "Aktiv",
        "2026-03-02",
    ),
    row(
        "Avslutad kanal",
        "facebook",
        "Facebook",
        LIBRARY_PAGE,
        "Länsbiblioteket",
        "avslutad",
        "Avslutad",
        "2026-09-15",
        "2026-09-15",
    ),
]
OFFICIAL_NAMES = [expected["name"] for expected in EXPECTED_ROWS if expected["official"]]


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
def register(org, time_machine):
    """Two active library channels and one of Musik i Uppland, run by named people, beside
    a channel in every other status, and one closed without ever starting (never official)."""
    time_machine.move_to(STARTED, tick=False)
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
    never_started = submitted_plan(org.medarbetare, channel_name="Aldrig startad")
    transition(never_started.pk, Action.REJECT, actor=org.chef, comment="Nej.")
    time_machine.move_to(CLOSING, tick=False)
    closing_channel(org, channel_name="Kanal som avvecklas")
    closed = closing_channel(org, channel_name="Avslutad kanal")
    final_screenshot(closed, org.medarbetare)
    channel_transition(closed.pk, ChannelAction.CLOSE, actor=org.chef)
    statuses = sorted(Channel.objects.values_list("status", flat=True))
    assert statuses == sorted(
        [ChannelStatus.AKTIV] * 3
        + [ChannelStatus.PLANERAD, ChannelStatus.PAUSAD, ChannelStatus.AVVECKLAS]
        + [ChannelStatus.AVSLUTAD] * 2
    )


def test_public_register_html_lists_channels_in_use_then_closed_ones_without_login(client, register):
    response = client.get(reverse("public_register"))

    assert response.status_code == 200
    html = response.content.decode()
    official, closed = [part.split("</tbody>", 1)[0] for part in html.split("<tbody>")[1:]]
    assert re.findall(r'<th scope="row">(.*?)</th>', official) == OFFICIAL_NAMES
    assert re.findall(r'class="register-url">(.*?)</a>', official) == [
        expected["url"] for expected in EXPECTED_ROWS if expected["official"]
    ]
    assert re.findall(r"<td>(Aktiv|Pausad|Avvecklas|Avslutad)</td>|>(Aktiv|Pausad|Avvecklas)</span>", official) == [
        ("", "Avvecklas"),
        ("", "Aktiv"),
        ("", "Pausad"),
        ("", "Aktiv"),
        ("", "Aktiv"),
    ]
    # The closed one: named, its address as text and never a link, the days it was in use.
    assert re.findall(r'<th scope="row">(.*?)</th>', closed) == ["Avslutad kanal"]
    assert "<a " not in closed
    assert re.findall(r"<td>(\d{4}-\d\d-\d\d)</td>", closed) == ["2026-09-15", "2026-09-15"]
    assert ("Aldrig startad" in html, "Planerad kanal" in html) == (False, False)
    assert "public" not in response.get("Cache-Control", "")


def test_public_register_rows_are_anchored_for_the_lookups_link(client, register):
    html = client.get(reverse("public_register")).content.decode()

    ids = [int(pk) for pk in re.findall(r'<tr id="kanal-(\d+)">', html)]
    assert [Channel.objects.get(pk=pk).name for pk in ids] == [expected["name"] for expected in EXPECTED_ROWS]


def test_public_register_json_objects_with_exactly_the_documented_keys(client, register):
    response = client.get(reverse("public_register_json"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = json.loads(response.content)
    assert [set(row) for row in rows] == [JSON_KEYS] * len(EXPECTED_ROWS)
    ids = {name: pk for pk, name in Channel.objects.values_list("pk", "name")}
    assert rows == [
        {**expected, "id": ids[expected["name"]], "register_url": f"/kanaler/#kanal-{ids[expected['name']]}"}
        for expected in EXPECTED_ROWS
    ]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert sorted(response["Cache-Control"].split(", ")) == ["max-age=300", "public"]


def test_public_register_csv_header_and_rows(client, register):
    response = client.get(reverse("public_register_csv"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="kanaler.csv"'
    page = "https://www.facebook.com/lansbiblioteketuppsala"
    assert response.content.decode("utf-8") == (
        "\ufeffplatform;name;url;unit;status;active_since;closed_on\r\n"
        f"Facebook;Kanal som avvecklas;{page};Länsbiblioteket;Avvecklas;2026-09-15;\r\n"
        "Facebook;Läsfrämjande Facebook;https://www.facebook.com/lasframjande;Länsbiblioteket;Aktiv;2026-03-02;\r\n"
        f"Facebook;Pausad kanal;{page};Länsbiblioteket;Pausad;2026-03-02;\r\n"
        "YouTube;Biblioteksfilmer;https://www.youtube.com/@biblioteksfilmer;Länsbiblioteket;Aktiv;2026-03-02;\r\n"
        "Instagram;Musik i Uppland på Instagram;https://www.instagram.com/musikiuppland;Musik i Uppland;Aktiv;"
        "2026-03-02;\r\n"
        f"Facebook;Avslutad kanal;{page};Länsbiblioteket;Avslutad;2026-09-15;2026-09-15\r\n"
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
    table = re.compile(rb"<table.*</table>|^(?!.*<html).*", re.DOTALL)
    assert table.search(second.content).group(0) == table.search(first.content).group(0)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_register_cache_forgotten_when_a_channel_is_paused(client, org, register, endpoint):
    before = client.get(reverse(endpoint)).content.decode("utf-8-sig")
    channel = Channel.objects.get(name="Biblioteksfilmer")

    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    after = client.get(reverse(endpoint)).content.decode("utf-8-sig")

    def paused(body: str) -> int:  # the paused channels' status, not the name "Pausad kanal"
        return body.count("Pausad") - body.count("Pausad kanal")

    assert (paused(before), paused(after)) == (1, 2)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_public_register_cache_forgotten_when_a_unit_is_renamed(client, org, register, endpoint):
    client.get(reverse(endpoint))
    org.library.name = "Regionbiblioteket"

    org.library.save()
    body = client.get(reverse(endpoint)).content.decode("utf-8-sig")

    # The library's four channels in use and its closed one.
    assert (body.count("Regionbiblioteket"), "Länsbiblioteket" in body) == (5, False)


def test_public_register_cache_keeps_each_language_apart(client, register):
    swedish = client.get(reverse("public_register"), headers={"accept-language": "sv"})
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    english = client.get(reverse("public_register"))

    assert ("officiella kanaler" in swedish.content.decode(), "official channels" in english.content.decode()) == (
        True,
        True,
    )
