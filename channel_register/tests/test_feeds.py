"""Reading channel feeds into the update log (channel_register/domain/feeds.py): posts logged
once, conditional GET, errors kept on the feed's state, and which channels are read. The fetcher
underneath, which cannot be pointed inside the network (channel_register/fetch.py), is tested in
test_fetch.py.

Every test talks to a real HTTP server on a free port of this machine, run in a thread
(feed_server.py), and socket.socket.connect is watched where a test must show that no
connection was attempted. Messages are compared in English (the msgids), so a change in the
Swedish wording does not break them.
"""

import datetime

import pytest

from channel_register.domain.channels import channel_transition
from channel_register.domain.feeds import FeedResult, channels_with_feeds, read_all_feeds, read_channel_feed
from channel_register.enums import ChannelAction, NotCounted, UpdateSource
from channel_register.models import Channel, ChannelFeed, ChannelUpdate
from kob_social.history import update_with_history
from plans.tests.factories import submitted_plan

from .channel_factories import active_channel
from .feed_server import (
    POSTS,
    UTC,
    channel_with_feed,
    connections_fixture,  # noqa: F401 (fixture)
    english_fixture,  # noqa: F401 (fixture)
    feed_server_fixture,  # noqa: F401 (fixture)
    key,
    loopback_allowed_fixture,  # noqa: F401 (fixture)
    nothing_allowed_fixture,  # noqa: F401 (fixture)
    redirect,
    rss,
    serve,
)

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Musik i Uppland</title>
  <id>tag:musik.example.se,2025:flode</id>
  <updated>2025-10-05T12:00:00Z</updated>
  <entry>
    <title type="html">Körfestival i &lt;b&gt;Östhammar&lt;/b&gt;</title>
    <id>tag:musik.example.se,2025:korfestival</id>
    <link href="/evenemang/korfestival"/>
    <published>2025-10-01T18:30:00+02:00</published>
    <updated>2025-10-02T09:00:00+02:00</updated>
  </entry>
  <entry>
    <title>Sångstund för de allra minsta</title>
    <link href="javascript:alert('hej')"/>
    <updated>2025-10-03T08:00:00Z</updated>
  </entry>
  <entry>
    <title>Vårens kurser i körsång är fulltecknade</title>
    <published>2025-10-04T10:00:00Z</published>
  </entry>
