"""Creating notifications and delivering their e-mail copies: the one sending path.

Exactly once, whatever happens around it:
- a notification exists at most once per `key` (kind, object, period, recipient): a unique
  column, so running a job twice, or two jobs at once, cannot create a second one;
- its e-mail is sent by whoever *claims* the row first (a conditional UPDATE from PENDING to
  SENDING), so a task delivered twice sends once;
- a claim left behind by a worker that died while sending turns stale after
  NOTIFICATION_STALE_CLAIM_SECONDS and `resend_due` queues the row again, as it does rows whose
  task never reached the broker; a failed attempt waits `backoff(attempts)` before the next
  one, and after EMAIL_MAX_ATTEMPTS the row is FAILED: listed for administrators, never lost.

Each person chooses per kind of notice (NotificationPreference): e-mail at once (the default), a
daily digest, or only in the application; the kinds that always mail (kinds.py) ignore the
choice. A notice for the digest waits as DIGEST until `send_digests` gathers the person's notices
into one digest e-mail, itself a notification with the key (digest, person, day): one per person
and day, sent through the same claim as every other e-mail.
"""

import datetime
import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from kob_social.jobs import queue

from . import kinds
from .enums import EmailStatus, NoticeDelivery
from .models import Notification, NotificationPreference

# The task that sends a notification's e-mail (notifications.tasks), queued by name.
SEND_EMAIL_TASK = "notifications.tasks.send_notification_email"

logger = logging.getLogger(__name__)
KEY_LENGTH = Notification._meta.get_field("key").max_length
BATCH = 500
RESEND_GRACE = timedelta(minutes=2)


@dataclass(frozen=True)
class Notice:
    """A notification to create, for `notify_many`."""

    recipient: object
    kind: str
    key: str
    subject: str
    body: str
    url: str = ""

    def to_row(self, now, delivery: str = NoticeDelivery.IMMEDIATE) -> Notification:
        return Notification(
            recipient=self.recipient,
            kind=self.kind,
            key=self.key[:KEY_LENGTH],
            subject=self.subject[:200],
            body=self.body,
            url=self.url,
            email_status=email_status(self.recipient, self.kind, delivery),
            # The task queued after the commit normally sends it well before this; only then
            # does `resend_due` step in.
            email_next_attempt_at=now + RESEND_GRACE,
        )


def email_status(recipient, kind: str, delivery: str) -> EmailStatus:
    """Where a new notice's e-mail starts: sent at once, kept for the digest, or none (no
    address, or the person wants it only in the application)."""
    if not recipient.email:
        return EmailStatus.NONE
    if kinds.always_mails(kind) or delivery == NoticeDelivery.IMMEDIATE:
        return EmailStatus.PENDING
    return EmailStatus.DIGEST if delivery == NoticeDelivery.DIGEST else EmailStatus.NONE


def deliveries(notices: list["Notice"]) -> dict[tuple[int, str], str]:
    """{(recipient id, kind): delivery} of the people's choices for these notices, in one query."""
    people = {notice.recipient.pk for notice in notices}
    wanted = {notice.kind for notice in notices}
    rows = NotificationPreference.objects.filter(user_id__in=people, kind__in=wanted)
    return {(row.user_id, row.kind): row.delivery for row in rows}


def set_preferences(user, choices: dict[str, str]) -> None:
    """Store `user`'s delivery per kind ({kind: NoticeDelivery}); the default (at once) keeps no row."""
    known = {kind.name for kind in kinds.kinds()}
    with transaction.atomic():
        for kind, delivery in choices.items():
            if kind not in known or delivery not in NoticeDelivery.values:
                raise ValueError(f"unknown notice kind or delivery: {kind!r}, {delivery!r}")
            if delivery == NoticeDelivery.IMMEDIATE:
                NotificationPreference.objects.filter(user=user, kind=kind).delete()
            else:
                NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})


