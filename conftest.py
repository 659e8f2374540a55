"""Fixtures shared by every app's tests: real services, the browser, and common test data."""

import os
from pathlib import Path

import pytest

# The small demo organisation every app's tests build on (accounts/tests/org.py).
from accounts.tests.org import deputies, org  # noqa: F401
from kob_social.testing.services import (
    CeleryWorker,
    RedisServer,
    ServiceMissing,
    database_url_for,
    services_required,
)
from kob_social.testing.smtp import SmtpSink

# Django's live server runs in a thread beside Playwright's sync API, which Django would
# otherwise refuse as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _flush_with_audit_permit():
    """The audit log's table refuses DELETE and TRUNCATE (audit/db.py). Between transactional
    tests (live server, Celery worker) Django empties every table with the `flush` command; it
    alone runs under the one maintenance permit, for the connection it flushes."""
    from django.core.management.commands import flush

    from audit.db import maintenance_permit

    handle = flush.Command.handle

    def handle_with_permit(self, **options):
        with maintenance_permit(options.get("database") or "default"):
            return handle(self, **options)

    flush.Command.handle = handle_with_permit


_flush_with_audit_permit()


def skip_or_fail(reason: str):
    """A missing service skips locally and fails in CI (REQUIRE_SERVICES=1)."""
    if services_required():
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1, so this is a failure)", pytrace=False)
    pytest.skip(reason)


def pytest_configure(config):
    from kob_social.testing.live_requests import in_flight

    in_flight.connect()
    # Tasks queued by ordinary tests go to an in-memory broker and are never run; the tests
    # that need a real worker use the `celery_worker` fixture, which points Celery at Redis.
    from kob_social.celery import app

    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}


@pytest.fixture
def eager_celery():
    """Run queued tasks in place (as CELERY_TASK_ALWAYS_EAGER=1 does), so that a task queued on
    commit runs at once in the test's process; errors propagate."""
    from kob_social.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Factories hash a password for every person; the production hasher (hundreds of
    milliseconds each, by design) would dominate the suite's run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a page cached by one test (the public register)
    must not answer another test's request from rows that test never wrote."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request in English (the language switch)
    leaves English active in the thread, which a later test calling the domain directly would
    otherwise speak."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def no_write_around_history():
    """A queryset update(), bulk_create() or bulk_update() of a model with field-level history
    fails the test (kob_social/testing/history_guard.py): write through kob_social.history.
    For the whole session, so that module- and session-scoped fixtures are held to it too."""
    from kob_social.testing.history_guard import guarded

    with guarded():
        yield


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_teardown(item, nextitem):
    """Before a browser test's fixtures are torn down (the database flushed among them), leave
    the page and let the live server finish what it was answering (kob_social/testing/live_requests.py)."""
    if item.get_closest_marker("browser"):
        from kob_social.testing.live_requests import leave_page_and_wait

        funcargs = getattr(item, "funcargs", {})
        if not leave_page_and_wait(funcargs.get("page")):
            item.warn(pytest.PytestWarning("the live server was still answering a request after 30 s"))
    yield


# --- Celery with a real Redis and a real worker -----------------------------------------------


@pytest.fixture(scope="session")
def redis_server():
    try:
        server = RedisServer().start()
    except ServiceMissing as exc:
        skip_or_fail(str(exc))
    yield server
    server.stop()


def _point_celery_at(broker_url: str, transport_options: dict) -> None:
    from kob_social.celery import app

    app.conf.broker_url = broker_url
    app.conf.broker_transport_options = transport_options
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def smtp_sink():
    """A throwaway SMTP server on its own port (kob_social.testing.smtp); point the worker at
    it with `worker_env` {"EMAIL_URL": smtp_sink.url}."""
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Extra environment variables for the `celery_worker` process; override it in a module."""
    return {}


@pytest.fixture
def celery_worker(redis_server, transactional_db, worker_env):
    """A real worker consuming from a private Redis and using this test's database.

    Needs committed data, hence `transactional_db`. The worker process is fresh for each test;
    use `.kill()` and `.start()` to simulate a crash and a restart.
    """
    from django.db import connection

    worker = CeleryWorker(redis_server.url, database_url_for(connection.settings_dict), extra_env=worker_env)
    _point_celery_at(redis_server.url, {"visibility_timeout": 3600})
    import redis

    redis.Redis.from_url(redis_server.url).flushdb()
    worker.start()
    yield worker
    worker.stop()
    _point_celery_at("memory://", {})


# --- The browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "sv-SE", "timezone_id": "Europe/Stockholm"}


@pytest.fixture
def oidc_provider(live_server, settings):
    """A real OpenID provider (kob_social.testing.oidc) that knows Maja, and the app set up to sign
    in through it (the settings a deployment gives by environment)."""
    from kob_social.testing.oidc import CLIENT_ID, CLIENT_SECRET, OidcProvider

    people = {"maja": {"name": "Maja Lindqvist", "email": "maja.lindqvist@example.se", "groups": []}}
    try:
        provider = OidcProvider(f"{live_server.url}/konto/region/tillbaka/", people).start()
    except ServiceMissing as exc:
        skip_or_fail(str(exc))
    settings.OIDC_ISSUER = provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    policy = {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "form-action": ["'self'", provider.issuer]}
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "DIRECTIVES": policy}
    settings.AUTHENTICATION_BACKENDS = [
        settings.AUTHENTICATION_BACKENDS[0],
        "accounts.oidc.RegionBackend",
        *settings.AUTHENTICATION_BACKENDS[1:],
    ]
    yield provider
    provider.stop()
