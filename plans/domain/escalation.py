"""Nothing waits unseen: a plan or closure request waiting at a step that nobody active can
decide, or that has waited longer than ESCALATE_AFTER_DAYS, is escalated: the
kommunikationsansvarig and the administrators are told once, and it is listed on their start
page (queries.escalations) until it moves on.

Judged at once where a document comes to wait (`judge`, from the transition's and the move's
notices) and again every day for every waiting document (`escalate_waiting`, the daily job),
which also notices what changed without a transition: a deputy registered or ended, a holder
of a role deactivated, days passing. The deciders who may act now are reminded by the daily
reminder (domain.reminders); an escalation is for those who can find someone to act.
"""

import datetime
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from notifications.domain import Notice, notify_many

from ..enums import PENDING, EscalationReason
from ..models import ClosureRequest, Decision, Escalation, Plan
from ..queries import round_approvals
from .deciders import deciders_reader

ESCALATE_AFTER_DAYS = 14
"""A document waiting at one step for longer than this (twice the reminder's week: the deciders
were reminded and did not act) is escalated."""

RELATED = ("unit__parent__parent", "author", "deciding_chef")


def reason_for(document, deciders: list[User], *, today: datetime.date) -> EscalationReason | None:
    """Why `document` is escalated on `today` (None: it is not). Nobody to decide wins over
    waiting long: it says what must be fixed."""
    if not document.is_pending:
        return None
    if not deciders:
        return EscalationReason.NOBODY
    if timezone.localdate(document.status_changed_at) < today - timedelta(days=ESCALATE_AFTER_DAYS):
        return EscalationReason.OVERDUE
    return None


def judge(document, deciders: list[User]) -> None:
    """At a transition or move of `document` (with whoever may decide it now): escalate it if
    nobody can (waiting long is the daily job's to judge), and drop an escalation that no longer
    holds. Inside the caller's transaction."""
    reason = reason_for(document, deciders, today=timezone.localdate())
    if reason is None:
        Escalation.objects.filter(**{_field(document): document}).delete()
    else:
        _record({(_field(document), document.pk): (document, reason)}, _existing(document))


def organisation_changed(sender, instance=None, raw=False, created=False, update_fields=None, **kwargs) -> None:
    """post_save and post_delete of a deputy arrangement, post_save of a person whose `is_active`
    may have changed (connected in apps.ready): who can decide may have changed without any
    document moving, so every waiting document is judged again after the commit (these are
    rare, deliberate changes; the sweep reads the waiting documents in a few queries)."""
    if raw or (update_fields is not None and "is_active" not in set(update_fields)):
        return
    if created and sender is User:  # a new person decides nothing yet
        return
    # robust: a failed judgement is logged, never turned into an error of the change that was saved.
    transaction.on_commit(lambda: escalate_waiting(today=timezone.localdate()), robust=True)


def escalate_waiting(*, today: datetime.date) -> dict:
    """Judge every waiting plan and closure request on `today`: record and announce the new
    escalations, keep those that still hold, and remove the rest (the document moved on, or
    someone can decide it now and it has not waited too long). Idempotent: a second run finds
    its rows and notification keys and changes nothing."""
    decisions = Prefetch("decisions", queryset=Decision.objects.order_by("decided_at", "pk"))
    documents = [
        *Plan.objects.filter(status__in=PENDING).select_related(*RELATED).prefetch_related(decisions).order_by("pk"),
        *ClosureRequest.objects.filter(status__in=PENDING)
        .select_related("channel", *RELATED)
        .prefetch_related(decisions)
        .order_by("pk"),
    ]
    deciders = deciders_reader()
    due = {}
    for document in documents:
        round_approvals(document, list(document.decisions.all()))
        reason = reason_for(document, deciders(document), today=today)
        if reason is not None:
            due[(_field(document), document.pk)] = (document, reason)
    # Every row: the table holds only what is escalated now (and what stopped being so since the
    # last judgement), a handful where the organisation works.
    existing = {_key_of(row): row for row in Escalation.objects.all()}
    stale = [row.pk for key, row in existing.items() if key not in due]
    removed, _counts = Escalation.objects.filter(pk__in=stale).delete()
    notified = _record(due, existing)
    return {"candidates": len(documents), "escalated": len(due), "removed": removed, "notified": notified}


def _field(document) -> str:
    return "plan" if isinstance(document, Plan) else "closure"


def _key_of(row: Escalation) -> tuple[str, int]:
    return ("plan", row.plan_id) if row.plan_id else ("closure", row.closure_id)


def _existing(document) -> dict[tuple[str, int], Escalation]:
    """The escalation row of `document`, by (field, document id), if it has one."""
    rows = Escalation.objects.filter(**{_field(document): document})
    return {_key_of(row): row for row in rows}


def _record(due: dict, existing: dict) -> int:
    """Create or update the rows of `due` ({(field, id): (document, reason)}); tell the
    kommunikationsansvarig and the administrators about each new escalation (a new revision or
    a new reason). Returns how many notices were created."""
    now = timezone.now()
    announce = []
    for key, (document, reason) in due.items():
        row = existing.get(key)
        if row is None:
            try:
                with transaction.atomic():  # a savepoint: a judgement at the same moment may have made it
                    Escalation.objects.create(
                        **{key[0]: document}, revision=document.revision, reason=reason, escalated_at=now
                    )
            except IntegrityError:
                continue
        elif (row.revision, row.reason) != (document.revision, reason):
            row.revision, row.reason, row.escalated_at = document.revision, reason, now
            row.save(update_fields=["revision", "reason", "escalated_at"])
        else:
            continue
        announce.append((document, reason))
    if not announce:
        return 0
    recipients = _fixers()
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for document, reason in announce:
            values = {
                "document": str(document),
                "unit": document.unit,
                "step": document.get_status_display(),
                "date": formats.date_format(timezone.localdate(document.status_changed_at)),
            }
            if reason == EscalationReason.NOBODY:
                subject = _("Nobody can decide: %(document)s") % values
                body = (
                    _(
                        "%(document)s (%(unit)s) waits at the step “%(step)s”, and nobody active can decide it: "
                        "register a deputy or hand the role over to someone."
                    )
                    % values
                )
            else:
                subject = _("Waiting too long: %(document)s") % values
                body = (
                    _(
                        "%(document)s (%(unit)s) has been waiting at the step “%(step)s” since %(date)s. "
                        "Those who can decide it have been reminded."
                    )
                    % values
                )
            for person in recipients:
                notices.append(
                    Notice(
                        recipient=person,
                        kind="waiting_escalation",
                        key=f"{document._meta.model_name}:{document.pk}:r{document.revision}"
                        f":escalation:{reason}:{person.pk}",
                        subject=subject,
                        body=body,
                        url=document.get_absolute_url(),
                    )
                )
    return notify_many(notices)


def _fixers() -> list[User]:
    """Who is told of an escalation: the kommunikationsansvarig and the administrators."""
    roles = [Role.KOMMUNIKATIONSANSVARIG, Role.SYSTEMADMINISTRATOR]
    return list(User.objects.filter(is_active=True, groups__name__in=roles).distinct().order_by("pk"))
