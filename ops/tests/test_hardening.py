"""Site-wide hardening: CSRF on every URL, private caching of signed-in pages, the
Permissions-Policy header, the production cookies and the Swedish 400 and CSRF failure pages.

These are properties of the whole site, so they are tested from the top (ops imports every app).
"""

import re
import subprocess
import sys

import pytest
from django.apps import apps
from django.core import serializers
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern

from accounts.tests.factories import PASSWORD
from audit.models import Event
from ops.tests.test_platform import BASE_DIR, production_env
from plans.tests.factories import complete_plan

pytestmark = pytest.mark.django_db

# --- Every URL refuses a POST without a CSRF token ----------------------------------------------

# A value for each kind of path parameter: the CSRF check runs before the view, so the object
# need not exist; the URL only has to resolve to its view.
CONVERTER_VALUES = {"int": "1", "str": "x", "slug": "x", "path": "1", "uuid": "00000000-0000-0000-0000-000000000000"}


def _route_to_path(route: str) -> str:
    return re.sub(r"<(?:(\w+):)?\w+>", lambda match: CONVERTER_VALUES[match.group(1) or "str"], route)


def _regex_to_path(regex: str) -> str:
    def group(match):
        body = match.group(1)
        if re.fullmatch(r"\w+(\|\w+)*", body):
            return body.split("|")[0]  # a choice of names (the admin's app list): the first
        return "1"

    path = re.sub(r"\(\?P<\w+>([^)]*)\)", group, regex)
    path = path.replace("([^/]+)", "1").replace(".*", "x")
    return path.replace("^", "").replace("$", "")


