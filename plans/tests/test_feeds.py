"""Reading channel feeds: posts logged once, conditional GET, and a fetcher that cannot be
pointed inside the network (plans/fetch.py, plans/domain/feeds.py).

Every test talks to a real HTTP server on a free port of this machine, run in a thread. DNS
is mocked only where a host name is needed (socket.getaddrinfo is the outside world), and
socket.socket.connect is watched where a test must show that no connection was attempted.
Messages are compared in English (the msgids), so a change in the Swedish wording does not
break them.
"""

import datetime
import hashlib
import socket
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.utils import translation

from kob_social.testing.services import free_port
from plans.domain.channels import channel_transition
from plans.domain.feeds import FeedResult, channels_with_feeds, read_all_feeds, read_channel_feed
from plans.enums import ChannelAction, UpdateSource
from plans.fetch import USER_AGENT, FetchError, FetchRefused, fetch
from plans.models import Channel, ChannelFeed, ChannelUpdate

from .channel_factories import active_channel
from .factories import complete_plan

UTC = datetime.UTC

# --- Feeds written for the tests ---------------------------------------------------------------

POSTS = [
    (
        "https://bibliotek.example.se/nyheter/forfattarsamtal",
        "Höstens författarsamtal på Länsbiblioteket",
        "Mon, 03 Nov 2025 09:00:00 +0100",
    ),
    (
        "https://bibliotek.example.se/nyheter/sagostund",
        "Sagostund på svenska och arabiska i Östhammar",
        "Wed, 05 Nov 2025 14:30:00 +0100",
    ),
    (
        "https://bibliotek.example.se/nyheter/lasframjande",
        "Läsfrämjande träff för skolbibliotekarier – anmäl dig",
        "Fri, 07 Nov 2025 08:15:00 +0100",
    ),
]


def rss(posts) -> bytes:
    items = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid><pubDate>{date}</pubDate></item>"
        for link, title, date in posts
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Länsbiblioteket Uppsala</title><link>https://bibliotek.example.se/</link>"
        f"<description>Nyheter från länsbiblioteket</description>{items}</channel></rss>"
    ).encode()


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


# --- A real HTTP server ------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(SimpleNamespace(path=self.path, headers=self.headers))
        route = self.server.routes.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self)

    def send_response(self, code, message=None):
        self.server.statuses.append(code)
        super().send_response(code, message)

    def log_message(self, format, *args):
        pass


class FeedServer(ThreadingHTTPServer):
    """Answers each path in `routes` with its function of the request handler; keeps every
    request in `requests`, every status it sent in `statuses`, and counts the connections."""

    daemon_threads = True

    def __init__(self, host: str = "127.0.0.1"):
        super().__init__((host, free_port()), _Handler)
        self.routes = {}
        self.requests: list[SimpleNamespace] = []
        self.statuses: list[int] = []
        self.connections = 0
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return self.server_address[1]

    def url(self, path: str, host: str | None = None, scheme: str = "http") -> str:
        return f"{scheme}://{host or self.server_address[0]}:{self.port}{path}"

    def verify_request(self, request, client_address):
        self.connections += 1
        return True

    def handle_error(self, request, client_address):
        pass  # the client hanging up on a slow or endless answer is what those tests want

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def serve(body: bytes, *, content_type="application/rss+xml; charset=utf-8", etag="", last_modified=""):
    """A feed that honours If-None-Match and If-Modified-Since."""

    def respond(handler):
        if (etag and handler.headers.get("If-None-Match") == etag) or (
            last_modified and handler.headers.get("If-Modified-Since") == last_modified
        ):
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        if etag:
            handler.send_header("ETag", etag)
        if last_modified:
            handler.send_header("Last-Modified", last_modified)
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def redirect(location: str, status: int = 302):
    def respond(handler):
        handler.send_response(status)
        handler.send_header("Location", location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return respond


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def nothing_allowed(settings):
    """No exceptions to the public-address rule unless a test adds one (whatever the
    environment running the tests says)."""
    settings.FEED_ALLOWED_NETWORKS = []


@pytest.fixture
def loopback_allowed(settings):
    settings.FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture
def dns(monkeypatch):
    """The outside world's DNS: a name in `answers` resolves to its lists of addresses in turn
    (the last list for every later lookup); other names go to the real resolver."""
    answers: dict[str, list[list[str]]] = {}
    lookups: list[str] = []
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host not in answers:
            return real(host, port, family, type, proto, flags)
        lookups.append(host)
        if answers[host] == [[]]:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        ips = answers[host][0] if len(answers[host]) == 1 else answers[host].pop(0)
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port, 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (ip, port))
            for ip in ips
        ]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return SimpleNamespace(answers=answers, lookups=lookups)


