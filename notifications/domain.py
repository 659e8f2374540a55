"""Creating notifications and delivering their e-mail copies: the one sending path."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .enums import EmailStatus
from .models import Notification

# A claim older than this is taken to belong to a worker that died while sending.
STALE_CLAIM = timedelta(minutes=10)


def notify(*, recipient, kind: str, key: str, subject: str, body: str, url: str = "") -> Notification | None:
    """Create the notification `key` unless it exists; queue its e-mail after the commit.

    Returns the new notification, or None when it already existed (nothing is sent twice).
    """
    notification, created = Notification.objects.get_or_create(
        key=key[:200],
        defaults={
            "recipient": recipient,
            "kind": kind,
            "subject": subject[:200],
            "body": body,
            "url": url,
            "email_status": EmailStatus.PENDING if recipient.email else EmailStatus.NONE,
        },
    )
    if not created:
        return None
    if notification.email_status == EmailStatus.PENDING:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notification_id=notification.pk))
    return notification


def claim_for_email(notification_id: int) -> bool:
    """Atomically take the right to send this e-mail: a second caller gets False."""
    now = timezone.now()
    claimable = Q(email_status=EmailStatus.PENDING) | Q(
        email_status=EmailStatus.SENDING, email_claimed_at__lt=now - STALE_CLAIM
    )
    updated = Notification.objects.filter(claimable, pk=notification_id).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now, email_attempts=F("email_attempts") + 1
    )
    return updated == 1


def deliver_email(notification_id: int) -> bool:
    """Send the e-mail copy if nobody else has; True when this call sent it.

    A failure puts the row back to PENDING with the error and re-raises, so that the task
    retries with backoff; `give_up` marks it FAILED for the administrators' list.
    """
    if not claim_for_email(notification_id):
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    body = f"{notification.body}\n\n{link}".strip()
    try:
        send_mail(notification.subject, body, None, [notification.recipient.email])
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(
            email_status=EmailStatus.PENDING, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        email_status=EmailStatus.SENT, email_sent_at=timezone.now(), last_error=""
    )
    return True


def give_up(notification_id: int, error: str) -> None:
    Notification.objects.filter(pk=notification_id).exclude(email_status=EmailStatus.SENT).update(
        email_status=EmailStatus.FAILED, last_error=error[:2000]
    )


def mark_read(user, notification_ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())
