"""
Settings for KoB Social: one file, read from the environment through django-environ.

With no environment at all the app runs on embedded defaults (SQLite in WAL mode, a Celery
broker on the file system, console e-mail) so that `make run` works on a fresh machine.
Production differs only by environment values: `DEBUG=0`, `SECRET_KEY`, `DATABASE_URL`,
`CELERY_BROKER_URL`, `EMAIL_URL` and `ALLOWED_HOSTS` (see the table in README.md).
Malformed values fail loudly at start-up.
"""

import ipaddress
import re
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is convenient in development; the real environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Where the embedded defaults keep their state (database, broker folders, uploads).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var")))

# --- Core -------------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=True)

_INSECURE_DEV_KEY = "django-insecure-dev-only-kob-social-never-use-in-production"
SECRET_KEY = env("SECRET_KEY", default=_INSECURE_DEV_KEY if DEBUG else None)
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _INSECURE_DEV_KEY):
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 random characters) when DEBUG=0.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the app, used in links in e-mails (no trailing slash).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "guardian",
    "simple_history",
    "axes",
    "django_celery_beat",
    # The project's apps, each importing only those below it (pyproject.toml's import-linter
    # contracts): notifications, accounts → audit → channel_register → plans → metrics → overview → ops.
    "notifications",
    "accounts",
    "audit",
    "channel_register",
    "plans",
    "metrics",
    "overview",
    "ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    # Django's, with the idle expiry pushed forward at most once a minute (SESSION_REFRESH_SECONDS).
    "accounts.middleware.IdleSessionMiddleware",
    "kob_social.middleware.SwedishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who, from where, one group per request; and every refused request for an object.
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages, for its note: a session ends SESSION_ABSOLUTE_SECONDS after sign-in.
    "accounts.middleware.AbsoluteSessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "kob_social.middleware.PrivatePagesMiddleware",
    # Axes must come last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kob_social.urls"
WSGI_APPLICATION = "kob_social.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kob_social.navigation.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside a writer; IMMEDIATE transactions take the write lock at
    # BEGIN, so two concurrent writers queue instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # A file, not memory: the Celery worker started by the integration tests must see it.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Field-level history is a record, not an undo: the admin's history pages show it and change
# nothing (no "Revert" button; kob_social.history_admin refuses a POST to them as well).
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_EDIT = False

# --- Authentication ---------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out username+address never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

# Sign-in with the Region's identity provider (OpenID Connect, mozilla-django-oidc; accounts.oidc):
# on when OIDC_ISSUER is set. The provider's endpoints are read from its discovery document at the
# first sign-in (not at start, so a provider that is down does not stop the app). Local passwords
# stay, for administrators and the embedded default.
OIDC_ISSUER = env.str("OIDC_ISSUER", default="").rstrip("/")
OIDC_RP_CLIENT_ID = env.str("OIDC_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env.str("OIDC_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env.str("OIDC_SCOPES", default="openid email profile groups")
OIDC_GROUPS_CLAIM = env.str("OIDC_GROUPS_CLAIM", default="groups")
# The claim that names a person for good: e-mail addresses change. "sub" (pairwise but stable
# per application); "oid" with Microsoft Entra ID.
OIDC_SUBJECT_CLAIM = env.str("OIDC_SUBJECT_CLAIM", default="sub")
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT_SECONDS", default=10)
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's sign-out (id_token_hint)
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_callback"
if OIDC_ISSUER:
    if not OIDC_ISSUER.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ImproperlyConfigured("OIDC_ISSUER must be an https:// address (the provider's issuer).")
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        raise ImproperlyConfigured("OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set when OIDC_ISSUER is.")
    AUTHENTICATION_BACKENDS.insert(1, "accounts.oidc.RegionBackend")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after 30 idle minutes: the expiry is pushed forward by a save of the session, at
# most once a minute (accounts.middleware.IdleSessionMiddleware), not on every request.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_REFRESH_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# And 12 hours after sign-in however active (accounts.middleware); a change of the person's
# access (deactivated, unit, roles) or password ends their other sessions at once (accounts.signals).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)

# django-axes: lock a username+address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts the cool-off from the lockout, whatever the user tries meanwhile: predictable
# for the help desk, and the attempts during the lock are still logged.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429

# The client's address, for the lock above and the password-reset limit (kob_social.client_ip):
# TRUSTED_PROXY_COUNT reverse proxies stand in front of the app, each appending the address it
# got the request from to X-Forwarded-For. 0: clients connect directly and the header is
# ignored. Behind a proxy, leaving it at 0 makes every lock per username (docker-compose.yml).
_trusted_proxy_count = env.str("TRUSTED_PROXY_COUNT", default="0").strip()
if not (_trusted_proxy_count.isascii() and _trusted_proxy_count.isdigit()):
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT must be a whole number ≥ 0 (the reverse proxies in front of the app), "
        f"not {_trusted_proxy_count!r}."
    )
