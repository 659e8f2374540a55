"""What an entry of a feed becomes in the update log (channel_register/domain/feeds.py): feeds as
YouTube, Mastodon and WordPress write them, each with its exact rows; text cleaned of the control
characters PostgreSQL refuses, and one refused entry beside the others stored; what is not
counted, seen through the weekly update-rhythm check; dates in Swedish time; the key of a post;
the note of a post without a title, the link only when the feed gives an address, and the
encoding when the server and the file disagree.

Every feed is served by a real HTTP server on this machine (feed_server.py), and the clock is set
where a date depends on the time of reading. Run on SQLite and on PostgreSQL
(kob_social.testing.postgres): PostgreSQL is where a NUL character crashed the reading.
"""

import datetime
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection

from channel_register.domain.feeds import FeedResult, read_channel_feed
from channel_register.domain.rhythm import run_weekly_check
from channel_register.enums import NotCounted, UpdateSource
from channel_register.models import Channel, ChannelFeed, ChannelUpdate, RhythmCheck
from channel_register.queries import page_summary, with_page_summary
from kob_social.history import update_with_history
from metrics.queries import updates_per_day, updates_per_day_for_channels
from overview.queries import weekly_posts

from .feed_server import (
    UTC,
    channel_with_feed,
    english_fixture,  # noqa: F401 (fixture)
    feed_server_fixture,  # noqa: F401 (fixture)
    key,
    loopback_allowed_fixture,  # noqa: F401 (fixture)
    nothing_allowed_fixture,  # noqa: F401 (fixture)
    serve,
)

pytestmark = pytest.mark.usefixtures("loopback_allowed")

FEEDS = Path(__file__).parent / "feeds"
STOCKHOLM = ZoneInfo("Europe/Stockholm")
COUNTED = ""
# The channels go live in September, so every week of October and November is judged in full.
ACTIVATED = datetime.datetime(2026, 9, 1, 9, 0, tzinfo=STOCKHOLM)
# A Wednesday of week 46 (9–15 November 2026).
READ_AT = datetime.datetime(2026, 11, 11, 10, 0, tzinfo=STOCKHOLM)


def live_channel(org, feed_server, path: str = "/flode.rss") -> Channel:
    """A channel live since ACTIVATED, its plan asking for 2 updates a week, its feed at `path`."""
    with time_machine.travel(ACTIVATED, tick=False):
        return channel_with_feed(org, feed_server.url(path))


def read_at(moment: datetime.datetime, channel: Channel) -> FeedResult:
    with time_machine.travel(moment, tick=False):
        return read_channel_feed(channel)


def rss(*items: str, declaration: str = '<?xml version="1.0" encoding="utf-8"?>', encoding: str = "utf-8") -> bytes:
    return (
        f'{declaration}\n<rss version="2.0" xmlns:dcterms="http://purl.org/dc/terms/"><channel>'
        "<title>Länsbiblioteket Uppsala</title><link>https://bibliotek.example.se/</link>"
        f"<description>Nyheter</description>{''.join(items)}</channel></rss>"
    ).encode(encoding)


def item(
    title: str = "",
    *,
    guid: str = "",
    permalink: bool | None = None,
    link: str = "",
    date: str = "",
    text: str = "",
    extra: str = "",
) -> str:
    parts = [f"<title>{title}</title>" if title else ""]
    if guid:
        attribute = "" if permalink is None else f' isPermaLink="{str(permalink).lower()}"'
        parts.append(f"<guid{attribute}>{guid}</guid>")
    parts.append(f"<link>{link}</link>" if link else "")
    parts.append(f"<pubDate>{date}</pubDate>" if date else "")
    parts.append(f"<description>{text}</description>" if text else "")
    return f"<item>{''.join(parts)}{extra}</item>"


def rows(channel: Channel) -> list[tuple]:
    """(note, link, published_at, not_counted) of the channel's log, oldest first."""
    return list(
        ChannelUpdate.objects.filter(channel=channel)
        .order_by("published_at", "pk")
        .values_list("note", "link", "published_at", "not_counted")
    )


def keys(channel: Channel) -> list[str]:
    return list(ChannelUpdate.objects.filter(channel=channel).order_by("pk").values_list("entry_key", flat=True))