@pytest.fixture
def connections(monkeypatch):
    """Every address this process tries to connect to, in order."""
    attempted = []
    real = socket.socket.connect

    def connect(sock, address):
        attempted.append(tuple(address[:2]))
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempted


def channel_with_feed(org, url: str, **overrides) -> Channel:
    channel = active_channel(org, **overrides)
    # No form sets the feed address yet; this is a plain field, not part of the channel's life.
    Channel.objects.filter(pk=channel.pk).update(feed_url=url)
    channel.refresh_from_db()
    return channel


def feed_updates(channel) -> list[tuple]:
    return list(
        ChannelUpdate.objects.filter(channel=channel)
        .order_by("published_at")
        .values_list("note", "link", "published_at", "source")
    )


def key(identity: str) -> str:
    return hashlib.sha256(identity.encode()).hexdigest()


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
def test_read_channel_feed_future_date_is_taken_as_now(org, feed_server):
    feed_server.routes["/nyheter.rss"] = serve(
        rss([("https://bibliotek.example.se/nyheter/2099", "Bokcirkel år 2099", "Thu, 01 Jan 2099 10:00:00 +0100")])
    )
    channel = channel_with_feed(org, feed_server.url("/nyheter.rss"))
    before = datetime.datetime.now(UTC)

    read_channel_feed(channel)

    published_at = ChannelUpdate.objects.get(channel=channel).published_at
    assert before <= published_at <= datetime.datetime.now(UTC)


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
    Channel.objects.filter(pk=channel.pk).update(feed_url=feed_server.url("/ny.rss"))
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
    planned = complete_plan(org.medarbetare, channel_name="Planerad").channel
    Channel.objects.filter(pk=planned.pk).update(feed_url="https://bibliotek.example.se/planerad.rss")

    channels = list(channels_with_feeds())

    assert channels == [wanted]


# --- The fetcher: which addresses, how long, how much ------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://bibliotek.example.se/nyheter.rss", "gopher://127.0.0.1:70/", "bibliotek.example.se"],
)
def test_fetch_non_http_scheme_is_refused(url, connections):
    with pytest.raises(FetchRefused) as refused:
        fetch(url)

    assert str(refused.value) == "Only addresses beginning with http:// or https:// are read."
    assert connections == []


def test_fetch_loopback_not_allow_listed_is_refused(feed_server, connections):
    feed_server.routes["/nyheter.rss"] = serve(rss(POSTS))

    with pytest.raises(FetchRefused) as refused:
        fetch(feed_server.url("/nyheter.rss"))

    assert str(refused.value) == "The address 127.0.0.1 is not public, so it is not read."
    assert (connections, feed_server.connections) == ([], 0)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "[::1]",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "100.64.0.1",
        "169.254.169.254",
        "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
        "224.0.0.1",
        "240.0.0.1",
        "255.255.255.255",
        "[::]",
        "[::ffff:127.0.0.1]",
        "[::ffff:192.168.1.1]",
        "[fe80::1]",
        "[fc00::1]",
        "[fec0::1]",
        "[ff02::1]",
        "[2002:a00:1::1]",
        "[64:ff9b::a00:1]",
    ],
)
def test_fetch_non_public_address_is_refused(host, connections):
    with pytest.raises(FetchRefused) as refused:
        fetch(f"http://{host}/nyheter.rss")

    assert str(refused.value) == f"The address {host.strip('[]')} is not public, so it is not read."
    assert connections == []