TRUSTED_PROXY_COUNT = int(_trusted_proxy_count)
AXES_CLIENT_IP_CALLABLE = "kob_social.client_ip.client_ip"

# django-guardian: no anonymous user row; anonymous visitors get nothing by object permission.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads -----------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves from STATIC_ROOT (filled by collectstatic) and, in development, from the finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Uploads are never served directly: only through permission-checked views.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
UPLOAD_MAX_PIXELS = env.int("UPLOAD_MAX_PIXELS", default=50_000_000)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- E-mail -----------------------------------------------------------------------------------

# consolemail:// in development; smtp+tls://user:password@host:587 in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KoB Social <no-reply@kob-social.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# Notifications' e-mail copies (notifications.domain): attempts before a copy is marked failed
# for the administrators, and how long a claim by a worker that died while sending blocks a resend.
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
EMAIL_RETRY_BACKOFF_SECONDS = env.int("EMAIL_RETRY_BACKOFF_SECONDS", default=30)
NOTIFICATION_STALE_CLAIM_SECONDS = env.int("NOTIFICATION_STALE_CLAIM_SECONDS", default=10 * 60)
EMAIL_MESSAGE_ID_DOMAIN = env("EMAIL_MESSAGE_ID_DOMAIN", default="kob-social.invalid")

# --- Cache ------------------------------------------------------------------------------------

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Security ---------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The container health check calls /healthz over plain HTTP from inside the host.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Secure cookies get the __Host- prefix: the browser then refuses them unless they come over
# HTTPS for this exact host with Path=/, so a sibling subdomain cannot set or shadow them.
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
SESSION_COOKIE_HTTPONLY = True
# The pages carry the token themselves (forms, and data-hx-headers for htmx): no script reads the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "kob_social.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
# Features no page of the app uses are denied to every page (django-permissions-policy).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "bluetooth",
        "display-capture",
        "accelerometer",
        "gyroscope",
        "magnetometer",
    )
}

# A strict Content-Security-Policy: our own files only, no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if OIDC_ISSUER:
    # Signing out is a form whose answer leads on to the provider's end-session page: the
    # browser checks that step against form-action.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [SELF, OIDC_ISSUER]

# --- Celery -----------------------------------------------------------------------------------

# With no broker configured, Celery uses kombu's file-system transport: no server needed.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://localhost//")
# How long Redis waits before handing an unacknowledged task (its worker died) to another worker.
_BROKER_VISIBILITY_TIMEOUT = env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _BROKER_VISIBILITY_TIMEOUT,
        # How often a worker looks for tasks abandoned by a dead worker (kombu's defaults).
        "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
        "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
    }
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Reliability: a task is acknowledged only when it finished, and is redelivered if the worker
# dies mid-way; so every task must be idempotent (they claim their rows before acting).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits stay well below the broker's visibility timeout, or Redis would hand a task that
# is still running to a second worker.
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# --- Logging ----------------------------------------------------------------------------------

LOG_LEVEL = env("LOG_LEVEL", default="INFO")


