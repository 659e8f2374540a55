"""The demo periodic task through a real Redis and a real worker (not eager mode)."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import purge_expired_sessions

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_purge_expired_sessions_runs_on_a_real_worker(celery_worker):
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    alive = SessionStore()
    alive.create()

    purge_expired_sessions.delay()

    assert wait_until(lambda: not Session.objects.filter(session_key=expired.session_key).exists()), celery_worker.log()
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]
    assert "accounts.tasks.purge_expired_sessions" in celery_worker.log()
