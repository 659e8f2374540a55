"""The secret address of a person's calendar of duties (overview.calendar builds the feed).

The token is 32 random bytes, shown once in the address; only its SHA-256 is stored, so a leaked
database gives no working address. A new address replaces the old one (which stops working at
once), and revoking removes it. A calendar client cannot sign in: the address itself is the key,
so it names one active person or nobody."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from ..models import CalendarFeed, User

TOKEN_BYTES = 32


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_token(user: User) -> str:
    """Make `user` a new calendar address, revoking the old one; return its token (never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        CalendarFeed.objects.update_or_create(
            user=user, defaults={"token_hash": _digest(token), "created_at": timezone.now()}
        )
    return token


def revoke_calendar_token(user: User) -> bool:
    """Remove `user`'s calendar address; True if there was one."""
    deleted, _counts = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def calendar_owner(token: str) -> User | None:
    """The active person whose calendar address has `token`, or None."""
    if not token or len(token) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user__unit").filter(token_hash=_digest(token)).first()
    return feed.user if feed is not None and feed.user.is_active else None
