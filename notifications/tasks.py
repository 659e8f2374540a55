"""Celery tasks of the notifications app: thin wrappers around notifications.domain."""

from celery import shared_task
from django.utils import timezone

from . import domain
from .enums import EmailStatus
from .models import Notification


@shared_task(
    bind=True,
    name="notifications.tasks.send_notification_email",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def send_notification_email(self, *, notification_id: int) -> bool:
    """Send one notification's e-mail, at most once. A failed attempt is retried at the time
    the domain set (backoff); after EMAIL_MAX_ATTEMPTS the row is FAILED and the task stops."""
    if not Notification.objects.filter(pk=notification_id).exists():
        return False
    try:
        return domain.deliver_email(notification_id)
    except Exception as exc:
        row = Notification.objects.filter(pk=notification_id).values("email_status", "email_next_attempt_at").first()
        if row is None or row["email_status"] != EmailStatus.PENDING:
            return False
        wait = (row["email_next_attempt_at"] - timezone.now()).total_seconds()
        raise self.retry(exc=exc, countdown=max(wait, 0)) from exc


@shared_task(name="notifications.tasks.resend_due_emails", acks_late=True, reject_on_worker_lost=True)
def resend_due_emails() -> int:
    """Every few minutes: queue e-mails that are due but may have no task (see domain.resend_due)."""
    return domain.resend_due()
