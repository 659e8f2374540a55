"""The sign-in lock behind the documented reverse proxy (issue 11, finding 2).

django-axes locks a username + client address pair. Behind a proxy every request comes from the
proxy's address, so without TRUSTED_PROXY_COUNT the lock was per username: five wrong passwords
for `direktor` locked the only kulturdirektör out for everyone. The client address is now
kob_social.client_ip.client_ip: REMOTE_ADDR when clients connect directly (X-Forwarded-For is
then the client's own word and ignored), else the entry the outermost trusted proxy appended.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from accounts.enums import Role
from kob_social.client_ip import client_ip

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]
PROXY = "172.18.0.2"
CLIENT_X = "203.0.113.7"
CLIENT_Y = "198.51.100.20"


def login(client, password, remote_addr, forwarded_for=None, username="direktor"):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=remote_addr, **headers
    )


def locked_addresses(username="direktor") -> list[str]:
    return sorted(AccessAttempt.objects.filter(username=username).values_list("ip_address", flat=True))


def test_lockout_direct_ignores_a_forwarded_for_the_client_made_up(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    make_user(Role.KULTURDIREKTOR, username="direktor")

    statuses = [login(client, "wrong", CLIENT_X, forwarded_for=f"192.0.2.{n}").status_code for n in range(5)]
    with_right_password = login(client, PASSWORD, CLIENT_X, forwarded_for="192.0.2.99")

    assert statuses == [200, 200, 200, 200, 429]
    assert with_right_password.status_code == 429
    assert locked_addresses() == [CLIENT_X]


def test_lockout_behind_one_proxy_locks_the_client_not_everyone(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(Role.KULTURDIREKTOR, username="direktor")

    statuses = [login(client, "wrong", PROXY, forwarded_for=CLIENT_X).status_code for _ in range(5)]
    attacker = login(client, PASSWORD, PROXY, forwarded_for=CLIENT_X)
    direktor = login(client, PASSWORD, PROXY, forwarded_for=CLIENT_Y)

    assert statuses == [200, 200, 200, 200, 429]
    assert attacker.status_code == 429
    assert direktor.status_code == 302
    assert locked_addresses() == [CLIENT_X]


def test_lockout_behind_one_proxy_ignores_hops_the_client_prepends(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_user(Role.KULTURDIREKTOR, username="direktor")

    # The client sends its own X-Forwarded-For each time; the proxy appends the real address.
    statuses = [login(client, "wrong", PROXY, forwarded_for=f"192.0.2.{n}, {CLIENT_X}").status_code for n in range(5)]
    with_right_password = login(client, PASSWORD, PROXY, forwarded_for=f"{CLIENT_Y}, {CLIENT_X}")

    assert statuses == [200, 200, 200, 200, 429]
    assert with_right_password.status_code == 429
    assert locked_addresses() == [CLIENT_X]


@pytest.mark.parametrize(
    ("proxies", "remote_addr", "forwarded_for", "expected"),
    [
        # Direct: the header is whatever the client wrote.
        (0, CLIENT_X, None, CLIENT_X),
        (0, CLIENT_X, CLIENT_Y, CLIENT_X),
        # One proxy: the right-most entry is the one it appended.
        (1, PROXY, CLIENT_X, CLIENT_X),
        (1, PROXY, f"{CLIENT_Y}, {CLIENT_X}", CLIENT_X),
        (1, PROXY, f"{CLIENT_Y},{CLIENT_X}", CLIENT_X),
        # Two proxies: the outer one appended the client, the inner one the outer proxy.
        (2, PROXY, f"{CLIENT_X}, 10.0.0.5", CLIENT_X),
        (2, PROXY, f"{CLIENT_Y}, {CLIENT_X}, 10.0.0.5", CLIENT_X),
        # Fewer entries than trusted proxies: the request did not pass them all, so no entry is
        # known to come from a proxy; the connection's own address, which nobody can forge.
        (1, PROXY, None, PROXY),
        (1, PROXY, "", PROXY),
        (2, PROXY, CLIENT_X, PROXY),
        # Not an address where a trusted proxy wrote (a misconfigured proxy): the connection's.
        (1, PROXY, f"{CLIENT_X}, unknown", PROXY),
        (1, PROXY, f"{CLIENT_X}:4711", PROXY),
        # IPv6, written as the database writes it back.
        (1, PROXY, "2001:DB8:0:0::7", "2001:db8::7"),
    ],
)
def test_client_ip_takes_the_entry_the_outermost_trusted_proxy_appended(
    settings, proxies, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    request = RequestFactory().post("/", REMOTE_ADDR=remote_addr, **headers)

    assert client_ip(request) == expected


@pytest.mark.parametrize("value", ["-1", "one", "1.5"])
def test_settings_refuse_to_start_with_a_malformed_trusted_proxy_count(value):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**os.environ, "TRUSTED_PROXY_COUNT": value},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be" in result.stderr