def week_judged(channel: Channel, monday: date) -> tuple[int, int]:
    """(required, actual) of the week before `monday`, as the Monday-morning job judges it."""
    with time_machine.travel(datetime.datetime.combine(monday, datetime.time(6, 0), tzinfo=STOCKHOLM), tick=False):
        run_weekly_check(today=monday)
    check = RhythmCheck.objects.get(channel=channel, starts_on=monday - datetime.timedelta(days=7))
    return check.required, check.actual


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


# --- Feeds as the platforms write them --------------------------------------------------------


def test_read_channel_feed_youtube_videos(org, feed_server):
    feed_server.routes["/videos.xml"] = serve(
        (FEEDS / "youtube.xml").read_bytes(), content_type="text/xml; charset=UTF-8"
    )
    channel = live_channel(org, feed_server, "/videos.xml")

    result = read_at(READ_AT, channel)

    assert result == FeedResult(new_entries=2)
    assert rows(channel) == [
        (
            "Så lånar du e-böcker & e-ljudböcker",
            "https://www.youtube.com/watch?v=9bW_eBokN3o",
            utc(2026, 10, 25, 1, 30),
            COUNTED,
        ),
        (
            "Författarsamtal: Kerstin Ekman om Uppland",
            "https://www.youtube.com/watch?v=Kq7rT2bFx0A",
            utc(2026, 11, 3, 17, 0, 12),
            COUNTED,
        ),
    ]
    assert keys(channel) == [key("yt:video:Kq7rT2bFx0A"), key("yt:video:9bW_eBokN3o")]


def test_read_channel_feed_mastodon_posts_noted_by_their_text(org, feed_server):
    feed_server.routes["/@lansbiblioteket.rss"] = serve((FEEDS / "mastodon.rss").read_bytes())
    channel = live_channel(org, feed_server, "/@lansbiblioteket.rss")

    result = read_at(READ_AT, channel)

    # No title: the text without markup (paragraphs and line breaks as spaces), shortened at a
    # space to the note's 300 characters.
    long_post = (
        "Årets bokmässa för unga i Uppsala är här! Under lördagen och söndagen fylls Stadsbiblioteket av "
        "författare, illustratörer och serietecknare som berättar om sina böcker, håller workshoppar och "
        "signerar. Det blir också poesiuppläsning, bokcirkel för högstadiet och en quiz om fantasy. Alla…"
    )
    assert result == FeedResult(new_entries=2)
    assert rows(channel) == [
        (
            long_post,
            "https://mastodon.example.se/@lansbiblioteket/113421000000000002",
            utc(2026, 11, 3, 7, 2, 40),
            COUNTED,
        ),
        (
            "Nu kan du låna #läsplattor på alla bibliotek i länet. Fråga personalen! "
            "Mer: https://bibliotek.example.se/lasplattor",
            "https://mastodon.example.se/@lansbiblioteket/113434100000000001",
            utc(2026, 11, 5, 13, 45, 12),
            COUNTED,
        ),
    ]
    assert keys(channel) == [
        key("https://mastodon.example.se/@lansbiblioteket/113434100000000001"),
        key("https://mastodon.example.se/@lansbiblioteket/113421000000000002"),
    ]


def test_read_channel_feed_wordpress_posts_in_swedish_time(org, feed_server):
    feed_server.routes["/feed/"] = serve((FEEDS / "wordpress.rss").read_bytes())
    channel = live_channel(org, feed_server, "/feed/")

    result = read_at(READ_AT, channel)

    assert result == FeedResult(new_entries=3)
    assert rows(channel) == [
        (
            "Höstlov på biblioteken – pyssel, film och skräckkväll",
            "https://bibliotek.osthammar.example.se/2026/10/23/hostlov-pa-biblioteken/",
            utc(2026, 10, 23, 13, 0),  # 15:00 CEST
            COUNTED,
        ),
        (
            "Veckans boktips: Stormvakt",
            "https://bibliotek.osthammar.example.se/2026/10/26/veckans-boktips-stormvakt/",
            utc(2026, 10, 26, 7, 30),  # 08:30 CET
            COUNTED,
        ),
        (
            "Veckans boktips: Rävens år av Kerstin Ekman",
            "https://bibliotek.osthammar.example.se/2026/11/02/veckans-boktips-ravens-ar/",
            utc(2026, 11, 2, 7, 30),  # 08:30 +0100
            COUNTED,
        ),
    ]
    # The guid (isPermaLink="false") is the post's identity, the link only what is shown.
    assert keys(channel) == [
        key("https://bibliotek.osthammar.example.se/?p=123"),
        key("https://bibliotek.osthammar.example.se/?p=118"),
        key("https://bibliotek.osthammar.example.se/?p=120"),
    ]


