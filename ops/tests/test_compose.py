"""The production files (docker-compose.yml, Dockerfile) say what the README promises.

No Docker engine runs on the development and CI machines, so the files are parsed and checked
here instead of being started. No database is needed.
"""

import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

APP_SERVICES = ("web", "worker", "beat")
# beat has no health check: it consumes nothing from the broker, so it cannot answer a Celery
# ping, and it serves no port; `restart: unless-stopped` brings it back if it dies.
# migrate is a one-shot job that exits when done: a health check has nothing to watch.
SERVICES_WITHOUT_HEALTHCHECK = {"beat", "migrate"}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_words(service: dict) -> list[str]:
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else [str(word) for word in command]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuation lines joined."""
    instructions, pending = [], ""
    for line in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, arguments = (pending + stripped).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    return instructions


def environment_of(service: dict) -> dict[str, str]:
    environment = service["environment"]
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return environment


# --- docker-compose.yml ---------------------------------------------------------------------


def test_compose_services_are_exactly_the_expected_ones(services):
    assert set(services) == {"web", "worker", "beat", "redis", "postgres", "migrate"}


def test_web_command_runs_gunicorn_with_the_wsgi_application(services):
    words = command_words(services["web"])

    assert words[0] == "gunicorn"
    assert words[1] == "kob_social.wsgi:application"
    assert words[words.index("--bind") + 1] == "0.0.0.0:8000"


def test_web_command_sets_a_deliberate_worker_timeout(services):
    words = command_words(services["web"])

    assert (words[words.index("--timeout") + 1], words[words.index("--graceful-timeout") + 1]) == ("30", "30")


def test_web_port_is_published_from_port_variable(services):
    assert services["web"]["ports"] == ["${PORT:-8000}:8000"]


def test_worker_command_is_a_celery_worker_for_the_project(services):
    assert command_words(services["worker"]) == [
        "celery",
        "-A",
        "kob_social",
        "worker",
        "--loglevel=INFO",
        "--concurrency=2",
    ]


def test_beat_command_is_celery_beat_for_the_project(services):
    assert command_words(services["beat"]) == ["celery", "-A", "kob_social", "beat", "--loglevel=INFO"]


def test_migrate_command_migrates_releases_draft_channels_then_sets_up_schedules(services):
    script = command_words(services["migrate"])[-1]

    assert script == (
        "python manage.py migrate --noinput && python manage.py release_draft_channels"
        " && python manage.py setup_schedules"
    )
    assert services["migrate"]["restart"] == "no"


@pytest.mark.parametrize("name", ["web", "worker", "redis", "postgres"])
def test_long_running_service_has_a_healthcheck(services, name):
    test = services[name]["healthcheck"]["test"]

    assert test[0] in {"CMD", "CMD-SHELL"}
    assert len(test) > 1


def test_every_service_without_a_healthcheck_is_an_explained_exception(services):
    without = {name for name, service in services.items() if "healthcheck" not in service}

    assert without == SERVICES_WITHOUT_HEALTHCHECK


def test_web_healthcheck_calls_healthz_with_python(services):
    test = services["web"]["healthcheck"]["test"]

    assert test[:3] == ["CMD", "python", "-c"]
    assert "urllib.request" in test[3]
    assert "http://127.0.0.1:8000/healthz" in test[3]


def test_worker_healthcheck_pings_its_own_celery_node(services):
    test = services["worker"]["healthcheck"]["test"]

    assert test[0] == "CMD-SHELL"
    assert test[1].startswith("celery -A kob_social inspect ping")
    assert "-d celery@$$HOSTNAME" in test[1]


def test_redis_and_postgres_healthchecks_use_their_own_clients(services):
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert services["postgres"]["healthcheck"]["test"][1].startswith("pg_isready ")


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_service_environment_is_production_like(services, name):
    environment = environment_of(services[name])

    assert environment["DEBUG"] == "0"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DATABASE_URL"].endswith("@postgres:5432/${POSTGRES_DB:-kob_social}")
    assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert environment["MEDIA_ROOT"] == "/data/media"


@pytest.mark.parametrize("name", [*APP_SERVICES, "migrate"])
def test_app_service_secret_key_is_required_not_defaulted(services, name):
    secret_key = environment_of(services[name])["SECRET_KEY"]

    assert re.fullmatch(r"\$\{SECRET_KEY:\?[^}]+\}", secret_key), secret_key


def test_app_service_environment_names_every_production_setting(services):
    expected = {
        "DEBUG",
        "SECRET_KEY",
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SITE_URL",
        "EMAIL_URL",
        "DEFAULT_FROM_EMAIL",
        "MEDIA_ROOT",
    }

    assert expected <= set(environment_of(services["web"]))


def test_allowed_hosts_always_admits_the_healthcheck_address(services):
    hosts = environment_of(services["web"])["ALLOWED_HOSTS"].split(",")

    assert hosts[-1] == "127.0.0.1"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_waits_for_healthy_postgres_and_redis_and_migrations(services, name):
    assert services[name]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }


def test_migrate_waits_for_healthy_postgres_and_redis(services):
    assert services["migrate"]["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }


@pytest.mark.parametrize("name", [*APP_SERVICES, "redis", "postgres"])
def test_long_running_service_restarts_unless_stopped(services, name):
    assert services[name]["restart"] == "unless-stopped"


def test_postgres_password_is_required_and_other_settings_default(services):
    environment = environment_of(services["postgres"])

    assert environment == {
        "POSTGRES_DB": "${POSTGRES_DB:-kob_social}",
        "POSTGRES_USER": "${POSTGRES_USER:-kob}",
        "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}",
    }
    assert services["postgres"]["image"] == "postgres:15-alpine"


def test_postgres_and_redis_data_live_in_named_volumes(compose, services):
    assert services["postgres"]["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert services["redis"]["volumes"] == ["redis-data:/data"]
    assert {"postgres-data", "redis-data", "media"} <= set(compose["volumes"])


def test_redis_keeps_an_append_only_file(services):
    assert services["redis"]["image"] == "redis:7-alpine"
    assert command_words(services["redis"]) == ["redis-server", "--appendonly", "yes"]


@pytest.mark.parametrize("name", ["web", "worker"])
def test_web_and_worker_share_the_media_volume(services, name):
    assert "media:/data/media" in services[name]["volumes"]


# --- Dockerfile -----------------------------------------------------------------------------


def test_dockerfile_starts_from_python_311_slim_bookworm():
    assert dockerfile_instructions()[0] == ("FROM", "python:3.11-slim-bookworm")


def test_dockerfile_installs_weasyprint_system_libraries():
    apt_lines = [args for keyword, args in dockerfile_instructions() if keyword == "RUN" and "apt-get install" in args]

    assert len(apt_lines) == 1
    packages = set(apt_lines[0].split())
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core", "gettext"} <= packages


def test_dockerfile_installs_pinned_requirements_without_cache():
    runs = [args for keyword, args in dockerfile_instructions() if keyword == "RUN"]

    assert "pip install --no-cache-dir -r requirements.txt" in runs


def test_dockerfile_collects_static_with_a_build_only_secret_key():
    collect = [args for keyword, args in dockerfile_instructions() if "collectstatic" in args]

    assert len(collect) == 1
    assert re.search(r"SECRET_KEY=build-only-\S+ DEBUG=0 .*python manage.py collectstatic --noinput", collect[0])
    # The dummy key must not leak into the image's environment.
    assert not any(keyword == "ENV" and "SECRET_KEY" in args for keyword, args in dockerfile_instructions())


def test_dockerfile_runs_as_a_non_root_user():
    users = [args for keyword, args in dockerfile_instructions() if keyword == "USER"]

    assert users
    assert users[-1] not in {"root", "0", "0:0"}
    assert users[-1] == "app"


def test_dockerfile_exposes_8000_and_runs_gunicorn():
    instructions = dockerfile_instructions()
    cmd = [args for keyword, args in instructions if keyword == "CMD"]

    assert ("EXPOSE", "8000") in instructions
    assert len(cmd) == 1
    assert json.loads(cmd[0]) == [
        "gunicorn",
        "kob_social.wsgi:application",
        "--bind",
        "0.0.0.0:8000",
        "--workers",
        "3",
        "--timeout",
        "30",
        "--graceful-timeout",
        "30",
        "--access-logfile",
        "-",
    ]


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())

    assert {".venv", "var/", ".git", ".env", "**/__pycache__", "**/*.pyc"} <= ignored
