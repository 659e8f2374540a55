"""The lookup's page (/kanaler/sok/) and JSON (/kanaler/sok.json) (issue 20): open to anyone,
a clear Swedish answer for any input (never a 500), one query per lookup and none for a cached
one, CORS and the register's caching for the JSON, a limit per client address answered with 429
and Retry-After, and nothing of what was asked kept with who asked."""

import json
import logging
import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from channel_register.addresses import MAX_QUERY_LENGTH
from channel_register.enums import Platform

from .channel_factories import active_channel
from .channel_life import channel_in

pytestmark = pytest.mark.django_db

PAGE = reverse("public_lookup")
JSON = reverse("public_lookup_json")
OFFICIAL_URL = "https://www.instagram.com/kulturochbildning"
CLOSED_URL = "https://www.instagram.com/gamlakonsthallen"
CLIENT = "198.51.100.23"


@pytest.fixture
def register(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    official = active_channel(org, channel_name="KoB Instagram", platform=Platform.INSTAGRAM, channel_url=OFFICIAL_URL)
    closed = channel_in(
        org, "avslutad", channel_name="Gamla konsthallen", platform=Platform.INSTAGRAM, channel_url=CLOSED_URL
    )
    return {"official": official, "closed": closed}


def ask(client, address: str, *, url=PAGE, client_address=CLIENT):
    return client.get(url, {"adress": address}, REMOTE_ADDR=client_address)


def answer_section(response) -> str:
    match = re.search(r'<section class="lookup-answer[^"]*".*?</section>', response.content.decode(), re.DOTALL)
    return match.group(0) if match else ""


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- The page ----------------------------------------------------------------------------------


def test_the_register_links_to_the_lookup_and_carries_its_form(client, register):
    html = client.get(reverse("public_register")).content.decode()

    assert f'action="{PAGE}"' in html
    assert 'name="adress"' in html


def test_the_page_without_a_question_shows_the_form_only(client, register, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(PAGE)

    assert response.status_code == 200
    assert answer_section(response) == ""
    assert '<form method="get"' in response.content.decode()


def test_an_official_channel_is_named_with_platform_unit_and_day_and_links_to_its_row(client, register):
    response = ask(client, "instagram.com/KulturOchBildning/?igsh=abc")

    assert response.status_code == 200
    section = answer_section(response)
    day = register["official"].activated_at.astimezone().date().isoformat()
    assert text_of(section) == (
        "Officiell kanal Ja. Det här är en officiell kanal för Kultur och bildning, Region Uppsala. "
        f"Kanal KoB Instagram Plattform Instagram Enhet Länsbiblioteket Status Aktiv I bruk sedan {day} "
        f"Adress {OFFICIAL_URL} KoB Instagram i registret"
    )
    assert f'href="/kanaler/#kanal-{register["official"].pk}"' in section
    assert f'<a href="{OFFICIAL_URL}" rel="noopener noreferrer">' in section


def test_a_closed_channel_is_no_longer_ours_and_its_address_is_no_link(client, register):
    section = answer_section(ask(client, "@gamlakonsthallen"))

    day = register["closed"].closed_at.astimezone().date()
    assert text_of(section).startswith(
        "Inte längre en officiell kanal Nej, inte längre. Det här var en officiell kanal för Kultur och bildning, "
        f"men den avslutades den {day.day} "
    )
    assert f"Avslutad {day.isoformat()}" in text_of(section)
    assert CLOSED_URL not in section
    assert "mailto:kulturochbildning@regionuppsala.se" in section


def test_an_unknown_account_is_not_in_the_register_with_where_to_report_it(client, register):
    section = answer_section(ask(client, "https://www.instagram.com/kultur_och_bildning"))

    assert text_of(section) == (
        "Finns inte i registret Nej. Kontot finns inte i vårt register, så det är inte en officiell kanal för "
        "Kultur och bildning, även om det använder vårt namn eller vår logotyp. Misstänker du att kontot utger sig "
        "för att vara vårt? Berätta det för oss på kulturochbildning@regionuppsala.se och anmäl det till "
        "plattformen som ett falskt konto."
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv adressen eller användarnamnet för kontot som du vill kontrollera."),
        ("Kultur och bildning på Facebook", "Det där är varken en adress eller ett användarnamn."),
        ("javascript:alert(document.cookie)", "Det där är varken en adress eller ett användarnamn."),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "Det där är en länk till ett enskilt inlägg eller klipp"),
        ("https://www.facebook.com/", "Det där är plattformens egen sida, inte ett kontos."),
        ("https://x.com/" + "a" * MAX_QUERY_LENGTH, "Det där är längre än adressen till något konto"),
        ("\x00\x01<script>", "Det där är varken en adress eller ett användarnamn."),
    ],
)
def test_bad_input_gets_a_clear_swedish_answer_at_the_field(client, register, typed, message):
    response = ask(client, typed)

    assert response.status_code == 200
    html = response.content.decode()
    error = re.search(r'<p class="errorlist" id="lookup-address-error">(.*?)</p>', html, re.DOTALL)
    assert error is not None
    assert error.group(1).startswith(message)
    assert 'aria-invalid="true"' in html
    assert "<script>" not in html.split("<main", 1)[1]


def test_what_was_typed_is_kept_in_the_field_escaped(client, register):
    html = ask(client, 'https://example.se/"><b>hej</b>').content.decode()

    assert 'value="https://example.se/&quot;&gt;&lt;b&gt;hej&lt;/b&gt;"' in html


def test_a_lookup_through_the_page_is_one_query_and_a_cached_one_none(client, register, django_assert_num_queries):
    with django_assert_num_queries(1):
        ask(client, OFFICIAL_URL)
    with django_assert_num_queries(0):
        again = ask(client, "https://m.instagram.com/kulturochbildning/")

    assert "Officiell kanal" in answer_section(again)