# --- Control characters, and one entry refused beside the others --------------------------------


def test_read_channel_feed_nul_in_title_stored_without_it(org, feed_server):
    # The reproduction of the issue, byte for byte.
    body = (
        b'<rss version="2.0"><channel><title>x</title><item><title>Nul &#0; tecken</title>'
        b'<guid isPermaLink="false">nul-1</guid></item></channel></rss>'
    )
    feed_server.routes["/flode.rss"] = serve(body)
    channel = live_channel(org, feed_server)

    first = read_at(READ_AT, channel)
    second = read_at(READ_AT + datetime.timedelta(hours=3), channel)

    assert (first, second) == (FeedResult(new_entries=1), FeedResult(new_entries=0))
    # Undated, on the first read: logged at the reading, not counted.
    assert rows(channel) == [("Nul tecken", "", READ_AT, NotCounted.UNDATED)]
    assert keys(channel) == [key("nul-1")]
    state = ChannelFeed.objects.get(channel=channel)
    assert (state.error, state.skipped_entries, state.succeeded_at) == ("", 0, READ_AT + datetime.timedelta(hours=3))


def test_read_channel_feed_control_characters_removed_unreadable_references_replaced(org, feed_server):
    body = rss(
        item(
            "Rå\x00 NUL och\x01 SOH &#1; och DEL\x7f",
            guid="ctrl-1",
            permalink=False,
            date="Mon, 09 Nov 2026 10:00:00 +0100",
        ),
        item("Halv &#xD800; surrogat", guid="ctrl-2", permalink=False, date="Mon, 09 Nov 2026 11:00:00 +0100"),
        item("Bortom &#x110000; Unicode", guid="ctrl-3", permalink=False, date="Mon, 09 Nov 2026 12:00:00 +0100"),
        item(
            "Länk med styrtecken",
            guid="ctrl-4",
            link="https://bibliotek.example.se/a&#1;b",
            date="Mon, 09 Nov 2026 13:00:00 +0100",
        ),
    )
    feed_server.routes["/flode.rss"] = serve(body)
    channel = live_channel(org, feed_server)

    result = read_at(READ_AT, channel)

    assert result == FeedResult(new_entries=4)
    assert rows(channel) == [
        ("Rå NUL och SOH och DEL", "", utc(2026, 11, 9, 9, 0), COUNTED),
        ("Halv \ufffd surrogat", "", utc(2026, 11, 9, 10, 0), COUNTED),
        ("Bortom \ufffd Unicode", "", utc(2026, 11, 9, 11, 0), COUNTED),
        ("Länk med styrtecken", "", utc(2026, 11, 9, 12, 0), COUNTED),
    ]


