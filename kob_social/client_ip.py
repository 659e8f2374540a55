"""The address of the client behind a request, decided in one place: the sign-in lock
(django-axes, through AXES_CLIENT_IP_CALLABLE) and the password-reset limit both ask here.

TRUSTED_PROXY_COUNT (settings, checked at start-up) is how many reverse proxies stand in front
of the app, each appending the address it got the request from to X-Forwarded-For (nginx:
`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`). The app must be reachable
only through them: whoever can connect to it directly can write any X-Forwarded-For.

- 0 (the default): clients connect directly. REMOTE_ADDR is the client; X-Forwarded-For is
  whatever the client wrote and is ignored.
- N: the client is the N-th entry from the right end of X-Forwarded-For, the one the outermost
  proxy appended. Entries further left are the client's own words and are ignored, so a
  client cannot choose the address it is locked by.
- The header has fewer than N entries, or no address where a trusted proxy wrote one: the
  request did not pass all the proxies (or one is misconfigured), so no entry is known to come
  from a proxy. REMOTE_ADDR then, the one address no client can forge: at worst it is a
  proxy's, which makes a lock broader (per username), never escapable.

Not django-ipware (tried and left out): its proxy_count counts the proxies listed in the
header (one proxy is proxy_count=0, and 1 takes a left entry the client wrote), its default
strict mode drops a header with extra client-written hops back to the proxy's address, and it
prefers a publicly routable hop over the position, so its answer depends on address classes
rather than on the one rule above.
"""

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address: see the module docstring. An empty string only if the server
    gave no REMOTE_ADDR."""
    remote_addr = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies == 0:
        return remote_addr
    header = request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
    hops = [hop.strip() for hop in header.split(",")] if header else []
    if len(hops) < proxies:
        return remote_addr
    try:
        # Normalised, so that one IPv6 address is one key however a proxy spells it.
        return str(ipaddress.ip_address(hops[-proxies]))
    except ValueError:
        logger.warning(
            "X-Forwarded-For entry %r, where the outermost of TRUSTED_PROXY_COUNT=%d proxies appends "
            "the client's address, is no address; using REMOTE_ADDR %s",
            hops[-proxies],
            proxies,
            remote_addr,
        )
        return remote_addr