def stale_claim() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATION_STALE_CLAIM_SECONDS)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 30 s, 1, 2, 4 … minutes (with the
    default EMAIL_RETRY_BACKOFF_SECONDS), at most an hour."""
    base = settings.EMAIL_RETRY_BACKOFF_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


class Delivery(enum.Enum):
    """What `deliver_email` did."""

    SENT = "sent"
    NOT_DUE = "not_due"  # sent already, failed for good, no e-mail address, or gone
    BUSY = "busy"  # another worker holds a fresh claim: look again when it would be stale


def notify(*, recipient, kind: str, key: str, subject: str, body: str, url: str = "") -> Notification | None:
    """Create the notification `key` unless it exists; queue its e-mail after the commit.

    Returns the new notification, or None when it already existed (nothing is sent twice).
    """
    now = timezone.now()
    notice = Notice(recipient, kind, key, subject, body, url)
    row = notice.to_row(now, deliveries([notice]).get((recipient.pk, kind), NoticeDelivery.IMMEDIATE))
    notification, created = Notification.objects.get_or_create(
        key=row.key,
        defaults={field: getattr(row, field) for field in _ROW_FIELDS if field != "key"},
    )
    if not created:
        return None
    if notification.email_status == EmailStatus.PENDING:
        _queue_after_commit([notification.pk])
    return notification


_ROW_FIELDS = ("recipient", "kind", "key", "subject", "body", "url", "email_status", "email_next_attempt_at")


def notify_many(notices: Iterable[Notice]) -> int:
    """Create every notice whose key does not exist yet, a few queries per 500 whatever their
    number (the scheduled jobs tell thousands of people at once), and queue the e-mail of each
    new one after the commit.

    Returns the number of notices this call inserted. Under a concurrent run with the same keys
    the unique key decides: both calls may count a row, only one row exists, and the e-mail
    claim sends it once."""
    by_key = {}
    for notice in notices:
        by_key.setdefault(notice.key[:KEY_LENGTH], notice)
    now = timezone.now()
    created = 0
    keys = list(by_key)
    for start in range(0, len(keys), BATCH):
        chunk = keys[start : start + BATCH]
        existing = set(Notification.objects.filter(key__in=chunk).values_list("key", flat=True))
        fresh = [by_key[key] for key in chunk if key not in existing]
        chosen = deliveries(fresh) if fresh else {}
        new = [
            notice.to_row(now, chosen.get((notice.recipient.pk, notice.kind), NoticeDelivery.IMMEDIATE))
            for notice in fresh
        ]
        if not new:
            continue
        Notification.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
        pending = Notification.objects.filter(
            key__in=[row.key for row in new], email_status=EmailStatus.PENDING, email_attempts=0
        ).values_list("pk", flat=True)
        _queue_after_commit(list(pending))
    return created


def _queue_after_commit(notification_ids: list[int]) -> None:
    if not notification_ids:
        return

    def queue_all():
        for notification_id in notification_ids:
            # A broker that is down must not undo the commit; `resend_due` sends it later.
            try:
                queue(SEND_EMAIL_TASK, notification_id=notification_id)
            except Exception:
                logger.warning("Could not queue e-mail %s; resend_due will", notification_id, exc_info=True)

    transaction.on_commit(queue_all)


def _stale_claim(now) -> Q:
    """Rows claimed by a worker that has not finished within NOTIFICATION_STALE_CLAIM_SECONDS."""
    return Q(email_status=EmailStatus.SENDING, email_claimed_at__lt=now - stale_claim())


def _claimable(now) -> Q:
    return Q(email_status=EmailStatus.PENDING) | _stale_claim(now)


def claim_for_email(notification_id: int) -> bool:
    """Atomically take the right to send this e-mail: a second caller gets False."""
    now = timezone.now()
    updated = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        email_status=EmailStatus.SENDING, email_claimed_at=now, email_attempts=F("email_attempts") + 1
    )
    return updated == 1


def message_for(notification: Notification) -> EmailMessage:
    link = f"{settings.SITE_URL}{notification.url}" if notification.url else ""
    body = f"{notification.body}\n\n{link}".strip()
    return EmailMessage(
        subject=notification.subject,
        body=body,
        to=[notification.recipient.email],
        # The same Message-ID on every attempt: if a worker dies between the server's "250 OK"
        # and our UPDATE, the receiving side can recognise the resent copy as a duplicate.
        headers={"Message-ID": f"<notification-{notification.pk}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"},
    )


def deliver_email(notification_id: int) -> Delivery:
    """Send the e-mail copy unless someone else has or is doing so.

    A failure puts the row back to PENDING with the error and the time of the next attempt
    and re-raises, so that the task retries; after EMAIL_MAX_ATTEMPTS the row is FAILED.
    BUSY means another worker claimed it recently; if that worker died, the claim turns stale
    and the caller's next look sends it.
    """
    if not claim_for_email(notification_id):
        busy = Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).exists()
        return Delivery.BUSY if busy else Delivery.NOT_DUE
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        message_for(notification).send()
    except Exception as exc:
        record_failure(notification, f"{type(exc).__name__}: {exc}")
        raise
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.SENT, email_sent_at=timezone.now(), last_error=""
    )
    return Delivery.SENT


def record_failure(notification: Notification, error: str) -> None:
    attempts = notification.email_attempts
    failed = attempts >= settings.EMAIL_MAX_ATTEMPTS
    Notification.objects.filter(pk=notification.pk, email_status=EmailStatus.SENDING).update(
        email_status=EmailStatus.FAILED if failed else EmailStatus.PENDING,
        email_next_attempt_at=timezone.now() + backoff(attempts),
        last_error=error[:2000],
    )


def emails_due(now) -> list[int]:
    """The e-mails that should be on their way but may have no task: PENDING rows whose next
    attempt is due, and claims left stale by a dead worker (at most 5,000 per sweep)."""
    due = Notification.objects.filter(
        Q(email_status=EmailStatus.PENDING, email_next_attempt_at__lte=now)
        | Q(email_status=EmailStatus.PENDING, email_next_attempt_at__isnull=True)
        | _stale_claim(now)
    )
    return list(due.order_by("pk").values_list("pk", flat=True)[:5000])


def resend_due(now=None) -> int:
    """Queue every e-mail in `emails_due`. Runs every few minutes; returns how many were queued.
    Queuing one twice is harmless (the claim decides)."""
    ids = emails_due(now or timezone.now())
    for notification_id in ids:
        queue(SEND_EMAIL_TASK, notification_id=notification_id)
    return len(ids)


def retry_failed(notification_ids) -> int:
    """An administrator's "try again" for FAILED e-mails: back to PENDING with fresh attempts."""
    ids = list(
        Notification.objects.filter(pk__in=notification_ids, email_status=EmailStatus.FAILED).values_list(
            "pk", flat=True
        )
    )
    Notification.objects.filter(pk__in=ids, email_status=EmailStatus.FAILED).update(
        email_status=EmailStatus.PENDING, email_attempts=0, email_next_attempt_at=timezone.now()
    )
    _queue_after_commit(ids)
    return len(ids)