def test_fetch_host_name_resolving_to_private_address_is_refused(dns, connections):
    dns.answers["flode.example.se"] = [["10.20.30.40"]]

    with pytest.raises(FetchRefused) as refused:
        fetch("https://flode.example.se/nyheter.rss")

    assert str(refused.value) == "The address flode.example.se is not public, so it is not read."
    assert connections == []


def test_fetch_host_name_with_one_private_address_among_public_is_refused(dns, connections):
    dns.answers["flode.example.se"] = [["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c", "192.168.0.10"]]

    with pytest.raises(FetchRefused) as refused:
        fetch("https://flode.example.se/nyheter.rss")

    assert str(refused.value) == "The address flode.example.se is not public, so it is not read."
    assert connections == []


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_connects_to_the_checked_address_not_a_second_lookup(feed_server, dns):
    # A rebinding DNS answers a public-looking (here allow-listed) address first, then an
    # internal one; only the first lookup may count.
    observer = FeedServer("127.0.0.2")
    try:
        feed_server.routes["/nyheter.rss"] = serve(rss(POSTS))
        dns.answers["flode.example.se"] = [["127.0.0.1"], ["127.0.0.2"]]

        fetched = fetch(f"http://flode.example.se:{feed_server.port}/nyheter.rss")
    finally:
        observer.stop()

    assert (fetched.status, fetched.body) == (200, rss(POSTS))
    assert (dns.lookups, observer.connections) == (["flode.example.se"], 0)
    request = feed_server.requests[0].headers
    assert (request["Host"], request["User-Agent"]) == (f"flode.example.se:{feed_server.port}", USER_AGENT)


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_redirect_to_loopback_outside_the_allow_list_never_connects(feed_server):
    observer = FeedServer("127.0.0.2")
    try:
        observer.routes["/nyheter.rss"] = serve(rss(POSTS))
        feed_server.routes["/nyheter.rss"] = redirect(observer.url("/nyheter.rss"))

        with pytest.raises(FetchRefused) as refused:
            fetch(feed_server.url("/nyheter.rss"))
    finally:
        observer.stop()

    assert str(refused.value) == "The address 127.0.0.2 is not public, so it is not read."
    assert observer.connections == 0


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_relative_redirect_is_followed(feed_server):
    feed_server.routes["/gammal"] = redirect("/nyheter.rss", status=301)
    feed_server.routes["/nyheter.rss"] = serve(rss(POSTS))

    fetched = fetch(feed_server.url("/gammal"))

    assert (fetched.url, fetched.status, fetched.body) == (feed_server.url("/nyheter.rss"), 200, rss(POSTS))


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_more_than_five_redirects_is_an_error(feed_server):
    for hop in range(10):
        feed_server.routes[f"/steg/{hop}"] = redirect(f"/steg/{hop + 1}")

    with pytest.raises(FetchError) as failed:
        fetch(feed_server.url("/steg/0"))

    assert str(failed.value) == "The address redirects more than 5 times."
    assert [request.path for request in feed_server.requests] == [f"/steg/{hop}" for hop in range(6)]


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_declared_length_over_the_limit_is_refused_unread(feed_server, settings):
    settings.FEED_MAX_BYTES = 10 * 1024

    def respond(handler):
        # Declares 5 MB but sends a little and hangs up: only a reader that believed the
        # header stops with the size error.
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", str(5 * 1024 * 1024))
        handler.end_headers()
        handler.wfile.write(rss(POSTS)[:100])

    feed_server.routes["/stor.rss"] = respond

    with pytest.raises(FetchError) as failed:
        fetch(feed_server.url("/stor.rss"))

    assert str(failed.value) == "The answer from 127.0.0.1 is larger than 10.0\xa0KB, so it is not read."


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_endless_body_without_length_stops_at_the_limit(feed_server, settings):
    settings.FEED_MAX_BYTES = 10 * 1024
    settings.FEED_TIMEOUT_SECONDS = 5

    def respond(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.end_headers()
        for _chunk in range(50 * 1024):  # up to 50 MB, unless the reader hangs up first
            handler.wfile.write(b"<!-- " + "åäö".encode() * 200 + b" -->\n")

    feed_server.routes["/oandlig.rss"] = respond
    started = time.monotonic()

    with pytest.raises(FetchError) as failed:
        fetch(feed_server.url("/oandlig.rss"))

    assert str(failed.value) == "The answer from 127.0.0.1 is larger than 10.0\xa0KB, so it is not read."
    assert time.monotonic() - started < 2


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_slow_server_times_out(feed_server, settings):
    settings.FEED_TIMEOUT_SECONDS = 0.5

    def respond(handler):
        time.sleep(3)
        serve(rss(POSTS))(handler)

    feed_server.routes["/seg.rss"] = respond
    started = time.monotonic()

    with pytest.raises(FetchError) as failed:
        fetch(feed_server.url("/seg.rss"))

    assert str(failed.value) == "127.0.0.1 did not answer within 0.5 seconds."
    assert time.monotonic() - started < 2


@pytest.mark.usefixtures("loopback_allowed")
@pytest.mark.parametrize("part", ["headers", "body"])
def test_fetch_trickling_server_hits_the_overall_deadline(feed_server, settings, part):
    # One byte or line every 0.1 s never trips a 0.5 s socket timeout; only a deadline for the
    # whole fetch stops it.
    settings.FEED_TIMEOUT_SECONDS = 0.5

    def respond(handler):
        handler.wfile.write(b"HTTP/1.0 200 OK\r\nContent-Type: application/rss+xml\r\n")
        if part == "headers":
            for line in range(40):
                handler.wfile.write(f"X-Rad-{line}: ö\r\n".encode())
                time.sleep(0.1)
        handler.wfile.write(b"\r\n")
        for byte in rss(POSTS)[:40]:
            handler.wfile.write(bytes([byte]))
            time.sleep(0.1)

    feed_server.routes["/droppar.rss"] = respond
    started = time.monotonic()

    with pytest.raises(FetchError) as failed:
        fetch(feed_server.url("/droppar.rss"))

    assert str(failed.value) == "127.0.0.1 did not answer within 0.5 seconds."
    assert time.monotonic() - started < 1.5


def _certificate(directory, name: str):
    """A self-signed certificate for `name` and its key, as PEM files."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / f"{name}.pem", directory / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@pytest.fixture
def tls_feed_server(feed_server, tmp_path):
    """The feed server speaking TLS with a certificate for flode.example.se; `trust` is a
    client context that trusts exactly that certificate."""
    cert_file, key_file = _certificate(tmp_path, "flode.example.se")
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert_file, key_file)
    feed_server.socket = server_context.wrap_socket(feed_server.socket, server_side=True)
    feed_server.trust = ssl.create_default_context(cafile=str(cert_file))
    return feed_server


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_https_verifies_the_host_name_on_the_pinned_address(tls_feed_server, dns):
    tls_feed_server.routes["/nyheter.rss"] = serve(rss(POSTS))
    dns.answers["flode.example.se"] = [["127.0.0.1"]]

    fetched = fetch(
        tls_feed_server.url("/nyheter.rss", host="flode.example.se", scheme="https"), ssl_context=tls_feed_server.trust
    )

    assert (fetched.status, fetched.body) == (200, rss(POSTS))
    assert tls_feed_server.requests[0].headers["Host"] == f"flode.example.se:{tls_feed_server.port}"


@pytest.mark.usefixtures("loopback_allowed")
def test_fetch_https_certificate_for_another_name_is_an_error(tls_feed_server, dns):
    tls_feed_server.routes["/nyheter.rss"] = serve(rss(POSTS))
    dns.answers["annan.example.se"] = [["127.0.0.1"]]

    with pytest.raises(FetchError) as failed:
        fetch(
            tls_feed_server.url("/nyheter.rss", host="annan.example.se", scheme="https"),
            ssl_context=tls_feed_server.trust,
        )

    assert str(failed.value) == (
        "A secure connection to annan.example.se could not be made (certificate or TLS error)."
    )
    assert tls_feed_server.requests == []


def test_fetch_unknown_host_name_is_an_error(dns):
    dns.answers["finns-inte.example.se"] = [[]]

    with pytest.raises(FetchError) as failed:
        fetch("https://finns-inte.example.se/nyheter.rss")

    assert str(failed.value) == "The host name finns-inte.example.se could not be found."
