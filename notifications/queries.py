from django.db.models import QuerySet

from .kinds import DIGEST
from .models import Notification


def notifications_for(user) -> QuerySet[Notification]:
    """The person's notices; the daily digest is an e-mail of them, not one of them."""
    return Notification.objects.filter(recipient=user).exclude(kind=DIGEST)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
