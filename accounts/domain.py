"""Writes of the accounts app."""

from django.contrib.sessions.models import Session
from django.utils import timezone


def purge_expired_sessions() -> int:
    """Delete sessions past their expiry; returns how many went. Running it twice is harmless."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
