"""The platform: security headers, deploy checks, health, demo data and the schedules."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from kob_social.testing.services import free_port

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_csp_header_is_strict(client):
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_pages_have_no_inline_script_or_style(client):
    html = client.get(reverse("login")).text

    assert "<style" not in html
    assert " style=" not in html
    assert "<script>" not in html
    assert "onclick" not in html.lower()


def test_htmx_is_served_from_our_own_static_files(client):
    html = client.get(reverse("login")).text

    assert '<script src="/static/js/htmx.min.js" defer></script>' in html
    assert "http://" not in html.replace("http://testserver", "")
    assert "https://" not in html


def production_env(**extra):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "CELERY_", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="x7#kq2-very-long-random-production-secret-0123456789abcdefghijklmnop",
        ALLOWED_HOSTS="kob-social.regionuppsala.se",
        CSRF_TRUSTED_ORIGINS="https://kob-social.regionuppsala.se",
        DATABASE_URL="postgres://kob:secret@db.internal:5432/kob",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        EMAIL_URL="smtp+tls://kob:secret@smtp.internal:587",
    )
    env.update(extra)
    return env


def test_check_deploy_is_clean_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_env(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = production_env()
    del env["SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_healthz_ok_when_database_and_broker_answer(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_503_when_the_broker_does_not_answer(client):
    closed_port = free_port()
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{closed_port}/0", CELERY_BROKER_TRANSPORT_OPTIONS={}):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] != "ok"


def demo_counts():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_twice_gives_the_same_counts():
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    first = demo_counts()

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    second = demo_counts()

    assert second == first
    assert first["accounts.User"] == 9  # the seven roles' people and the two standing deputies


def test_seed_demo_users_sign_in_with_demo(client):
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    for username in ("medarbetare", "medarbetare2", "chef", "chef2", "kommunikator", "direktor", "admin", "stabschef"):
        response = client.post(reverse("login"), {"username": username, "password": "demo"})
        assert response.status_code == 302, username
        client.post(reverse("logout"))


def test_setup_schedules_creates_each_declared_job_once():
    from django_celery_beat.models import PeriodicTask

    from kob_social.schedules import SCHEDULES

    call_command("setup_schedules", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("setup_schedules", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert sorted(PeriodicTask.objects.values_list("task", flat=True)) == sorted(s.task for s in SCHEDULES)
