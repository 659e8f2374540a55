"""The fetcher that reads feeds (channel_register/fetch.py): which addresses it reads, how
long and how much, so that it cannot be pointed inside the network. Reading a feed into the
update log is tested in test_feeds.py.

Every test talks to a real HTTP server on a free port of this machine, run in a thread
(feed_server.py). DNS is mocked only where a host name is needed (socket.getaddrinfo is the
outside world), and socket.socket.connect is watched where a test must show that no connection
was attempted. Messages are compared in English (the msgids), so a change in the Swedish
wording does not break them.
"""

import datetime
import socket
import ssl
import time
from types import SimpleNamespace

import pytest

from channel_register.fetch import USER_AGENT, FetchError, FetchRefused, fetch

from .feed_server import (
    POSTS,
    UTC,
    FeedServer,
    connections_fixture,  # noqa: F401 (fixture)
    english_fixture,  # noqa: F401 (fixture)
    feed_server_fixture,  # noqa: F401 (fixture)
    loopback_allowed_fixture,  # noqa: F401 (fixture)
    nothing_allowed_fixture,  # noqa: F401 (fixture)
    redirect,
    rss,
    serve,
)


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
