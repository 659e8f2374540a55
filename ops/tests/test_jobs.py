"""The scheduled jobs as declared: each one a registered task, a runnable domain function, a
beat row editable in the admin, and runnable by hand with `manage.py run_job`."""

import datetime
import inspect
import io
import os

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.module_loading import import_string
from django_celery_beat.models import PeriodicTask

from accounts.models import Unit
from accounts.tests.factories import UnitFactory
from kob_social.celery import app
from kob_social.jobs import in_batches, queue
from kob_social.schedules import JOBS, SCHEDULES

pytestmark = pytest.mark.django_db


def test_every_schedule_names_a_registered_task():
    app.loader.import_default_modules()

    missing = [schedule.task for schedule in SCHEDULES if schedule.task not in app.tasks]

    assert missing == []


def test_every_job_function_takes_the_day_or_nothing():
    signatures = {name: inspect.signature(import_string(job.function)) for name, job in JOBS.items()}

    odd = [name for name, signature in signatures.items() if set(signature.parameters) - {"today", "now"}]

    assert odd == []
    assert sorted(JOBS) == [
        "escalate_waiting",
        "evaluation_duties",
        "expiring_trainings",
        "first_measurements",
        "overdue_inventories",
        "purge_personal_data",
        "purge_sessions",
        "read_feeds",
        "refresh_standings",
        "render_pdfs",
        "resend_emails",
        "roster_gaps",
        "screenshot_duties",
        "send_digests",
        "waiting_approvals",
        "weekly_check",
    ]


def test_weekly_check_is_scheduled_monday_morning_stockholm_time():
    call_command("setup_schedules", stdout=io.StringIO())

    task = PeriodicTask.objects.select_related("crontab").get(task="channel_register.tasks.weekly_rhythm_check")

    crontab = task.crontab
    assert (crontab.minute, crontab.hour, crontab.day_of_week, str(crontab.timezone)) == (
        "0",
        "6",
        "1",
        "Europe/Stockholm",
    )


def test_setup_schedules_leaves_a_time_edited_in_the_admin_alone():
    call_command("setup_schedules", stdout=io.StringIO())
    task = PeriodicTask.objects.select_related("crontab").get(task="channel_register.tasks.weekly_rhythm_check")
    task.crontab.hour = "5"
    task.crontab.save()

    call_command("setup_schedules", stdout=io.StringIO())

    task.refresh_from_db()
    assert task.crontab.hour == "5"
    assert PeriodicTask.objects.filter(task="channel_register.tasks.weekly_rhythm_check").count() == 1


def test_run_job_runs_the_domain_function_for_the_given_day():
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    out = io.StringIO()

    call_command("run_job", "purge_sessions", "--date", "2026-11-23", stdout=out)

    assert out.getvalue() == "purge_sessions 2026-11-23: 1\n"
    assert Session.objects.count() == 0


def test_run_job_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_job", "purge_sessions", "--date", "23/11/2026", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_run_job_refuses_an_unknown_job():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("run_job", "no_such_job", stdout=io.StringIO())


@pytest.fixture
def eager():
    """Tasks run in the calling process, as CELERY_TASK_ALWAYS_EAGER=1 makes them."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_queue_by_name_runs_the_task_like_delay_in_eager_mode(eager):
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(minutes=1)
    )

    queue("accounts.tasks.purge_expired_sessions")

    assert Session.objects.count() == 0


def test_queue_by_an_unknown_name_fails_loudly():
    with pytest.raises(KeyError):
        queue("plans.tasks.no_such_task")


@pytest.mark.parametrize(("count", "sizes"), [(0, []), (4, [2, 2]), (5, [2, 2, 1])])
def test_in_batches_hands_every_row_once_in_key_order_and_sums_the_counts(count, sizes):
    units = [UnitFactory(name=f"Enhet {n}") for n in range(count)]
    seen = []

    def handle(batch):
        seen.append([unit.pk for unit in batch])
        return {"units": len(batch)}

    mine = Unit.objects.filter(pk__in=[unit.pk for unit in units]).order_by("-pk")  # the order is its own
    totals = in_batches(mine, handle, size=2, totals={"units": 0})

    assert [len(batch) for batch in seen] == sizes
    assert [pk for batch in seen for pk in batch] == sorted(unit.pk for unit in units)
    assert totals == {"units": count}