def mark_read(user, notification_ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=notification_ids)
    return unread.update(read_at=timezone.now())


# --- The daily digest -----------------------------------------------------------------------------

DIGEST_LINES = 100  # notices written out in one digest; the rest are counted


def send_digests(*, today) -> dict:
    """Gather each person's notices waiting for the digest (DIGEST, made before now, or before
    the end of `today` for a day gone by) into one digest e-mail per person and day: a
    notification of kind `digest` with the key (digest, person, day), sent like every other
    e-mail. The notices gathered become DIGESTED in the same transaction; a digest that exists
    already (a second run, a duplicate delivery) is left alone, and the notices it did not
    gather wait for the next day's."""
    day_ends = timezone.make_aware(datetime.datetime.combine(today + timedelta(days=1), datetime.time.min))
    waiting = Notification.objects.filter(email_status=EmailStatus.DIGEST, created_at__lt=min(timezone.now(), day_ends))
    people = list(waiting.values_list("recipient", flat=True).distinct().order_by("recipient"))
    made = 0
    for person_id in people:
        with transaction.atomic():
            notices = list(
                waiting.filter(recipient_id=person_id).select_related("recipient").order_by("created_at", "pk")
            )
            if not notices:
                continue
            recipient = notices[0].recipient
            with override(settings.LANGUAGE_CODE):
                count = len(notices)
                subject = ngettext(
                    "KoB Social: %(count)d notice since the last digest",
                    "KoB Social: %(count)d notices since the last digest",
                    count,
                ) % {"count": count}
                lines = [
                    f"- {notice.subject}" + (f"\n  {settings.SITE_URL}{notice.url}" if notice.url else "")
                    for notice in notices[:DIGEST_LINES]
                ]
                if count > DIGEST_LINES:
                    lines.append(_("… and %(count)d more in the application.") % {"count": count - DIGEST_LINES})
            digest, created = Notification.objects.get_or_create(
                key=f"{kinds.DIGEST}:{person_id}:{today.isoformat()}",
                defaults={
                    "recipient": recipient,
                    "kind": kinds.DIGEST,
                    "subject": subject[:200],
                    "body": "\n".join(lines),
                    "email_status": EmailStatus.PENDING if recipient.email else EmailStatus.NONE,
                    "email_next_attempt_at": timezone.now() + RESEND_GRACE,
                    # Read by nature: it is the e-mail; its notices are in the list themselves.
                    "read_at": timezone.now(),
                },
            )
            if not created:
                continue
            Notification.objects.filter(
                pk__in=[notice.pk for notice in notices], email_status=EmailStatus.DIGEST
            ).update(email_status=EmailStatus.DIGESTED)
            if digest.email_status == EmailStatus.PENDING:
                _queue_after_commit([digest.pk])
            made += 1
    return {"people": len(people), "digests": made}
