"""Celery tasks of the notifications app: thin wrappers around notifications.domain."""

from celery import shared_task
from django.utils import timezone

from kob_social.jobs import RELIABLE, job_day

from . import domain
from .enums import EmailStatus
from .models import Notification


@shared_task(
    bind=True,
    name=domain.SEND_EMAIL_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def send_notification_email(self, *, notification_id: int) -> str:
    """Send one notification's e-mail, at most once.

    A failed attempt is retried at the time the domain set (backoff) until EMAIL_MAX_ATTEMPTS;
    a row claimed by another worker is looked at again once that claim would be stale, so a
    task redelivered after its worker died finishes the job itself."""
    if not Notification.objects.filter(pk=notification_id).exists():
        return domain.Delivery.NOT_DUE.value
    try:
        outcome = domain.deliver_email(notification_id)
    except Exception as exc:
        row = Notification.objects.filter(pk=notification_id).values("email_status", "email_next_attempt_at").first()
        if row is None or row["email_status"] != EmailStatus.PENDING:
            return domain.Delivery.NOT_DUE.value
        wait = (row["email_next_attempt_at"] - timezone.now()).total_seconds()
        raise self.retry(exc=exc, countdown=max(wait, 0)) from exc
    if outcome is domain.Delivery.BUSY:
        raise self.retry(countdown=domain.stale_claim().total_seconds() + 1)
    return outcome.value


@shared_task(name="notifications.tasks.resend_due_emails", acks_late=True, reject_on_worker_lost=True)
def resend_due_emails() -> int:
    """Every few minutes: queue e-mails that are due but may have no task (see domain.resend_due)."""
    return domain.resend_due()


@shared_task(name="notifications.tasks.send_digests", **RELIABLE)
def send_digests(*, on: str | None = None) -> dict:
    """Daily: one digest e-mail per person who chose digests for some notices (domain.send_digests)."""
    return domain.send_digests(today=job_day(on))