</feed>
""".encode()


def feed_updates(channel) -> list[tuple]:
    return list(
        ChannelUpdate.objects.filter(channel=channel)
        .order_by("published_at")
        .values_list("note", "link", "published_at", "source")
    )


# --- Reading a feed into the update log -------------------------------------------------------


@pytest.mark.usefixtures("loopback_allowed")
def test_read_channel_feed_counts_new_posts_once(org, feed_server):
    feed_server.routes["/nyheter.rss"] = serve(rss(POSTS[:2]))
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))

    first = read_channel_feed(channel)
    second = read_channel_feed(channel)
    feed_server.routes["/nyheter.rss"] = serve(rss(POSTS))
    third = read_channel_feed(channel)

    assert (first, second, third) == (FeedResult(new_entries=2), FeedResult(new_entries=0), FeedResult(new_entries=1))
    assert feed_updates(channel) == [
        (POSTS[0][1], POSTS[0][0], datetime.datetime(2025, 11, 3, 8, 0, tzinfo=UTC), UpdateSource.FEED),
        (POSTS[1][1], POSTS[1][0], datetime.datetime(2025, 11, 5, 13, 30, tzinfo=UTC), UpdateSource.FEED),
        (POSTS[2][1], POSTS[2][0], datetime.datetime(2025, 11, 7, 7, 15, tzinfo=UTC), UpdateSource.FEED),
    ]
    assert sorted(ChannelUpdate.objects.filter(channel=channel).values_list("entry_key", flat=True)) == sorted(
        key(link) for link, _title, _date in POSTS
    )
    state = ChannelFeed.objects.get(channel=channel)
    assert (state.url, state.new_entries, state.error, state.succeeded_at) == (
        channel.feed_url,
        1,
        "",
        state.checked_at,
    )


@pytest.mark.usefixtures("loopback_allowed")
def test_read_channel_feed_atom_entries_without_id_or_date(org, feed_server):
    feed_server.routes["/musik.atom"] = serve(ATOM, content_type="application/atom+xml; charset=utf-8")
    channel = channel_with_feed(org, feed_server.url("/musik.atom"))

    result = read_channel_feed(channel)

    assert result == FeedResult(new_entries=3)
    assert feed_updates(channel) == [
        (
            "Körfestival i Östhammar",
            feed_server.url("/evenemang/korfestival"),
            datetime.datetime(2025, 10, 1, 16, 30, tzinfo=UTC),
            UpdateSource.FEED,
        ),
        ("Sångstund för de allra minsta", "", datetime.datetime(2025, 10, 3, 8, 0, tzinfo=UTC), UpdateSource.FEED),
        (
            "Vårens kurser i körsång är fulltecknade",
            "",
            datetime.datetime(2025, 10, 4, 10, 0, tzinfo=UTC),
            UpdateSource.FEED,
        ),
    ]
    # No id and no link: the post is known by its title and date.
    title_and_date = key("Vårens kurser i körsång är fulltecknade\n2025-10-04T10:00:00Z")
    assert ChannelUpdate.objects.filter(channel=channel, entry_key=key(title_and_date)).count() == 1
    assert (
        ChannelUpdate.objects.filter(channel=channel, entry_key=key("tag:musik.example.se,2025:korfestival")).count()
        == 1
    )


@pytest.mark.usefixtures("loopback_allowed")
def test_read_channel_feed_future_date_kept_and_not_counted(org, feed_server):
    feed_server.routes["/nyheter.rss"] = serve(
        rss([("https://bibliotek.example.se/nyheter/2099", "Bokcirkel år 2099", "Thu, 01 Jan 2099 10:00:00 +0100")])
    )
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))

    result = read_channel_feed(channel)

    # The feed's date is kept, marked: no count of updates sees it (test_feed_entries.py).
    assert result == FeedResult(new_entries=1)
    assert list(ChannelUpdate.objects.filter(channel=channel).values_list("published_at", "not_counted")) == [
        (datetime.datetime(2099, 1, 1, 9, 0, tzinfo=UTC), NotCounted.FUTURE)
    ]
    assert ChannelUpdate.objects.counted().filter(channel=channel).count() == 0


@pytest.mark.usefixtures("loopback_allowed")
def test_read_channel_feed_conditional_get_answered_not_modified(org, feed_server):
    last_modified = "Fri, 07 Nov 2025 08:15:00 GMT"
    feed_server.routes["/nyheter.rss"] = serve(rss(POSTS), etag='"v1-2025-11-07"', last_modified=last_modified)
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))
    read_channel_feed(channel)
    ChannelUpdate.objects.filter(channel=channel).delete()  # a 304 that was read anyway would bring them back

    result = read_channel_feed(channel)

    assert result == FeedResult(new_entries=0)
    conditional = feed_server.requests[1].headers
    assert (conditional["If-None-Match"], conditional["If-Modified-Since"]) == (
        '"v1-2025-11-07"',
        last_modified,
    )
    assert feed_server.statuses == [200, 304]
    assert ChannelUpdate.objects.filter(channel=channel).count() == 0
    state = ChannelFeed.objects.get(channel=channel)
    assert (state.etag, state.last_modified, state.new_entries, state.error) == (
        '"v1-2025-11-07"',
        last_modified,
        0,
        "",
    )


@pytest.mark.usefixtures("loopback_allowed")
def test_read_channel_feed_new_address_sends_no_old_validators(org, feed_server):
    feed_server.routes["/gammal.rss"] = serve(rss(POSTS[:1]), etag='"gammal"')
    feed_server.routes["/ny.rss"] = serve(rss(POSTS[1:2]), etag='"gammal"')
    channel = channel_with_feed(org, feed_server.url("/gammal.rss"))
    read_channel_feed(channel)
    update_with_history(Channel.objects.filter(pk=channel.pk), feed_url=feed_server.url("/ny.rss"))
    channel.refresh_from_db()

    result = read_channel_feed(channel)

    assert result == FeedResult(new_entries=1)
    assert feed_server.requests[1].headers.get("If-None-Match") is None
    assert ChannelFeed.objects.get(channel=channel).url == feed_server.url("/ny.rss")


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(
    ("location", "host"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://10.0.0.1/intern.rss", "10.0.0.1"),
        ("http://[::ffff:10.0.0.1]/intern.rss", "::ffff:10.0.0.1"),
    ],
)
def test_read_channel_feed_redirect_to_private_address_is_refused(org, feed_server, connections, location, host):
    feed_server.routes["/nyheter.rss"] = redirect(location)
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))

    result = read_channel_feed(channel)

    message = f"The address {host} is not public, so it is not read."
    assert result == FeedResult(new_entries=0, error=message)
    assert connections == [("127.0.0.1", feed_server.port)]
    state = ChannelFeed.objects.get(channel=channel)
    assert (state.error, state.succeeded_at, state.checked_at is not None) == (message, None, True)
    assert ChannelUpdate.objects.filter(channel=channel).count() == 0


@pytest.mark.usefixtures("loopback_allowed")
def test_read_channel_feed_error_then_success_clears_the_error(org, feed_server):
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))
    failed = read_channel_feed(channel)
    feed_server.routes["/nyheter.rss"] = serve(rss(POSTS[:1]))

    result = read_channel_feed(channel)

    assert failed == FeedResult(new_entries=0, error="127.0.0.1 answered with HTTP status 404.")
    assert result == FeedResult(new_entries=1)
    assert ChannelFeed.objects.get(channel=channel).error == ""


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Avbruten',
        "<html><body><h1>Välkommen till biblioteket</h1></body></html>".encode(),
        b'{"inlagg": []}',
        b"",
    ],
    ids=["truncated", "html", "json", "empty"],
)
def test_read_channel_feed_not_a_feed_is_an_error(org, feed_server, body):
    feed_server.routes["/nyheter.rss"] = serve(body, content_type="text/html; charset=utf-8")
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))

    result = read_channel_feed(channel)

    message = "The answer from the feed address is not a readable RSS or Atom feed."
    assert result == FeedResult(new_entries=0, error=message)
    assert ChannelFeed.objects.get(channel=channel).error == message


@pytest.mark.usefixtures("loopback_allowed")
def test_read_channel_feed_answer_naming_a_local_file_does_not_read_it(org, feed_server, tmp_path):
    local_feed = tmp_path / "lokal.rss"
    local_feed.write_bytes(rss(POSTS))
    feed_server.routes["/nyheter.rss"] = serve(str(local_feed).encode())
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))

    result = read_channel_feed(channel)

    assert result == FeedResult(
        new_entries=0, error="The answer from the feed address is not a readable RSS or Atom feed."
    )
    assert ChannelUpdate.objects.filter(channel=channel).count() == 0


@pytest.mark.usefixtures("loopback_allowed")
def test_read_all_feeds_broken_feed_does_not_stop_the_others(org, feed_server):
    page = "<html><body><h1>Sidan kunde inte hittas</h1><p>Prova sökrutan ovan.</p></body></html>"
    feed_server.routes["/trasig.rss"] = serve(page.encode(), content_type="text/html; charset=utf-8")
    feed_server.routes["/hel.rss"] = serve(rss(POSTS[:2]))
    broken = channel_with_feed(org, feed_server.url("/trasig.rss"), channel_name="Länsbiblioteket – trasigt flöde")
    working = channel_with_feed(org, feed_server.url("/hel.rss"), channel_name="Länsbiblioteket – fungerande flöde")

    counts = read_all_feeds()

    assert counts == {"feeds": 2, "new_entries": 2, "errors": 1}
    assert ChannelFeed.objects.get(channel=broken).error == (
        "The answer from the feed address is not a readable RSS or Atom feed."
    )
    assert ChannelFeed.objects.get(channel=working).error == ""
    assert ChannelUpdate.objects.filter(channel=working).count() == 2
    assert broken.pk < working.pk  # the broken one was read first


def test_channels_with_feeds_only_active_channels_with_an_address(org):
    wanted = channel_with_feed(org, "https://bibliotek.example.se/nyheter.rss", channel_name="Med flöde")
    active_channel(org, channel_name="Utan flöde")
    paused = channel_with_feed(org, "https://bibliotek.example.se/pausad.rss", channel_name="Pausad")
    channel_transition(paused.pk, ChannelAction.PAUSE, actor=org.chef)
    planned = submitted_plan(org.medarbetare, channel_name="Planerad").channel
    update_with_history(Channel.objects.filter(pk=planned.pk), feed_url="https://bibliotek.example.se/planerad.rss")

    channels = list(channels_with_feeds())

    assert channels == [wanted]