def _refusal_without_traceback(record) -> bool:
    """A 4xx that django.request logs is a refusal the app meant (PermissionDenied, Http404): its
    one line says it, its traceback (two, as NotAllowed is chained) is noise. A 5xx keeps it."""
    if getattr(record, "status_code", 500) < 500:
        record.exc_info = record.exc_text = None
    return True


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "refusal_without_traceback": {"()": "django.utils.log.CallbackFilter", "callback": _refusal_without_traceback}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # WeasyPrint reports every step of a rendering at INFO.
    "loggers": {
        "django.request": {"filters": ["refusal_without_traceback"]},
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
# A worker logs what a task prints (the console e-mail backend prints every mail) as the
# `celery.redirected` logger, by default at WARNING: printed output is not a warning.
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"

# --- Product ----------------------------------------------------------------------------------

# The diarienummer of a plan: {year} and {seq} are filled in at the first submission.
DIARIENUMMER_FORMAT = env("DIARIENUMMER_FORMAT", default="KOB-{year}-{seq:04d}")

# References to the Region's records (accounts.records), each a regular expression the whole
# value must match, and an example shown with the message when it does not: the number of a case in
# the Region's case system (a removal's, a closure's, a plan's registration), and the entry of the
# dokumenthanteringsplan / gallringsbeslut that governs a channel's records. These are the
# installation's; the administrator's, set in the admin (accounts.RecordsFormat), take their place.
CASE_NUMBER_PATTERN = env("CASE_NUMBER_PATTERN", default=r"[A-ZÅÄÖ]{1,8} ?\d{4}[-/]\d{1,6}")
CASE_NUMBER_EXAMPLE = env("CASE_NUMBER_EXAMPLE", default="KUN2026-00123")
RECORDS_REFERENCE_PATTERN = env("RECORDS_REFERENCE_PATTERN", default=r"\S.{0,198}")
RECORDS_REFERENCE_EXAMPLE = env("RECORDS_REFERENCE_EXAMPLE", default="Dokumenthanteringsplan Kultur och bildning 4.2.1")
for _name in ("CASE_NUMBER_PATTERN", "RECORDS_REFERENCE_PATTERN"):
    try:
        re.compile(globals()[_name])
    except re.error as _error:
        raise ImproperlyConfigured(f"{_name} is not a regular expression: {_error}") from None
    if re.fullmatch(globals()[_name], globals()[_name.replace("PATTERN", "EXAMPLE")]) is None:
        raise ImproperlyConfigured(f"{_name.replace('PATTERN', 'EXAMPLE')} must match {_name}.")

# The signed plan PDF (plans.pdf, plans.signing): the place printed in the signature block, and
# an optional PKCS#12 certificate with which the stored PDF is signed digitally (PAdES).
PDF_SIGNATURE_PLACE = env("PDF_SIGNATURE_PLACE", default="Uppsala")
PDF_SIGNING_CERTIFICATE = env("PDF_SIGNING_CERTIFICATE", default="")
PDF_SIGNING_PASSWORD = env("PDF_SIGNING_PASSWORD", default="")
# A draft preview is rendered by a worker, never in a web request, and given up after this long.
PDF_PREVIEW_TIME_LIMIT = env.int("PDF_PREVIEW_TIME_LIMIT", default=30)

# A channel goes live only with this many coming weeks of the supervision roster without a gap
# (channel_register.domain.channels.activation_blockers): the strategy requires continuous supervision.
CHANNEL_ACTIVATION_ROSTER_WEEKS = env.int("CHANNEL_ACTIVATION_ROSTER_WEEKS", default=4)
if not 1 <= CHANNEL_ACTIVATION_ROSTER_WEEKS <= 104:
    raise ImproperlyConfigured("CHANNEL_ACTIVATION_ROSTER_WEEKS must be a number of weeks from 1 to 104.")

# Roster weeks and absences of a person who has left are deleted this many days after they ended
# (audit.personal_data.purge_departed, nightly); decisions and the audit log are kept.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
if PERSONAL_DATA_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("PERSONAL_DATA_RETENTION_DAYS must be a number of days, at least 1.")

# The accessibility statement (/tillganglighet/): where a visitor reports a problem or asks for
# content in another form (the feedback route that DOS-lagen requires).
ACCESSIBILITY_CONTACT_EMAIL = env("ACCESSIBILITY_CONTACT_EMAIL", default="tillganglighet@regionuppsala.se")

# The public register's lookup ("is this account really ours?", /kanaler/sok/): where a citizen
# reports an account that pretends to be ours, and how many lookups one client address may make
# per minute (HTML and JSON together; over it, 429 with Retry-After). The count is kept in the
# cache: per process with the embedded default, shared by every server with CACHE_URL on Redis.
FAKE_ACCOUNT_REPORT_EMAIL = env("FAKE_ACCOUNT_REPORT_EMAIL", default="kulturochbildning@regionuppsala.se")
PUBLIC_LOOKUPS_PER_MINUTE = env.int("PUBLIC_LOOKUPS_PER_MINUTE", default=30)
if PUBLIC_LOOKUPS_PER_MINUTE < 1:
    raise ImproperlyConfigured("PUBLIC_LOOKUPS_PER_MINUTE must be at least 1.")

# Reading channel feeds (channel_register.fetch): only public addresses are fetched. Networks listed here
# (CIDR, e.g. "10.20.0.0/16" for the Region's own servers) are allowed even though private.
FEED_ALLOWED_NETWORKS = env.list("FEED_ALLOWED_NETWORKS", default=[])
for _network in FEED_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"FEED_ALLOWED_NETWORKS: {_network!r} is not a network (CIDR): {_error}") from None
FEED_TIMEOUT_SECONDS = env.float("FEED_TIMEOUT_SECONDS", default=10.0)
FEED_MAX_BYTES = env.int("FEED_MAX_BYTES", default=2 * 1024 * 1024)