@pytest.mark.parametrize("url", [PAGE, JSON])
def test_post_is_refused(client, url):
    assert client.post(url, {"adress": OFFICIAL_URL}).status_code == 405


# --- JSON --------------------------------------------------------------------------------------


def test_json_answers_with_the_register_row_cors_and_the_registers_caching(client, register):
    response = ask(client, "https://www.instagram.com/gamlakonsthallen/", url=JSON)

    assert response.status_code == 200
    body = json.loads(response.content)
    assert (body["answer"], body["reason"], body["handle"]) == ("formerly_official", "", False)
    assert body["message"].startswith("Nej, inte längre. Det här var en officiell kanal")
    assert [(row["name"], row["status"], row["official"]) for row in body["channels"]] == [
        ("Gamla konsthallen", "avslutad", False)
    ]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Language"] == "sv"
    assert sorted(response["Cache-Control"].split(", ")) == ["max-age=300", "public"]


def test_json_answers_in_swedish_whatever_the_browsers_language(client, register):
    response = client.get(JSON, {"adress": "@nagon"}, headers={"accept-language": "en"}, REMOTE_ADDR=CLIENT)

    assert json.loads(response.content)["message"].startswith("Nej. Kontot finns inte i vårt register")


@pytest.mark.parametrize("typed", ["", "två ord", "x" * (MAX_QUERY_LENGTH + 1)])
def test_json_bad_input_is_400_with_the_reason_in_words(client, register, typed):
    response = ask(client, typed, url=JSON)

    assert response.status_code == 400
    body = json.loads(response.content)
    assert (body["answer"], body["channels"]) == ("unreadable", [])
    assert body["reason"] in {"empty", "not_an_address", "too_long"}
    assert body["message"]


def test_json_without_the_parameter_is_an_empty_question(client, register):
    response = client.get(JSON, REMOTE_ADDR=CLIENT)

    assert (response.status_code, json.loads(response.content)["reason"]) == (400, "empty")


# --- The limit per client address ---------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, JSON])
def test_over_the_limit_a_client_gets_429_with_retry_after_and_others_do_not(
    client, register, settings, time_machine, url
):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 3
    time_machine.move_to("2026-12-04 10:00:20+00:00", tick=False)

    statuses = [ask(client, OFFICIAL_URL, url=url).status_code for _ in range(3)]
    refused = ask(client, OFFICIAL_URL, url=url)
    other = ask(client, OFFICIAL_URL, url=url, client_address="203.0.113.99")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    assert other.status_code == 200
    time_machine.shift(int(refused["Retry-After"]))
    assert ask(client, OFFICIAL_URL, url=url).status_code == 200


def test_429_says_how_long_to_wait_in_swedish(client, register, settings):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 1
    ask(client, OFFICIAL_URL)

    page = ask(client, OFFICIAL_URL)
    data = ask(client, OFFICIAL_URL, url=JSON)

    seconds = page["Retry-After"]
    assert f"Vänta {seconds} sekund" in text_of(answer_section(page))
    body = json.loads(data.content)
    assert (body["answer"], body["reason"], body["handle"], body["channels"]) == ("rate_limited", "", False, [])
    waited = int(data["Retry-After"])
    unit = "sekund" if waited == 1 else "sekunder"
    assert body["message"] == f"Du har gjort många sökningar på kort tid. Vänta {waited} {unit} innan du söker igen."
    assert data["Access-Control-Allow-Origin"] == "*"


def test_opening_the_empty_form_does_not_count(client, register, settings):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 1

    for _ in range(3):
        client.get(PAGE, REMOTE_ADDR=CLIENT)

    assert ask(client, OFFICIAL_URL).status_code == 200


# --- Nothing asked is kept with who asked --------------------------------------------------------


def test_the_query_is_never_stored_with_the_client_address(client, register, settings, caplog):
    settings.PUBLIC_LOOKUPS_PER_MINUTE = 2
    caplog.set_level(logging.DEBUG)
    typed = "https://www.instagram.com/hemligt_konto"

    for url in (PAGE, JSON, PAGE):  # the third is over the limit
        ask(client, typed, url=url)

    keys = list(cache._cache)  # the default locmem cache's keys
    assert any(":rl:" in key for key in keys)  # the count per client (django-ratelimit), hashed
    assert any("public-register:lookup" in key for key in keys)  # and the answer, without the client
    assert [key for key in keys if "hemligt" in key or CLIENT in key] == []
    logged = [record.getMessage() for record in caplog.records]
    assert [line for line in logged if "hemligt" in line or CLIENT in line] == []


ODD_INPUT = [
    "http://[::1",
    "https://",
    "https://:80/",
    "@",
    "@@",
    "a@b",
    "..",
    "https://%zz/%zz",
    "//kulturochbildning",
    "ftp://ftp.example.se/kultur",
    "mailto:kultur@example.se",
    "https://www.facebook.com/%00",
    "https://xn--fcebook-8va.com/kulturochbildning",
    "\u202ekob",
    "🦆",
    "@" + "a" * 200,
    "https://" + "a." * 200 + "se",
    "x" * MAX_QUERY_LENGTH,
]


@pytest.mark.parametrize("typed", ODD_INPUT)
def test_odd_input_is_answered_never_a_500(client, typed):
    page = ask(client, typed)
    data = ask(client, typed, url=JSON)

    assert page.status_code == 200
    assert answer_section(page) != "" or 'id="lookup-address-error"' in page.content.decode()
    assert data.status_code in (200, 400)
    assert json.loads(data.content)["message"]
