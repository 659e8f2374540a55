"""The demo periodic task through a real Redis and a real worker (not eager mode)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import purge_expired_sessions
from kob_social.testing.waiting import wait_until

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_purge_expired_sessions_runs_on_a_real_worker(celery_worker):
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    alive = SessionStore()
    alive.create()

    purge_expired_sessions.delay()

    assert wait_until(lambda: not Session.objects.filter(session_key=expired.session_key).exists(), timeout=30), (
        celery_worker.log()
    )
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]
    assert "accounts.tasks.purge_expired_sessions" in celery_worker.log()