REFUSE_NOTE = {
    "sqlite": (
        [
            "CREATE TRIGGER refuse_note BEFORE INSERT ON plans_channelupdate WHEN NEW.note = 'Vägras' "
            "BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ],
        ["DROP TRIGGER refuse_note"],
    ),
    "postgresql": (
        [
            "CREATE FUNCTION refuse_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "IF NEW.note = 'Vägras' THEN RAISE EXCEPTION 'refused' USING ERRCODE = 'check_violation'; END IF; "
            "RETURN NEW; END $$",
            "CREATE TRIGGER refuse_note BEFORE INSERT ON plans_channelupdate "
            "FOR EACH ROW EXECUTE FUNCTION refuse_note()",
        ],
        ["DROP TRIGGER refuse_note ON plans_channelupdate", "DROP FUNCTION refuse_note()"],
    ),
}


def run_sql(statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def test_read_channel_feed_entry_refused_by_the_database_others_stored(org, feed_server):
    # A database that refuses one row as a failed check (a trigger here; in the wild a value the
    # cleaning missed).
    create, drop = REFUSE_NOTE[connection.vendor]
    feed_server.routes["/flode.rss"] = serve(
        rss(
            item("Före", guid="p-1", permalink=False, date="Mon, 09 Nov 2026 10:00:00 +0100"),
            item("Vägras", guid="p-2", permalink=False, date="Mon, 09 Nov 2026 11:00:00 +0100"),
            item("Efter", guid="p-3", permalink=False, date="Mon, 09 Nov 2026 12:00:00 +0100"),
        )
    )
    channel = live_channel(org, feed_server)
    run_sql(create)
    try:
        refused = read_at(READ_AT, channel)
        state = ChannelFeed.objects.get(channel=channel)
        skipped = (state.new_entries, state.skipped_entries, state.error)
    finally:
        run_sql(drop)

    retried = read_at(READ_AT + datetime.timedelta(hours=3), channel)

    assert refused == FeedResult(new_entries=2, skipped_entries=1)
    assert skipped == (2, 1, "")
    assert retried == FeedResult(new_entries=1)
    assert rows(channel) == [
        ("Före", "", utc(2026, 11, 9, 9, 0), COUNTED),
        ("Vägras", "", utc(2026, 11, 9, 10, 0), COUNTED),
        ("Efter", "", utc(2026, 11, 9, 11, 0), COUNTED),
    ]
    assert ChannelFeed.objects.get(channel=channel).skipped_entries == 0


# --- Not counted: undated history, dates in the future ------------------------------------------


def test_read_channel_feed_first_read_undated_history_not_counted_in_the_week(org, feed_server):
    feed_server.routes["/flode.rss"] = serve(
        rss(
            item("Öppettider i jul", guid="u-1", permalink=False),
            item("Ny bokcirkel", guid="u-2", permalink=False),
            item("Sommarläsning", guid="u-3", permalink=False),
            item("Dagens nyhet", guid="d-1", permalink=False, date="Tue, 10 Nov 2026 09:00:00 +0100"),
        )
    )
    channel = live_channel(org, feed_server)

    result = read_at(READ_AT, channel)

    assert result == FeedResult(new_entries=4)
    assert rows(channel) == [
        ("Dagens nyhet", "", utc(2026, 11, 10, 8, 0), COUNTED),
        ("Öppettider i jul", "", READ_AT, NotCounted.UNDATED),
        ("Ny bokcirkel", "", READ_AT, NotCounted.UNDATED),
        ("Sommarläsning", "", READ_AT, NotCounted.UNDATED),
    ]
    # Week 46 had one update, not four.
    assert week_judged(channel, date(2026, 11, 16)) == (2, 1)


def test_read_channel_feed_undated_entry_on_a_later_read_counted_when_read(org, feed_server):
    history = item("Öppettider i jul", guid="u-1", permalink=False)
    feed_server.routes["/flode.rss"] = serve(rss(history))
    channel = live_channel(org, feed_server)
    read_at(READ_AT, channel)
    feed_server.routes["/flode.rss"] = serve(rss(item("Ny bokcirkel", guid="u-2", permalink=False), history))
    later = READ_AT + datetime.timedelta(days=1)

    result = read_at(later, channel)

    # The history logged at the first read is known, so not new; the new post appeared since.
    assert result == FeedResult(new_entries=1)
    assert rows(channel) == [
        ("Öppettider i jul", "", READ_AT, NotCounted.UNDATED),
        ("Ny bokcirkel", "", later, COUNTED),
    ]
    assert week_judged(channel, date(2026, 11, 16)) == (2, 1)


def test_read_channel_feed_first_read_at_a_new_address_after_a_failure(org, feed_server):
    feed_server.routes["/gammal.rss"] = serve(rss(item("Gammal", guid="g-1", permalink=False)))
    channel = live_channel(org, feed_server, "/gammal.rss")
    read_at(READ_AT - datetime.timedelta(days=7), channel)
    update_with_history(Channel.objects.filter(pk=channel.pk), feed_url=feed_server.url("/ny.rss"))
    channel.refresh_from_db()
    failed = read_at(READ_AT - datetime.timedelta(hours=3), channel)  # /ny.rss answers 404 yet
    feed_server.routes["/ny.rss"] = serve(rss(item("Historik på nya adressen", guid="n-1", permalink=False)))

    result = read_at(READ_AT, channel)

    assert failed.error == "127.0.0.1 answered with HTTP status 404."
    assert result == FeedResult(new_entries=1)
    assert rows(channel)[-1] == ("Historik på nya adressen", "", READ_AT, NotCounted.UNDATED)


def test_read_channel_feed_future_dated_entry_counted_in_no_week(org, feed_server):
    feed_server.routes["/flode.rss"] = serve(
        rss(
            item("Julkonsert 25 november", guid="f-1", permalink=False, date="Wed, 25 Nov 2026 19:00:00 +0100"),
            # Five minutes ahead: the server's clock is a little fast.
            item("Nyss publicerad", guid="f-2", permalink=False, date="Wed, 11 Nov 2026 10:05:00 +0100"),
        )
    )
    channel = live_channel(org, feed_server)

    result = read_at(READ_AT, channel)

    assert result == FeedResult(new_entries=2)
    assert rows(channel) == [
        ("Nyss publicerad", "", READ_AT, COUNTED),
        ("Julkonsert 25 november", "", utc(2026, 11, 25, 18, 0), NotCounted.FUTURE),
    ]
    # Week 46, when it was read, counts the one taken as published then; week 48, whose date it
    # bears, counts nothing.
    assert week_judged(channel, date(2026, 11, 16)) == (2, 1)
    assert week_judged(channel, date(2026, 11, 30)) == (2, 0)


def test_read_channel_feed_created_date_when_no_other(org, feed_server):
    feed_server.routes["/flode.rss"] = serve(
        rss(item("Skapad", guid="c-1", permalink=False, extra="<dcterms:created>2026-11-09T08:15:00</dcterms:created>"))
    )
    channel = live_channel(org, feed_server)

    read_at(READ_AT, channel)

    assert rows(channel) == [("Skapad", "", utc(2026, 11, 9, 7, 15), COUNTED)]


def test_not_counted_entries_left_out_of_every_count(org, feed_server):
    channel = live_channel(org, feed_server)
    tuesday = datetime.datetime(2026, 11, 10, 9, 0, tzinfo=STOCKHOLM)
    for minutes, not_counted in enumerate([COUNTED, NotCounted.UNDATED, NotCounted.FUTURE]):
        ChannelUpdate.objects.create(
            channel=channel,
            published_at=tuesday + datetime.timedelta(minutes=minutes),
            source=UpdateSource.FEED,
            entry_key=key(f"post-{minutes}"),
            not_counted=not_counted,
        )
    monday = date(2026, 11, 9)

    summary = page_summary(with_page_summary(Channel.objects.filter(pk=channel.pk)).get())
    judged = week_judged(channel, date(2026, 11, 16))

    assert (summary.update_count, summary.last_update_at) == (1, tuesday)
    assert judged == (2, 1)
    assert weekly_posts(Channel.objects.filter(pk=channel.pk), [monday]) == [(monday, 1)]
    assert updates_per_day(channel, monday, date(2026, 11, 15)) == [(date(2026, 11, 10), 1)]
    assert updates_per_day_for_channels([channel.pk], monday, date(2026, 11, 15)) == {
        channel.pk: [(date(2026, 11, 10), 1)]
    }


# --- Dates in Swedish time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "published_at"),
    [
        ("Mon, 12 Oct 2026 10:00:00 CEST", utc(2026, 10, 12, 8, 0)),
        ("Mon, 16 Nov 2026 10:00:00 CET", utc(2026, 11, 16, 9, 0)),
        ("Mon, 12 Oct 2026 10:00:00 MEST", utc(2026, 10, 12, 8, 0)),
        ("Mon, 12 Oct 2026 10:00:00", utc(2026, 10, 12, 8, 0)),
        ("16 Nov 2026 10:00", utc(2026, 11, 16, 9, 0)),
        ("mån, 12 okt 2026 10:00:00 +0200", utc(2026, 10, 12, 8, 0)),
        ("2026-10-12T10:00:00", utc(2026, 10, 12, 8, 0)),
        ("2026-11-16T10:00:00", utc(2026, 11, 16, 9, 0)),
        ("2026-11-16 10:00", utc(2026, 11, 16, 9, 0)),
        ("2026-11-16", utc(2026, 11, 15, 23, 0)),
        ("2026-10-12T10:00:00Z", utc(2026, 10, 12, 10, 0)),
        ("2026-10-12T10:00:00.250+02:00", utc(2026, 10, 12, 8, 0)),
        ("Mon, 12 Oct 2026 10:00:00 +0000", utc(2026, 10, 12, 10, 0)),
        ("Mon, 12 Oct 2026 10:00:00 GMT", utc(2026, 10, 12, 10, 0)),
        ("Mon, 12 Oct 2026 10:00:00 EDT", utc(2026, 10, 12, 14, 0)),  # read by feedparser
    ],
)
def test_read_channel_feed_dates_in_swedish_time(org, feed_server, written, published_at):
    feed_server.routes["/flode.rss"] = serve(rss(item("Inlägg", guid="t-1", permalink=False, date=written)))
    channel = live_channel(org, feed_server)

    read_at(datetime.datetime(2026, 12, 1, 12, 0, tzinfo=STOCKHOLM), channel)

    assert rows(channel) == [("Inlägg", "", published_at, COUNTED)]


def test_weekly_check_counts_a_sunday_evening_post_in_its_week(org, feed_server):
    # 23:30 on Sunday of week 46, Swedish time written without a zone: 22:30 UTC, still week 46.
    feed_server.routes["/flode.rss"] = serve(
        rss(
            item("Söndagskväll", guid="s-1", permalink=False, date="2026-11-15T23:30:00"),
            item("Onsdag", guid="s-2", permalink=False, date="2026-11-11T10:00:00"),
        )
    )
    channel = live_channel(org, feed_server)
    read_at(datetime.datetime(2026, 11, 16, 5, 0, tzinfo=STOCKHOLM), channel)

    assert week_judged(channel, date(2026, 11, 16)) == (2, 2)


# --- The key of a post ------------------------------------------------------------------------------


def test_read_channel_feed_two_posts_sharing_a_guid_are_one(org, feed_server):
    # A CMS bug: the guid is the post's identity, so the second post is taken for the first.
    feed_server.routes["/flode.rss"] = serve(
        rss(
            item("Först", guid="delad", permalink=False, date="Mon, 09 Nov 2026 10:00:00 +0100"),
            item("Sedan", guid="delad", permalink=False, date="Tue, 10 Nov 2026 10:00:00 +0100"),
        )
    )
    channel = live_channel(org, feed_server)

    first = read_at(READ_AT, channel)
    again = read_at(READ_AT + datetime.timedelta(hours=3), channel)

    assert (first, again) == (FeedResult(new_entries=1), FeedResult(new_entries=0))
    assert rows(channel) == [("Först", "", utc(2026, 11, 9, 9, 0), COUNTED)]
    assert keys(channel) == [key("delad")]


def test_read_channel_feed_recurring_title_without_id_link_or_date_told_apart_by_text(org, feed_server):
    first_tip = item("Veckans boktips", text="Rävens år av Kerstin Ekman")
    feed_server.routes["/flode.rss"] = serve(
        rss(first_tip, item("Veckans boktips", text="Stormvakt av Maria Gustavsdotter"), first_tip)
    )
    channel = live_channel(org, feed_server)

    first = read_at(READ_AT, channel)
    again = read_at(READ_AT + datetime.timedelta(hours=3), channel)

    assert (first, again) == (FeedResult(new_entries=2), FeedResult(new_entries=0))
    assert rows(channel) == [
        ("Veckans boktips", "", READ_AT, NotCounted.UNDATED),
        ("Veckans boktips", "", READ_AT, NotCounted.UNDATED),
    ]
    assert keys(channel) == [
        key(key(f"Veckans boktips\n\n{key('Rävens år av Kerstin Ekman')}")),
        key(key(f"Veckans boktips\n\n{key('Stormvakt av Maria Gustavsdotter')}")),
    ]


def test_read_channel_feed_post_known_by_its_title_alone_rekeyed_not_logged_again(org, feed_server):
    # Logged by the earlier rule, which knew a post without id, link and date by its title alone.
    channel = live_channel(org, feed_server)
    ChannelFeed.objects.create(
        channel=channel, url=channel.feed_url, succeeded_at=READ_AT - datetime.timedelta(days=30)
    )
    logged_at = READ_AT - datetime.timedelta(days=30)
    old = ChannelUpdate.objects.create(
        channel=channel,
        published_at=logged_at,
        source=UpdateSource.FEED,
        note="Veckans boktips",
        entry_key=key(key("Veckans boktips\n")),
    )
    tips = [item("Veckans boktips", text=text) for text in ("Rävens år", "Stormvakt", "Hundraåringen")]
    feed_server.routes["/flode.rss"] = serve(rss(*tips[:2]))
    later = READ_AT + datetime.timedelta(days=7)

    rekeyed = read_at(READ_AT, channel)
    feed_server.routes["/flode.rss"] = serve(rss(*tips))
    new_tip = read_at(later, channel)

    # The first takes over the old row; the second is history the old rule had merged into it.
    assert (rekeyed, new_tip) == (FeedResult(new_entries=1), FeedResult(new_entries=1))
    assert rows(channel) == [
        ("Veckans boktips", "", logged_at, COUNTED),
        ("Veckans boktips", "", READ_AT, NotCounted.UNDATED),
        ("Veckans boktips", "", later, COUNTED),
    ]
    assert ChannelUpdate.objects.get(pk=old.pk).entry_key == key(key(f"Veckans boktips\n\n{key('Rävens år')}"))


# --- Notes, links and encodings ---------------------------------------------------------------------


def test_read_channel_feed_guid_that_is_no_address_gives_no_link(org, feed_server):
    feed_server.routes["/flode.rss"] = serve(
        rss(
            item("Guid utan adress", guid="nyhet-2", date="Mon, 09 Nov 2026 10:00:00 +0100"),
            item(
                "Guid som är en adress",
                guid="https://bibliotek.example.se/nyheter/3",
                date="Mon, 09 Nov 2026 11:00:00 +0100",
            ),
            item(
                "Relativ länk",
                guid="nyhet-4",
                permalink=False,
                link="/nyheter/4",
                date="Mon, 09 Nov 2026 12:00:00 +0100",
            ),
        )
    )
    channel = live_channel(org, feed_server)

    read_at(READ_AT, channel)

    assert rows(channel) == [
        ("Guid utan adress", "", utc(2026, 11, 9, 9, 0), COUNTED),
        ("Guid som är en adress", "https://bibliotek.example.se/nyheter/3", utc(2026, 11, 9, 10, 0), COUNTED),
        # A link element relative to the feed's address is the feed's own link.
        ("Relativ länk", feed_server.url("/nyheter/4"), utc(2026, 11, 9, 11, 0), COUNTED),
    ]
    # The guid stays the identity, resolved as before, so posts logged earlier keep their keys.
    assert keys(channel)[0] == key(feed_server.url("/nyhet-2"))


@pytest.mark.parametrize(
    ("declared", "written_in", "content_type"),
    [
        ("utf-8", "utf-8", "text/xml; charset=iso-8859-1"),
        ("utf-8", "utf-8", "application/rss+xml; charset=windows-1252"),
        ("iso-8859-1", "iso-8859-1", "application/rss+xml; charset=utf-8"),
        ("iso-8859-1", "utf-8", "application/rss+xml; charset=utf-8"),  # the file is wrong, the server right
    ],
    ids=["utf8-served-latin1", "utf8-served-cp1252", "latin1-served-utf8", "utf8-declared-latin1-served-utf8"],
)
def test_read_channel_feed_encoding_of_the_file_over_the_server(org, feed_server, declared, written_in, content_type):
    body = rss(
        item("Östhammar: höstlov på biblioteket", guid="e-1", permalink=False, date="Mon, 09 Nov 2026 10:00:00 +0100"),
        declaration=f'<?xml version="1.0" encoding="{declared}"?>',
        encoding=written_in,
    )
    feed_server.routes["/flode.rss"] = serve(body, content_type=content_type)
    channel = live_channel(org, feed_server)

    read_at(READ_AT, channel)

    assert rows(channel) == [("Östhammar: höstlov på biblioteket", "", utc(2026, 11, 9, 9, 0), COUNTED)]
