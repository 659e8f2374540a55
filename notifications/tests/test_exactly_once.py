"""Every e-mail sent exactly once, against a real Redis, a real worker and a real SMTP conversation.

The worker runs with short timings (a claim is stale after 2 s, Redis hands an abandoned task
to a worker after 3 s, retries back off from 1 s) so that crashes and retries resolve within
seconds; the rules are the production ones.
"""

from collections import Counter

import pytest
from django.utils import timezone

from accounts.tests.factories import make_user
from kob_social.testing.waiting import wait_for_idle_broker, wait_until
from notifications.domain import notify, set_preferences
from notifications.enums import EmailStatus, NoticeDelivery
from notifications.models import Notification
from notifications.tasks import resend_due_emails, send_digests, send_notification_email

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

STALE_CLAIM_SECONDS = 2


@pytest.fixture
def worker_env(smtp_sink):
    return {
        "EMAIL_URL": smtp_sink.url,
        "NOTIFICATION_STALE_CLAIM_SECONDS": str(STALE_CLAIM_SECONDS),
        "EMAIL_RETRY_BACKOFF_SECONDS": "1",
        "CELERY_VISIBILITY_TIMEOUT": "3",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    }


def message_id(notification: Notification) -> str:
    return f"<notification-{notification.pk}@kob-social.invalid>"


def all_sent(ids) -> bool:
    return Notification.objects.filter(pk__in=ids, email_status=EmailStatus.SENT).count() == len(ids)


def test_same_task_delivered_twice_sends_one_email(celery_worker, smtp_sink, redis_server):
    person = make_user(email="anna.ek@example.se")

    notification = notify(recipient=person, kind="test", key="test:twice", subject="Påminnelse", body="Hej Anna")
    send_notification_email.delay(notification_id=notification.pk)
    send_notification_email.delay(notification_id=notification.pk)

    assert wait_until(lambda: all_sent([notification.pk])), celery_worker.log()
    assert wait_for_idle_broker(redis_server.url), celery_worker.log()
    assert smtp_sink.message_ids() == [message_id(notification)]
    assert celery_worker.log().count("succeeded in") == 3
    notification.refresh_from_db()
    assert notification.email_attempts == 1


def test_smtp_failing_twice_then_working_sends_once(celery_worker, smtp_sink, redis_server):
    person = make_user(email="bo.lund@example.se")
    smtp_sink.fail_next = 2

    notification = notify(recipient=person, kind="test", key="test:flaky", subject="Påminnelse", body="Hej Bo")

    assert wait_until(lambda: all_sent([notification.pk])), celery_worker.log()
    assert wait_for_idle_broker(redis_server.url), celery_worker.log()
    notification.refresh_from_db()
    assert (notification.email_attempts, notification.last_error) == (3, "")
    assert [str(message["Message-ID"]) for message in smtp_sink.refused] == [message_id(notification)] * 2
    assert smtp_sink.message_ids() == [message_id(notification)]


def test_worker_killed_while_sending_sends_every_reminder_once_after_restart(celery_worker, smtp_sink, redis_server):
    """Ten crashes: each time three reminders are queued and the worker is killed while it is in
    the SMTP conversation for the second one. After a restart every reminder has gone out once."""
    people = [make_user(email=f"person{index}@example.se") for index in range(3)]
    expected = []

    for round_ in range(10):
        smtp_sink.held.clear()
        smtp_sink.release.clear()
        smtp_sink.hold_recipient = people[1].email
        reminders = [
            notify(recipient=person, kind="test", key=f"kill:{round_}:{person.pk}", subject="Påminnelse", body="Text")
            for person in people
        ]
        expected += [message_id(reminder) for reminder in reminders]
        assert smtp_sink.held.wait(30), celery_worker.log()

        celery_worker.kill()
        smtp_sink.hold_recipient = None
        smtp_sink.release.set()
        assert Notification.objects.get(pk=reminders[1].pk).email_status == EmailStatus.SENDING
        celery_worker.start()

        assert wait_until(lambda ids=[r.pk for r in reminders]: all_sent(ids)), celery_worker.log()
        assert wait_for_idle_broker(redis_server.url), celery_worker.log()

    assert Counter(smtp_sink.message_ids()) == Counter(expected)
    assert len(expected) == 30


def test_resend_sweep_sends_an_email_whose_task_was_lost(celery_worker, smtp_sink, redis_server, settings):
    """A broker that was down when the notification was created: no task exists. The sweep
    queues it once its grace period is over, and a second sweep sends nothing more."""
    person = make_user(email="cia.berg@example.se")
    notification = Notification.objects.create(
        recipient=person, kind="test", key="test:lost", subject="Påminnelse", body="Text"
    )

    resend_due_emails.delay()
    assert wait_until(lambda: all_sent([notification.pk])), celery_worker.log()
    resend_due_emails.delay()
    assert wait_for_idle_broker(redis_server.url), celery_worker.log()

    assert smtp_sink.message_ids() == [message_id(notification)]


def test_digest_sent_once_per_person_under_duplicate_delivery_and_a_killed_worker(
    celery_worker, smtp_sink, redis_server
):
    """Two people chose the daily digest. The digest job is delivered twice, and the worker is
    killed while it is in the SMTP conversation for the first person's digest: after a restart
    each person has had exactly one digest, listing their notices."""
    people = [make_user(email=f"digest{index}@example.se") for index in range(2)]
    for person in people:
        set_preferences(person, {"roster_gap": NoticeDelivery.DIGEST})
        for index in range(3):
            notify(recipient=person, kind="roster_gap", key=f"digest:{person.pk}:{index}", subject="Lucka", body="T")
    today = timezone.localdate().isoformat()
    smtp_sink.hold_recipient = people[0].email

    send_digests.delay(on=today)
    send_digests.delay(on=today)
    assert smtp_sink.held.wait(30), celery_worker.log()
    celery_worker.kill()
    smtp_sink.hold_recipient = None
    smtp_sink.release.set()
    celery_worker.start()

    digests = Notification.objects.filter(kind="digest").order_by("recipient")
    assert wait_until(lambda: digests.count() == 2 and all_sent([d.pk for d in digests])), celery_worker.log()
    assert wait_for_idle_broker(redis_server.url), celery_worker.log()
    assert Counter(smtp_sink.message_ids()) == Counter(message_id(digest) for digest in digests)
    assert [digest.recipient_id for digest in digests] == [person.pk for person in people]
    assert Notification.objects.filter(kind="roster_gap", email_status=EmailStatus.DIGESTED).count() == 6
