"""The identity provider's settings (issue 17): off without OIDC_ISSUER; a half-set or plain-http
configuration stops the start with a clear error; set, the backend and the sign-out's form-action
follow. Each case starts Django in a process of its own, as a deployment does."""

import json
import subprocess
import sys

import pytest

from kob_social.testing.services import BASE_DIR
from ops.tests.test_hardening import production_env

SCRIPT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.OIDC_ISSUER, 'accounts.oidc.RegionBackend' in s.AUTHENTICATION_BACKENDS, "
    "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']]))"
)


def start(**environment) -> subprocess.CompletedProcess:
    env = production_env(DJANGO_SETTINGS_MODULE="kob_social.settings", **environment)
    return subprocess.run([sys.executable, "-c", SCRIPT], cwd=BASE_DIR, env=env, capture_output=True, text=True)


def test_without_an_issuer_sign_in_is_by_password_only():
    result = start()

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["", False, ["'self'"]]


def test_a_complete_configuration_turns_the_provider_on():
    result = start(OIDC_ISSUER="https://login.example.se/tenant/v2.0/", OIDC_CLIENT_ID="kob", OIDC_CLIENT_SECRET="s")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "https://login.example.se/tenant/v2.0",
        True,
        ["'self'", "https://login.example.se/tenant/v2.0"],
    ]


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"OIDC_ISSUER": "https://login.example.se"}, "OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set"),
        (
            {"OIDC_ISSUER": "http://login.example.se", "OIDC_CLIENT_ID": "kob", "OIDC_CLIENT_SECRET": "s"},
            "OIDC_ISSUER must be an https:// address",
        ),
    ],
)
def test_a_bad_configuration_stops_the_start_with_a_clear_error(environment, message):
    result = start(**environment)

    assert result.returncode != 0
    assert message in result.stderr
