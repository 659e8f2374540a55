"""What the tests of reading feeds (test_feeds.py, test_feed_entries.py) and of the fetcher
(test_fetch.py) share: a channel with a feed address, feeds written for the tests, a real HTTP
server on a free port of this machine run in a thread, and the fixtures around it.

The fixtures are functions named `*_fixture` registered under their own names (`feed_server`,
`connections`, `loopback_allowed`, `english`, `nothing_allowed`): a test module imports them (with
`# noqa: F401`, as only pytest looks them up) and its tests ask for them by name, a parameter
that then shadows no import. `english` and `nothing_allowed` are autouse, so every test of a
module that imports them reads messages in English and may read no local address unless it
adds `loopback_allowed`.
"""

import datetime
import hashlib
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
from django.utils import translation

from channel_register.models import Channel
from kob_social.history import update_with_history
from kob_social.testing.services import free_port

from .channel_factories import active_channel

UTC = datetime.UTC


def channel_with_feed(org, url: str, **overrides) -> Channel:
    channel = active_channel(org, **overrides)
    # No form sets the feed address yet; this is a plain field, not part of the channel's life.
    update_with_history(Channel.objects.filter(pk=channel.pk), feed_url=url)
    channel.refresh_from_db()
    return channel


def key(identity: str) -> str:
    """The SHA-256 in hex, as the feed reader makes a post's entry_key of its identity."""
    return hashlib.sha256(identity.encode()).hexdigest()


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


@pytest.fixture(name="feed_server")
def feed_server_fixture():
    server = FeedServer()
    yield server
    server.stop()


@pytest.fixture(name="english", autouse=True)
def english_fixture():
    with translation.override("en"):
        yield


@pytest.fixture(name="nothing_allowed", autouse=True)
def nothing_allowed_fixture(settings):
    """No exceptions to the public-address rule unless a test adds one (whatever the
    environment running the tests says)."""
    settings.FEED_ALLOWED_NETWORKS = []


@pytest.fixture(name="loopback_allowed")
def loopback_allowed_fixture(settings):
    settings.FEED_ALLOWED_NETWORKS = ["127.0.0.1/32"]


@pytest.fixture(name="connections")
def connections_fixture(monkeypatch):
    """Every address this process tries to connect to, in order."""
    attempted = []
    real = socket.socket.connect

    def connect(sock, address):
        attempted.append(tuple(address[:2]))
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempted
