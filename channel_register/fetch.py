"""Fetching a document from an address that a person typed in (a channel's feed), without
letting that address reach into the Region's own network.

The rules, each checked on every hop (at most MAX_REDIRECTS redirects, followed here, never by
a library):

- Only http:// and https:// addresses are read.
- The host name is resolved once, and every address it resolves to must be public: not
  private, loopback, link-local, multicast, reserved, unspecified or shared (carrier-grade NAT),
  for IPv4 and IPv6 alike, including IPv4 addresses wrapped in IPv6 (mapped, 6to4, Teredo,
  NAT64). An address inside a network of settings.FEED_ALLOWED_NETWORKS is accepted anyway.
- The connection goes to the address that was checked, not to the name (the name is only sent
  as the Host header and as the TLS server name, whose certificate is verified), so a DNS answer
  that changes between check and connect cannot bypass the check.
- settings.FEED_TIMEOUT_SECONDS bounds the whole fetch, redirects included: every connect and
  read, and a watchdog that closes the connection at the deadline however slowly the server drips.
- The body is at most settings.FEED_MAX_BYTES: a larger Content-Length is refused before reading,
  and reading stops as soon as the stream passes the limit. Only identity encoding is asked for,
  so the limit is the size that is parsed too.
- Conditional GET: the ETag and Last-Modified of the last read are sent back; 304 means nothing
  new.

Every failure is a FetchError (FetchRefused when the address was refused before any connection),
whose message is for people, translated.

This is an interface module: it knows nothing about models, so it can fetch for anything.
"""

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

USER_AGENT = "KoB Social feed reader"
ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
SCHEMES = {"http": 80, "https": 443}
# NAT64 (RFC 6052): a gateway turns 64:ff9b::a.b.c.d into a connection to a.b.c.d.
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class FetchError(Exception):
    """The document could not be fetched. The message says why, in words for people."""


class FetchRefused(FetchError):
    """The address was refused before any connection was made: not http(s), or not public."""


@dataclass(frozen=True)
class Fetched:
    """The answer: 200 with the body, or 304 (not modified) with an empty body."""

    url: str
    status: int
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def fetch(url: str, *, etag: str = "", last_modified: str = "", ssl_context: ssl.SSLContext | None = None) -> Fetched:
    """GET `url` under the rules of this module; send `etag`/`last_modified` back for a
    conditional GET. `ssl_context` replaces the system's trust store (tests)."""
    timeout = float(settings.FEED_TIMEOUT_SECONDS)
    deadline = time.monotonic() + timeout
    allowed = allowed_networks()
    context = ssl_context or ssl.create_default_context()
    headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(MAX_REDIRECTS + 1):
        target = _Target.parse(url)
        addresses = _resolve(target, allowed)
        with _Exchange(target, addresses, headers, deadline, timeout, context) as exchange:
            response = exchange.response
            if response.status in REDIRECT_STATUSES:
                location = (response.getheader("Location") or "").strip()
                if not location:
                    raise FetchError(_("%(host)s redirects without saying where to.") % {"host": target.host})
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return Fetched(
                    url=url,
                    status=304,
                    etag=response.getheader("ETag", etag),
                    last_modified=response.getheader("Last-Modified", last_modified),
                )
            if response.status != 200:
                raise FetchError(
                    _("%(host)s answered with HTTP status %(status)s.")
                    % {"host": target.host, "status": response.status}
                )
            return Fetched(
                url=url,
                status=200,
                body=exchange.read_body(settings.FEED_MAX_BYTES),
                content_type=response.getheader("Content-Type", ""),
                etag=response.getheader("ETag", ""),
                last_modified=response.getheader("Last-Modified", ""),
            )
    raise FetchError(_("The address redirects more than %(count)s times.") % {"count": MAX_REDIRECTS})


# --- Which addresses may be read -------------------------------------------------------------


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """settings.FEED_ALLOWED_NETWORKS parsed; a value that is not a network fails loudly."""
    networks = []
    for text in settings.FEED_ALLOWED_NETWORKS:
        try:
            networks.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"FEED_ALLOWED_NETWORKS: {text!r} is not a network in CIDR form") from exc
    return networks


def is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `ip` is an address on the public internet.

    `is_global` alone is not enough on every Python we support: 3.11 calls multicast, 6to4 and
    site-local addresses global, and does not look inside IPv4-mapped IPv6 addresses."""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_private or ip.is_multicast or ip.is_reserved:
        return False
    if ip.is_loopback or ip.is_link_local or ip.is_unspecified:
        return False
    if ip.version == 6:
        if ip.is_site_local:
            return False
        return all(is_public(inner) for inner in _embedded_ipv4(ip))
    return True


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses that a transition mechanism would connect to for `ip`."""
    inner = []
    if ip.sixtofour is not None:
        inner.append(ip.sixtofour)
    if ip.teredo is not None:
        inner.extend(ip.teredo)
    if ip in NAT64:
        inner.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return inner


def _is_allowed(ip, allowed) -> bool:
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return is_public(ip) or any(ip in network for network in allowed)


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str  # ASCII (IDNA) form, without brackets
    port: int
    path: str
    host_header: str

    @classmethod
    def parse(cls, url: str) -> "_Target":
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as exc:
            raise FetchRefused(_("The address is not a valid web address.")) from exc
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise FetchRefused(_("Only addresses beginning with http:// or https:// are read."))
        if not parts.hostname:
            raise FetchRefused(_("The address has no host name."))
        host = parts.hostname
        if not host.isascii():
            try:
                # Swedish domain names may hold å, ä and ö; DNS, SNI and Host want the ASCII form.
                host = host.encode("idna").decode("ascii")
            except UnicodeError as exc:
                raise FetchRefused(_("The address is not a valid web address.")) from exc
        port = port or SCHEMES[scheme]
        shown_host = f"[{host}]" if ":" in host else host
        host_header = shown_host if port == SCHEMES[scheme] else f"{shown_host}:{port}"
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return cls(scheme=scheme, host=host, port=port, path=path, host_header=host_header)


def _resolve(target: _Target, allowed) -> list[tuple[int, tuple]]:
    """Every address of the host, each checked. One address that is not allowed refuses the
    host: a name pointing both outside and inside is a misconfiguration or an attack.

    The resolver has no timeout of its own here; the system's (resolv.conf) bounds it."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError(_("The host name %(host)s could not be found.") % {"host": target.host}) from exc
    addresses = []
    for family, _type, _proto, _canonname, sockaddr in infos:
        ip = ipaddress.ip_address(sockaddr[0])
        if not _is_allowed(ip, allowed):
            raise FetchRefused(_("The address %(host)s is not public, so it is not read.") % {"host": target.host})
        addresses.append((family, sockaddr))
    if not addresses:
        raise FetchError(_("The host name %(host)s could not be found.") % {"host": target.host})
    return addresses


# --- One request and its answer --------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the socket address that was checked, whatever DNS says by now."""

    def __init__(self, target: _Target, family: int, sockaddr: tuple, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._family = family
        self._sockaddr = sockaddr

    def connect(self):
        sock = socket.socket(self._family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self._sockaddr)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    """TLS to the checked address; the certificate must be valid for the host *name*."""

    def __init__(self, target, family, sockaddr, timeout, context: ssl.SSLContext):
        super().__init__(target, family, sockaddr, timeout)
        self._context = context

    def connect(self):
        super().connect()
        self.sock = self._context.wrap_socket(self.sock, server_hostname=self.host)


class _Exchange:
    """One GET on one connection, with a watchdog that shuts the socket at the deadline.

    Socket timeouts bound each read, but a server that sends a byte now and then never trips
    them; the watchdog makes the deadline hold for the whole exchange."""

    def __init__(self, target, addresses, headers, deadline, timeout, context):
        self.target = target
        self.deadline = deadline
        self.timeout = timeout
        self.fired = threading.Event()
        self.conn = None
        self.sock = None
        self.response = None
        self.watchdog = None
        with self._errors():
            self._connect(addresses, context)
            self.watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), self._shut)
            self.watchdog.daemon = True
            self.watchdog.start()
            self.conn.request("GET", target.path, headers={**headers, "Host": target.host_header})
            self._arm()
            self.response = self.conn.getresponse()

    def _connect(self, addresses, context):
        last_error = None
        for family, sockaddr in addresses:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                break
            if self.target.scheme == "https":
                conn = _PinnedHTTPSConnection(self.target, family, sockaddr, remaining, context)
            else:
                conn = _PinnedHTTPConnection(self.target, family, sockaddr, remaining)
            try:
                conn.connect()
            except ssl.SSLError:
                conn.close()
                raise
            except OSError as exc:
                # A host with IPv6 and IPv4 addresses may be reachable on only one of them.
                conn.close()
                last_error = exc
                continue
            self.conn = conn
            # Kept apart: http.client drops conn.sock when the answer closes the connection.
            self.sock = conn.sock
            return
        raise last_error or TimeoutError()

    def _arm(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError()
        self.sock.settimeout(remaining)

    def _shut(self) -> None:
        self.fired.set()
        # The plain socket's shutdown, also under TLS: SSLSocket.shutdown would tear down the
        # TLS state under the reading thread's feet.
        with suppress(OSError):
            socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def read_body(self, max_bytes: int) -> bytes:
        too_large = FetchError(
            _("The answer from %(host)s is larger than %(limit)s, so it is not read.")
            % {"host": self.target.host, "limit": filesizeformat(max_bytes)}
        )
        declared = (self.response.getheader("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > max_bytes:
            raise too_large
        chunks, size = [], 0
        with self._errors():
            while True:
                self._arm()
                # read1 returns after one read from the socket, so the deadline is checked
                # between every piece of a slow stream.
                chunk = self.response.read1(CHUNK_BYTES)
                if self.fired.is_set():
                    raise TimeoutError()
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise too_large
                chunks.append(chunk)
        return b"".join(chunks)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Socket, TLS and protocol errors as FetchError; after the watchdog fired, whatever
        broke is the timeout."""
        host = self.target.host
        try:
            yield
        except FetchError:
            raise
        except Exception as exc:
            self.close()
            if self.fired.is_set() or isinstance(exc, TimeoutError):
                message = _("%(host)s did not answer within %(seconds)s seconds.") % {
                    "host": host,
                    "seconds": f"{self.timeout:g}",
                }
            elif isinstance(exc, ssl.SSLError | ssl.CertificateError):
                message = _("A secure connection to %(host)s could not be made (certificate or TLS error).") % {
                    "host": host
                }
            elif isinstance(exc, http.client.HTTPException):
                message = _("%(host)s did not answer with valid HTTP.") % {"host": host}
            elif isinstance(exc, OSError):
                message = _("Could not connect to %(host)s.") % {"host": host}
            else:
                raise
            raise FetchError(message) from exc

    def close(self) -> None:
        if self.watchdog is not None:
            self.watchdog.cancel()
        if self.response is not None:
            self.response.close()
        if self.conn is not None:
            self.conn.close()
        if self.sock is not None:
            self.sock.close()

    def __enter__(self) -> "_Exchange":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()
