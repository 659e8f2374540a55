from celery import shared_task

from . import domain
from .models import Notification


@shared_task(
    bind=True,
    name="notifications.tasks.send_notification_email",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=6,
)
def send_notification_email(self, *, notification_id: int) -> bool:
    """Send one notification's e-mail, at most once; retried with exponential backoff."""
    if not Notification.objects.filter(pk=notification_id).exists():
        return False
    try:
        return domain.deliver_email(notification_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            domain.give_up(notification_id, f"{type(exc).__name__}: {exc}")
            return False
        raise self.retry(exc=exc, countdown=min(2**self.request.retries * 30, 3600)) from exc
