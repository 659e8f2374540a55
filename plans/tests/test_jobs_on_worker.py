"""Every scheduled job through a real Redis and a real worker (not eager mode): run twice for
the same day, the second run changes nothing and sends nothing."""

from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import tasks as accounts_tasks
from channel_register import tasks as register_tasks
from channel_register.domain.channels import appoint
from channel_register.models import Channel, RhythmCheck, ScreenshotDuty
from channel_register.tests.channel_factories import active_channel, approved_plan, trained
from kob_social.history import update_with_history
from kob_social.testing.waiting import wait_for_idle_broker
from notifications import tasks as notification_tasks
from notifications.domain import set_preferences
from notifications.enums import EmailStatus, NoticeDelivery
from notifications.models import Notification
from plans import tasks
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import Escalation, Plan, PlanPreview, SignedPlan

from .factories import complete_plan

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_env(smtp_sink):
    return {"EMAIL_URL": smtp_sink.url}


def run_every_job(monday, later_monday, day):
    register_tasks.weekly_rhythm_check.delay(on=monday.isoformat())
    register_tasks.weekly_rhythm_check.delay(on=later_monday.isoformat())
    register_tasks.screenshot_duties.delay(on=day.isoformat())
    tasks.remind_waiting_approvals.delay(on=day.isoformat())
    tasks.escalate_waiting.delay(on=day.isoformat())
    notification_tasks.send_digests.delay(on=day.isoformat())
    register_tasks.warn_roster_gaps.delay(on=day.isoformat())
    accounts_tasks.warn_expiring_trainings.delay(on=day.isoformat())
    register_tasks.remind_overdue_inventories.delay(on=day.isoformat())


def state():
    return (
        sorted(
            RhythmCheck.objects.values_list("channel", "period", "starts_on", "required", "actual", "missed_in_row")
        ),
        sorted(ScreenshotDuty.objects.values_list("channel", "year", "half", "starts_on")),
        sorted(Notification.objects.values_list("key", "recipient")),
        sorted(Escalation.objects.values_list("plan", "revision", "reason")),
    )


def test_every_job_twice_for_the_same_day_gives_identical_results_and_one_email_each(
    org, celery_worker, smtp_sink, redis_server
):
    trained(org.medarbetare)
    trained(org.chef)
    channel = active_channel(org)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    # Active since eight months: its inventory is overdue, and whole weeks are judged.
    update_with_history(Channel.objects.filter(pk=channel.pk), activated_at=timezone.now() - timedelta(days=240))
    waiting = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    update_with_history(Plan.objects.filter(pk=waiting.pk), status_changed_at=timezone.now() - timedelta(days=20))
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    trained(org.medarbetare2, valid_until=today + timedelta(days=30))
    # The chef takes the waiting reminder in the daily digest: the digest goes out once too.
    set_preferences(org.chef, {"waiting_reminder": NoticeDelivery.DIGEST})
    assert wait_for_idle_broker(redis_server.url, timeout=90), celery_worker.log()
    before_jobs = Counter(smtp_sink.message_ids())
    setup_notices = set(Notification.objects.values_list("pk", flat=True))

    run_every_job(monday - timedelta(weeks=1), monday, today)
    assert wait_for_idle_broker(redis_server.url, timeout=90), celery_worker.log()
    first, first_mail = state(), Counter(smtp_sink.message_ids()) - before_jobs
    run_every_job(monday - timedelta(weeks=1), monday, today)
    assert wait_for_idle_broker(redis_server.url, timeout=90), celery_worker.log()
    second, second_mail = state(), Counter(smtp_sink.message_ids()) - before_jobs

    assert second == first
    assert second_mail == first_mail
    kinds = set(Notification.objects.exclude(pk__in=setup_notices).values_list("kind", flat=True))
    assert kinds == {
        "rhythm_missed",
        "rhythm_escalated",
        "screenshot_due",
        "screenshot_overdue",
        "training_expiring",
        "waiting_reminder",
        "waiting_escalation",
        "digest",
        "roster_gap",
        "inventory_overdue",
        "inventory_escalated",
    }
    assert [row[5] for row in first[0]] == [1, 2]
    assert len(first[1]) == 1
    assert first[3] == [(waiting.pk, waiting.revision, "for_lange")]
    # The chef's reminder went out in the digest (DIGESTED), the digest itself among the mails.
    reminders = Notification.objects.filter(kind="waiting_reminder", recipient=org.chef)
    assert list(reminders.values_list("email_status", flat=True)) == [EmailStatus.DIGESTED]
    with_email = Notification.objects.exclude(email_status__in=[EmailStatus.NONE, EmailStatus.DIGESTED]).exclude(
        pk__in=setup_notices
    )
    assert with_email.filter(email_status=EmailStatus.SENT).count() == with_email.count()
    assert set(first_mail.values()) == {1}
    assert len(first_mail) == with_email.count()
    assert "Traceback" not in celery_worker.log()


def test_final_approval_renders_the_signed_pdf_on_the_worker(org, celery_worker, redis_server):
    plan = approved_plan(org)

    assert wait_for_idle_broker(redis_server.url, timeout=120), celery_worker.log()
    signed = SignedPlan.objects.get(plan=plan)
    assert bytes(signed.pdf).startswith(b"%PDF-"), (signed.render_error, celery_worker.log())
    assert signed.render_attempts == 1
    assert "plans.tasks.render_signed_plan" in celery_worker.log()


def test_a_preview_asked_for_in_a_request_is_made_by_the_worker_and_then_served(
    org, client, celery_worker, redis_server
):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("plans:preview", args=[plan.pk])

    asked = client.get(url)
    assert wait_for_idle_broker(redis_server.url, timeout=90), celery_worker.log()
    served = client.get(url)

    assert asked.status_code == 202
    assert (served.status_code, served["Content-Type"], served.content[:5]) == (200, "application/pdf", b"%PDF-")
    assert PlanPreview.objects.get(plan=plan).error == ""