def every_url(patterns=None, prefix=""):
    """(path, view) for every pattern in the URLconf, admin included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from every_url(pattern.url_patterns, prefix + _part(pattern))
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + _part(pattern), pattern.callback


def _part(pattern) -> str:
    text = str(pattern.pattern)
    return _regex_to_path(text) if isinstance(pattern.pattern, RegexPattern) else _route_to_path(text)


def database_contents() -> str:
    """Every row of every table, except the sessions (a request may push the idle expiry of the
    client's own session forward, which is not a change to the application's data) and the
    audit log (which records each refusal: the test counts those events itself)."""
    models = [model for model in apps.get_models() if model._meta.label not in ("sessions.Session", "audit.Event")]
    return "".join(serializers.serialize("json", model._base_manager.order_by("pk")) for model in models)


def test_every_url_refuses_a_post_without_a_csrf_token_and_changes_nothing(org):
    complete_plan(org.medarbetare)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.admin)
    client.get(reverse("home"))  # the CSRF cookie is set; only the token in the form is missing
    urls = list(every_url())
    before = database_contents()
    last_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0

    refused, not_refused = [], []
    for path, view in urls:
        assert resolve(path).func == view, f"{path} does not resolve to its own view"
        response = client.post(path, {"title": "x", "status": "godkand"})
        if response.status_code == 403 and "errors/csrf_failure.html" in [t.name for t in response.templates]:
            refused.append(path)
        else:
            not_refused.append((path, response.status_code))

    assert not_refused == []
    assert len(refused) == len(urls) > 200
    assert database_contents() == before
    # Each refusal is one audit event, and nothing else was written.
    written = list(Event.objects.filter(id__gt=last_event).values_list("action", "reason", "actor"))
    assert sorted(written) == sorted(("access.refused", f"403 POST {path}", org.admin.pk) for path in refused)


def test_the_url_walk_reaches_the_pages_that_change_state():
    paths = {path for path, _view in every_url()}

    assert "/planer/1/redigera/" in paths
    assert "/konto/logga-in/" in paths
    assert "/admin/accounts/user/1/change/" in paths
    assert "/admin/auth/" in paths


# --- Caching ------------------------------------------------------------------------------------


def test_signed_in_pages_are_private_and_not_stored(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)

    pages = [reverse("home"), reverse("plans:list"), reverse("plans:detail", args=[plan.pk])]
    pages += [reverse("channel_register:list"), reverse("notifications:list"), reverse("public_register")]
    responses = {page: client.get(page) for page in pages}
    missing = client.get("/planer/999999/")

    assert {page: response.status_code for page, response in responses.items()} == dict.fromkeys(pages, 200)
    assert {page: response["Cache-Control"] for page, response in responses.items()} == dict.fromkeys(
        pages, "private, no-store"
    )
    assert missing.status_code == 404
    assert missing["Cache-Control"] == "private, no-store"


def test_a_view_cannot_make_a_signed_in_page_cacheable(client, org):
    client.force_login(org.admin)

    response = client.get(reverse("healthz"))  # never_cache sets its own header

    assert response["Cache-Control"] == "private, no-store"
    assert "Expires" not in response


def test_anonymous_pages_keep_their_own_caching(client):
    response = client.get(reverse("public_register"))

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- Headers and cookies ------------------------------------------------------------------------


def test_permissions_policy_denies_the_devices_no_page_uses(client):
    response = client.get(reverse("login"))

    policy = dict(part.strip().split("=", 1) for part in response["Permissions-Policy"].split(","))
    assert {feature: policy[feature] for feature in ("camera", "microphone", "geolocation", "payment", "usb")} == {
        "camera": "()",
        "microphone": "()",
        "geolocation": "()",
        "payment": "()",
        "usb": "()",
    }


def test_production_cookies_are_host_prefixed_and_the_csrf_cookie_is_http_only():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.SESSION_COOKIE_HTTPONLY]))"
    )
    env = production_env(DJANGO_SETTINGS_MODULE="kob_social.settings")

    result = subprocess.run([sys.executable, "-c", script], cwd=BASE_DIR, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == '["__Host-sessionid", "__Host-csrftoken", true, true, true, true]'


def test_production_session_cookie_is_sent_with_the_host_prefix(client, org, settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.SESSION_COOKIE_SECURE = True

    response = client.post(reverse("login"), {"username": "medarbetare", "password": PASSWORD})

    cookie = response.cookies["__Host-sessionid"]
    assert response.status_code == 302
    assert (cookie["secure"], cookie["path"], cookie["domain"], cookie["httponly"]) == (True, "/", "", True)


# --- Error pages --------------------------------------------------------------------------------


def test_a_request_for_an_unknown_host_gets_the_swedish_400_page(client):
    response = client.get(reverse("login"), HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "Begäran kunde inte läsas" in response.text
    assert "DEBUG" not in response.text
    assert '<html lang="sv">' in response.text


def test_an_unreadable_upload_gets_the_swedish_400_page_in_the_site_layout(client, org):
    client.force_login(org.medarbetare)
    boundary = "kob-boundary"
    name = "a" * 2000 + ".png"  # the part's header is longer than Django reads (1,024 bytes)
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: image/png\r\n\r\nxx\r\n--{boundary}--\r\n"
    ).encode()

    response = client.generic(
        "POST", reverse("plans:verify"), body, content_type=f"multipart/form-data; boundary={boundary}"
    )

    assert response.status_code == 400
    assert "Begäran kunde inte läsas" in response.text
    assert 'class="site-header"' in response.text


def test_a_post_without_a_csrf_token_gets_the_swedish_page_in_the_site_layout(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.medarbetare)

    response = client.post(reverse("notifications:mark_read"))

    assert response.status_code == 403
    assert "Formuläret kunde inte skickas" in response.text
    assert "Inget har ändrats" in response.text
    assert "DEBUG" not in response.text
    assert 'class="site-header"' in response.text


def test_a_post_without_the_csrf_cookie_says_to_allow_cookies(org):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "medarbetare", "password": "x"})

    assert response.status_code == 403
    assert "Tillåt kakor" in response.text
