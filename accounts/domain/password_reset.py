"""The password-reset limit: how many reset mails one account gets, and how many requests one
client address makes, in an hour (issue 11: 15 reset mails to one person in a few seconds).

The reset page answers the same whether or not the address has an account, so that nobody
learns who has one; the limit keeps that: over it, the asker sees the page of a sent mail, no
mail goes out, and the administrators get a warning in the log. The client address is
kob_social.client_ip's, the one the sign-in lock uses.

A mail bomb is stopped by the account limit whatever the addresses; the address limit stops
one client from mailing many people. Someone can still spend an account's three mails for the
hour, but those mails reach the account's owner and their links work.
"""

import logging
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from ..models import PasswordResetRequest, User

logger = logging.getLogger(__name__)

# Reset mails to one account, and requests from one client address, within WINDOW. An office
# behind one NAT address shares the address limit, hence more than the account limit.
PER_ACCOUNT = 3
PER_ADDRESS = 10
WINDOW = timedelta(hours=1)
# Rows older than this are deleted by the next request.
KEEP = timedelta(days=1)


def admit_password_reset(user: User | None, client_address: str) -> bool:
    """Whether a reset mail may go to `user` (None: the address given matched no account that
    may reset its password), asked for from `client_address`; the request is recorded.

    Refused when `client_address` made PER_ADDRESS requests within the WINDOW (not recorded,
    so a flood adds no rows), or `user` was mailed PER_ACCOUNT times within it (recorded: it
    counts against the address). Counting and recording cannot interleave with another
    request's: SQLite's IMMEDIATE transactions take the write lock at BEGIN, and on PostgreSQL
    the table is locked in SHARE ROW EXCLUSIVE mode, which conflicts with itself but not with
    readers. Rows older than KEEP are pruned in the same transaction.
    """
    address = client_address or None
    with transaction.atomic():
        _serialise_writers()
        now = timezone.now()
        PasswordResetRequest.objects.filter(created_at__lt=now - KEEP).delete()
        recent = PasswordResetRequest.objects.filter(created_at__gt=now - WINDOW)
        if recent.filter(client_address=address).count() >= PER_ADDRESS:
            logger.warning("Password reset refused: %d requests from %s within %s", PER_ADDRESS, client_address, WINDOW)
            return False
        mailed = user is not None and recent.filter(mailed_to=user).count() < PER_ACCOUNT
        PasswordResetRequest.objects.create(mailed_to=user if mailed else None, client_address=address)
    if user is not None and not mailed:
        logger.warning(
            "Password reset refused: %d mails to %s (id %d) within %s; asked from %s",
            PER_ACCOUNT,
            user.username,
            user.pk,
            WINDOW,
            client_address,
        )
    return mailed


def _serialise_writers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{PasswordResetRequest._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
