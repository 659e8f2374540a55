"""The one sending path: created once per key, sent once per claim, retried, never lost."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.tests.factories import make_user
from notifications import domain
from notifications.domain import Delivery, Notice, notify, notify_many
from notifications.enums import EmailStatus
from notifications.models import Notification

pytestmark = pytest.mark.django_db


class FailingBackend:
    """An SMTP server that is down (the outside world)."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("Connection refused")


@pytest.fixture
def failing_smtp(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"


def notices_for(people, period="2026-W47"):
    return [Notice(person, "test", f"test:{period}:{person.pk}", "Ämne", "Text", "/") for person in people]


def test_notify_many_creates_each_key_once_and_queues_each_email(django_capture_on_commit_callbacks):
    people = [make_user(email=f"p{index}@example.se") for index in range(3)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = notify_many(notices_for(people) + notices_for(people[:1]))
        second = notify_many(notices_for(people))

    assert (first, second) == (3, 0)
    assert Notification.objects.count() == 3
    assert len(callbacks) == 1


def test_notify_many_queries_do_not_grow_with_the_number_of_notices(django_assert_num_queries):
    few = [make_user(email=f"few{index}@example.se") for index in range(2)]
    many = [make_user(email=f"many{index}@example.se") for index in range(6)]

    # The existing keys, the recipients' choices of delivery, the insert, the rows whose e-mail to queue.
    with django_assert_num_queries(4):
        notify_many(notices_for(few))
    with django_assert_num_queries(4):
        notify_many(notices_for(many))

    assert Notification.objects.count() == 8


def test_person_without_email_gets_the_notice_without_an_email():
    person = make_user(email="")

    notification = notify(recipient=person, kind="test", key="test:noemail", subject="Ämne", body="Text")

    assert notification.email_status == EmailStatus.NONE
    assert domain.deliver_email(notification.pk) is Delivery.NOT_DUE
    assert mail.outbox == []


def test_deliver_email_sends_once_with_a_stable_message_id():
    person = make_user(email="anna@example.se")
    notification = notify(recipient=person, kind="test", key="test:once", subject="Ämne åäö", body="Text", url="/x/")

    outcomes = [domain.deliver_email(notification.pk), domain.deliver_email(notification.pk)]

    assert outcomes == [Delivery.SENT, Delivery.NOT_DUE]
    assert [message.subject for message in mail.outbox] == ["Ämne åäö"]
    assert mail.outbox[0].extra_headers["Message-ID"] == f"<notification-{notification.pk}@kob-social.invalid>"
    assert mail.outbox[0].body == "Text\n\nhttp://127.0.0.1:8000/x/"


def test_a_fresh_claim_by_another_worker_is_busy_and_a_stale_one_is_taken_over(settings):
    person = make_user(email="anna@example.se")
    notification = notify(recipient=person, kind="test", key="test:claim", subject="Ämne", body="Text")
    assert domain.claim_for_email(notification.pk) is True  # a worker that then dies

    busy = domain.deliver_email(notification.pk)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NOTIFICATION_STALE_CLAIM_SECONDS + 1)):
        taken_over = domain.deliver_email(notification.pk)

    assert (busy, taken_over) == (Delivery.BUSY, Delivery.SENT)
    assert len(mail.outbox) == 1


def test_failed_sends_back_off_and_finally_fail_for_the_administrators(failing_smtp, settings):
    settings.EMAIL_MAX_ATTEMPTS = 3
    person = make_user(email="anna@example.se")
    notification = notify(recipient=person, kind="test", key="test:fail", subject="Ämne", body="Text")
    waits = []

    for _attempt in range(3):
        with pytest.raises(ConnectionRefusedError):
            domain.deliver_email(notification.pk)
        notification.refresh_from_db()
        waits.append(round((notification.email_next_attempt_at - timezone.now()).total_seconds() / 30))

    assert waits == [1, 2, 4]
    assert (notification.email_status, notification.email_attempts) == (EmailStatus.FAILED, 3)
    assert notification.last_error == "ConnectionRefusedError: Connection refused"


def test_emails_due_are_the_due_and_the_stale_ones_only():
    person = make_user(email="anna@example.se")
    now = timezone.now()
    rows = {
        name: Notification.objects.create(
            recipient=person, kind="test", key=f"test:{name}", subject="Ämne", body="Text", **fields
        )
        for name, fields in {
            "due": {"email_next_attempt_at": now - timedelta(seconds=1)},
            "waiting": {"email_next_attempt_at": now + timedelta(minutes=1)},
            "stale": {"email_status": EmailStatus.SENDING, "email_claimed_at": now - timedelta(hours=1)},
            "fresh": {"email_status": EmailStatus.SENDING, "email_claimed_at": now},
            "sent": {"email_status": EmailStatus.SENT},
            "failed": {"email_status": EmailStatus.FAILED},
        }.items()
    }

    due = domain.emails_due(now)

    assert due == [rows["due"].pk, rows["stale"].pk]
    assert domain.resend_due(now) == 2


def test_admin_sends_failed_emails_again(client):
    admin_user = make_user(Role.SYSTEMADMINISTRATOR, is_staff=True, is_superuser=True, email="admin@example.se")
    person = make_user(email="anna@example.se")
    failed = Notification.objects.create(
        recipient=person,
        kind="test",
        key="test:failed",
        subject="Ämne",
        body="Text",
        email_status=EmailStatus.FAILED,
        email_attempts=6,
    )
    sent = Notification.objects.create(
        recipient=person, kind="test", key="test:sent", subject="Ämne", body="Text", email_status=EmailStatus.SENT
    )
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
    )

    assert response.status_code == 302
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.email_status, failed.email_attempts) == (EmailStatus.PENDING, 0)
    assert sent.email_status == EmailStatus.SENT
