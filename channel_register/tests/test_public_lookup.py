"""The citizen's lookup in the public register (issue 20): "is this account really ours?".

The table below is the acceptance's: real-world ways of writing the register's addresses (web,
phone and locale hosts, tracking queries, fragments, letter case, handles with and without `@`,
Mastodon's two forms, YouTube's three, LinkedIn's company pages) each mapped to the channel it is,
to a closed channel ("formerly official"), or to nothing ("not in the register"), through the
lookup itself (public.look_up) on channels that went live through the decision chain.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from accounts.models import User
from channel_register.addresses import MAX_QUERY_LENGTH, address_key, read_query
from channel_register.domain.channels import channel_transition, describe_channel
from channel_register.enums import ChannelAction, Platform
from channel_register.models import Channel
from channel_register.public import forget, look_up
from plans.domain.transitions import transition
from plans.enums import Action
from plans.tests.factories import submitted_plan

from .channel_factories import (
    active_channel,
    closing_channel,
    final_screenshot,
)

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
STARTED = datetime(2026, 3, 9, 9, 0, tzinfo=STOCKHOLM)
CLOSED = datetime(2026, 10, 6, 14, 0, tzinfo=STOCKHOLM)

# name: (platform, address as registered)
REGISTERED = {
    "KoB Facebook": (Platform.FACEBOOK, "https://www.facebook.com/kulturochbildning"),
    "KoB Instagram": (Platform.INSTAGRAM, "https://www.instagram.com/kulturochbildning/"),
    "KoB X": (Platform.X, "https://x.com/KulturBildning"),
    "KoB TikTok": (Platform.TIKTOK, "https://www.tiktok.com/@kulturochbildning"),
    "KoB Threads": (Platform.THREADS, "https://www.threads.net/@kulturochbildning"),
    "KoB Mastodon": (Platform.MASTODON, "https://mastodon.nu/@kulturochbildning"),
    "Upplandsmuseet": (Platform.YOUTUBE, "https://www.youtube.com/@UpplandsMuseet"),
    "Konsertfilmer": (Platform.YOUTUBE, "https://www.youtube.com/channel/UC4fVx9t1Hx8kQ2mZ3Ab_cDe"),
    "Musik i Uppland": (Platform.YOUTUBE, "https://www.youtube.com/c/Musikiuppland"),
    "KoB LinkedIn": (Platform.LINKEDIN, "https://www.linkedin.com/company/region-uppsala-kultur/"),
    "Bibliotekets blogg": (Platform.BLOG, "https://blogg.regionuppsala.se/lansbiblioteket/"),
    "Barnkultur": (Platform.FACEBOOK, "https://www.facebook.com/profile.php?id=100064567890123"),
}
# Went live and was closed: its handle may since have been taken over by someone else.
CLOSED_CHANNEL = ("Gamla konsthallen", Platform.INSTAGRAM, "https://www.instagram.com/gamlakonsthallen")

HANDLE = {"KoB Facebook", "KoB Instagram", "KoB TikTok", "KoB Threads"}
NOT_REGISTERED = "not_registered"

# What a citizen pastes → the names found (official), ("closed", name), NOT_REGISTERED, or
# ("unreadable", reason).
VARIANTS = {
    # Facebook: web, phone, locale and old hosts; case, dots, trailing parts, tracking queries.
    "https://www.facebook.com/kulturochbildning": {"KoB Facebook"},
    "http://facebook.com/kulturochbildning": {"KoB Facebook"},
    "https://m.facebook.com/kulturochbildning/?ref=bookmarks": {"KoB Facebook"},
    "https://sv-se.facebook.com/KulturOchBildning": {"KoB Facebook"},
    "facebook.com/kultur.och.bildning": {"KoB Facebook"},
    "https://www.facebook.com/kulturochbildning/posts/pfbid0abc#comments": {"KoB Facebook"},
    "https://web.facebook.com/kulturochbildning?mibextid=ZbWKwL": {"KoB Facebook"},
    "  https://www.facebook.com/kulturochbildning/  ": {"KoB Facebook"},
    "https://www.facebook.com/profile.php?id=100064567890123&sk=about": {"Barnkultur"},
    "https://www.facebook.com/kulturochbildningen": NOT_REGISTERED,
    # Look-alikes of the host: another site whatever the path says.
    "https://www.facebook.com@evil.example/kulturochbildning": NOT_REGISTERED,
    "https://www.faceb00k.com/kulturochbildning": NOT_REGISTERED,
    "https://facebook.com.evil.example/kulturochbildning": NOT_REGISTERED,
    # Instagram
    "https://www.instagram.com/kulturochbildning": {"KoB Instagram"},
    "https://instagram.com/KulturOchBildning/?igsh=MWQ1ZGUxMzBkMA%3D%3D": {"KoB Instagram"},
    "instagram.com/kulturochbildning/": {"KoB Instagram"},
    "https://www.instagram.com/kultur_och_bildning/": NOT_REGISTERED,
    "https://www.instagram.com/gamlakonsthallen/": ("closed", "Gamla konsthallen"),
    "@gamlakonsthallen": ("closed", "Gamla konsthallen"),
    "https://www.instagram.com/p/C1a2b3c4d5e/": ("unreadable", "post"),
    # X (and twitter.com)
    "https://x.com/KulturBildning": {"KoB X"},
    "https://twitter.com/kulturbildning": {"KoB X"},
    "https://mobile.twitter.com/KulturBildning/status/1789": {"KoB X"},
    "https://x.com/KulturBildning?s=21&t=abc": {"KoB X"},
    "@KulturBildning": {"KoB X"},
    "https://x.com/KulturBiIdning": NOT_REGISTERED,  # a capital I for the l
    # TikTok
    "https://www.tiktok.com/@kulturochbildning": {"KoB TikTok"},
    "https://tiktok.com/@KulturOchBildning?lang=sv-SE": {"KoB TikTok"},
    "https://www.tiktok.com/@kulturochbildning/video/7301234567890123456": {"KoB TikTok"},
    # Threads (threads.net and threads.com)
    "https://www.threads.net/@kulturochbildning": {"KoB Threads"},
    "https://www.threads.com/@kulturochbildning?xmt=AQGz": {"KoB Threads"},
    # Mastodon: the handle, with or without its first @, and the server's addresses
    "@kulturochbildning@mastodon.nu": {"KoB Mastodon"},
    "kulturochbildning@Mastodon.nu": {"KoB Mastodon"},
    "https://mastodon.nu/@KulturOchBildning": {"KoB Mastodon"},
    "https://mastodon.nu/@kulturochbildning/113456789012345678": {"KoB Mastodon"},
    "https://mastodon.nu/users/kulturochbildning": {"KoB Mastodon"},
    "@kulturochbildning@mastodon.social": NOT_REGISTERED,
    # YouTube: @handle, /channel/ID (case-sensitive), /c/name and its bare form
    "https://www.youtube.com/@UpplandsMuseet": {"Upplandsmuseet"},
    "https://m.youtube.com/@upplandsmuseet/videos": {"Upplandsmuseet"},
    "youtube.com/@upplandsmuseet/featured": {"Upplandsmuseet"},
    "https://www.youtube.com/channel/UC4fVx9t1Hx8kQ2mZ3Ab_cDe": {"Konsertfilmer"},
    "https://youtube.com/channel/UC4fVx9t1Hx8kQ2mZ3Ab_cDe/videos?view=0": {"Konsertfilmer"},
    "https://www.youtube.com/channel/uc4fvx9t1hx8kq2mz3ab_cde": NOT_REGISTERED,
    "https://www.youtube.com/c/Musikiuppland": {"Musik i Uppland"},
    "https://www.youtube.com/c/musikiuppland/about": {"Musik i Uppland"},
    "https://www.youtube.com/musikiuppland": {"Musik i Uppland"},
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ": ("unreadable", "post"),
    "https://youtu.be/dQw4w9WgXcQ": ("unreadable", "post"),
    # LinkedIn company pages, any country host
    "https://www.linkedin.com/company/region-uppsala-kultur/": {"KoB LinkedIn"},
    "https://se.linkedin.com/company/region-uppsala-kultur/posts/?feedView=all": {"KoB LinkedIn"},
    "linkedin.com/company/Region-Uppsala-Kultur": {"KoB LinkedIn"},
    "https://www.linkedin.com/company/region-uppsala": NOT_REGISTERED,
    # A blog: its address, and a post on it
    "https://blogg.regionuppsala.se/lansbiblioteket": {"Bibliotekets blogg"},
    "http://blogg.regionuppsala.se/lansbiblioteket/2026/10/veckans-boktips/?utm_source=fb": {"Bibliotekets blogg"},
    "https://blogg.regionuppsala.se/": NOT_REGISTERED,
    "https://m.blogg.regionuppsala.se/lansbiblioteket": NOT_REGISTERED,  # another host, another site
    # An unknown platform, and a handle on every platform that uses handles
    "https://www.example.com/kulturochbildning": NOT_REGISTERED,
    "@kulturochbildning": HANDLE,
    "kulturochbildning": HANDLE,
    "@nagon_annan": NOT_REGISTERED,
    # What is no address at all
    "": ("unreadable", "empty"),
    "   ": ("unreadable", "empty"),
    "Kultur och bildning": ("unreadable", "not_an_address"),
    "javascript:alert(1)": ("unreadable", "not_an_address"),
    "https://www.facebook.com/kultur%00bildning": ("unreadable", "not_an_address"),
    "https://twitter.com/#!/kob%0a": ("unreadable", "not_an_address"),
    "https://www.instagram.com/": ("unreadable", "platform_page"),
    "x" * (MAX_QUERY_LENGTH + 1): ("unreadable", "too_long"),
}


def register_channel(org, name, platform, url) -> Channel:
    return active_channel(org, channel_name=name, platform=platform, channel_url=url)


@pytest.fixture
def register(org, time_machine, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(STARTED, tick=False)
    channels = {name: register_channel(org, name, *address) for name, address in REGISTERED.items()}
    channel_transition(channels["Barnkultur"].pk, ChannelAction.PAUSE, actor=org.chef)
    name, platform, url = CLOSED_CHANNEL
    closed = closing_channel(org, channel_name=name, platform=platform, channel_url=url)
    time_machine.move_to(CLOSED, tick=False)
    final_screenshot(closed, org.medarbetare)
    channels[name] = channel_transition(closed.pk, ChannelAction.CLOSE, actor=org.chef)
    return channels


def outcome(answer: dict):
    names = {channel["name"] for channel in answer["channels"]}
    if answer["answer"] == "official":
        return names
    if answer["answer"] == "formerly_official":
        (name,) = names
        return ("closed", name)
    if answer["answer"] == "unreadable":
        return ("unreadable", answer["reason"])
    assert names == set()
    return NOT_REGISTERED


def test_at_least_forty_real_world_addresses_map_to_the_right_channel_or_to_none(register):
    assert len(VARIANTS) >= 40

    found = {text: outcome(look_up(text)) for text in VARIANTS}

    assert found == VARIANTS


def test_every_registered_address_is_stored_with_its_key(register):
    stored = dict(Channel.objects.values_list("name", "canonical_address"))

    assert stored == {
        "KoB Facebook": "facebook:kulturochbildning",
        "KoB Instagram": "instagram:kulturochbildning",
        "KoB X": "x:kulturbildning",
        "KoB TikTok": "tiktok:kulturochbildning",
        "KoB Threads": "threads:kulturochbildning",
        "KoB Mastodon": "mastodon:kulturochbildning@mastodon.nu",
        "Upplandsmuseet": "youtube:@upplandsmuseet",
        "Konsertfilmer": "youtube:channel:UC4fVx9t1Hx8kQ2mZ3Ab_cDe",
        "Musik i Uppland": "youtube:c:musikiuppland",
        "KoB LinkedIn": "linkedin:company:region-uppsala-kultur",
        "Bibliotekets blogg": "web:blogg.regionuppsala.se/lansbiblioteket",
        "Barnkultur": "facebook:id:100064567890123",
        "Gamla konsthallen": "instagram:gamlakonsthallen",
    }


def test_a_new_address_is_stored_with_its_new_key_when_the_channel_is_described(org, register):
    channel = register["KoB X"]

    describe_channel(
        channel.pk,
        actor=org.chef,
        platform=channel.platform,
        name=channel.name,
        url="https://x.com/KoB_Uppsala",
        unit=channel.unit,
    )

    assert Channel.objects.get(pk=channel.pk).canonical_address == "x:kob_uppsala"
    assert outcome(look_up("@kob_uppsala")) == {"KoB X"}
    assert outcome(look_up("https://x.com/KulturBildning")) == NOT_REGISTERED


def test_an_official_answer_says_what_the_register_says(register):
    answer = look_up("https://mastodon.nu/@kulturochbildning")
    channel = register["KoB Mastodon"]

    assert answer == {
        "answer": "official",
        "reason": "",
        "handle": False,
        "channels": [
            {
                "id": channel.pk,
                "platform": "mastodon",
                "platform_label": "Mastodon",
                "name": "KoB Mastodon",
                "url": "https://mastodon.nu/@kulturochbildning",
                "unit": "Länsbiblioteket",
                "status": "aktiv",
                "status_label": "Aktiv",
                "official": True,
                "active_since": "2026-03-09",
                "closed_on": None,
                "register_url": f"/kanaler/#kanal-{channel.pk}",
            }
        ],
    }


def test_a_closed_channel_answers_formerly_official_with_its_closing_day(register):
    answer = look_up("instagram.com/gamlakonsthallen")

    assert answer["answer"] == "formerly_official"
    assert [(c["status"], c["active_since"], c["closed_on"], c["official"]) for c in answer["channels"]] == [
        ("avslutad", "2026-03-09", "2026-10-06", False)
    ]


def test_a_paused_channel_is_still_official(register):
    assert [
        (c["status"], c["official"]) for c in look_up("facebook.com/profile.php?id=100064567890123")["channels"]
    ] == [("pausad", True)]


def test_an_address_closed_once_and_in_use_again_is_official_without_the_old_channel(org, register):
    register_channel(org, "Konsthallen igen", Platform.INSTAGRAM, "https://www.instagram.com/GamlaKonsthallen/")

    answer = look_up("@gamlakonsthallen")

    assert (answer["answer"], [c["name"] for c in answer["channels"]]) == ("official", ["Konsthallen igen"])


def test_a_planned_channel_and_one_closed_without_starting_are_not_in_the_register(org, register):
    submitted_plan(org.medarbetare, channel_name="Planerad", channel_url="https://www.instagram.com/planerad")
    rejected = submitted_plan(
        org.medarbetare, channel_name="Avslagen", channel_url="https://www.instagram.com/avslagen"
    )
    transition(rejected.pk, Action.REJECT, actor=org.chef, comment="Nej.")

    assert Channel.objects.get(name="Avslagen").status == "avslutad"
    assert (outcome(look_up("@planerad")), outcome(look_up("@avslagen"))) == (NOT_REGISTERED, NOT_REGISTERED)


def test_no_answer_names_a_person(register):
    people = list(User.objects.values_list("full_name", "email", "username"))
    text = json.dumps([look_up(variant) for variant in VARIANTS], ensure_ascii=False).lower()

    assert [value for person in people for value in person if value.lower() in text] == []


# --- One query, none when cached, forgotten with the register ------------------------------------


def test_a_lookup_is_one_query_and_a_cached_one_none(register, django_assert_num_queries):
    with django_assert_num_queries(1):
        first = look_up("https://www.instagram.com/kulturochbildning")
    with django_assert_num_queries(0):
        second = look_up("instagram.com/KulturOchBildning/?igsh=abc")  # the same key, written otherwise
    with django_assert_num_queries(1):
        look_up("@kulturochbildning")  # a handle: one query for all its platforms

    assert first == second


def test_an_unreadable_text_costs_no_query(register, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert look_up("inte en adress")["answer"] == "unreadable"


def test_a_cached_answer_is_forgotten_when_the_channel_is_closed(org, register):
    url = "https://www.linkedin.com/company/kob-avvecklas"
    channel = closing_channel(org, channel_name="Avvecklas", platform=Platform.LINKEDIN, channel_url=url)
    assert look_up("linkedin.com/company/kob-avvecklas")["answer"] == "official"  # being closed: still ours

    final_screenshot(channel, org.medarbetare)
    channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)

    assert look_up("linkedin.com/company/kob-avvecklas")["answer"] == "formerly_official"


# --- The rule on its own -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("", ""),
        ("not an address", ""),
        ("https://www.instagram.com/p/abc/", ""),  # a post has no account's key
        ("https://WWW.Example.SE/Blogg/", "web:example.se/blogg"),
        ("https://m.example.se/blogg", "web:m.example.se/blogg"),  # m. only of the platforms
        ("https://business.facebook.com/kob", "facebook:kob"),
        ("https://www.facebook.com/Kultur-och-bildning-123456789/", "facebook:id:123456789"),
        ("https://bsky.app/profile/kob.bsky.social", "bluesky:kob.bsky.social"),
        ("https://www.flickr.com/photos/upplandsmuseet/albums", "flickr:upplandsmuseet"),
        ("https://twitter.com/#!/KulturBildning", "x:kulturbildning"),
    ],
)
def test_address_key(url, key):
    assert address_key(url) == key


def test_a_bare_handle_is_asked_for_on_every_platform_that_uses_handles():
    assert sorted(read_query("@Kultur.Bildning").keys) == [
        "bluesky:kultur.bildning",
        "facebook:kulturbildning",
        "instagram:kultur.bildning",
        "threads:kultur.bildning",
        "tiktok:kultur.bildning",
        "x:kultur.bildning",
        "youtube:@kultur.bildning",
        "youtube:c:kultur.bildning",
    ]


def test_a_post_on_a_web_address_asks_for_the_folders_above_it_and_no_more_than_six():
    keys = read_query("https://blogg.example.se/a/b/c/d/e/f/g/h").keys

    assert sorted(keys) == [
        "web:blogg.example.se",
        "web:blogg.example.se/a",
        "web:blogg.example.se/a/b",
        "web:blogg.example.se/a/b/c",
        "web:blogg.example.se/a/b/c/d",
        "web:blogg.example.se/a/b/c/d/e",
        "web:blogg.example.se/a/b/c/d/e/f",
        "web:blogg.example.se/a/b/c/d/e/f/g/h",
    ]


def test_the_cache_forgets_every_lookup_with_the_register():
    cache.set("public-register:generation", "old")

    forget()

    assert cache.get("public-register:generation") is None
