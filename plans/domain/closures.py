"""Closing a channel: an avvecklingsbegäran with its analysis, decided through the same chain
as plans (domain.chain). Approval sets the channel to avvecklas; it becomes avslutad only
after a final screenshot record (domain.channels.channel_transition with CLOSE)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import User
from audit import domain as audit
from channel_register.domain.channels import channel_transition
from channel_register.enums import ChannelAction, ChannelStatus
from channel_register.models import Channel
from kob_social.concurrency import claim_revision
from kob_social.errors import Conflict, Incomplete, NotAllowed, field_errors

from .. import rules
from ..enums import Action
from ..models import ClosureRequest
from . import chain, notices


def closure_errors(closure: ClosureRequest) -> dict[str, list[str]]:
    """Field → messages: every part of the analysis is needed, within its length (a text stored
    before the limit existed cannot be submitted either)."""
    errors = {
        field: [_("Fill in this field before submitting the request.")]
        for field in ClosureRequest.ANALYSIS_FIELDS
        if not getattr(closure, field).strip()
    }
    for field, messages in field_errors(closure, ClosureRequest.CONTENT_FIELDS).items():
        errors.setdefault(field, []).extend(messages)
    return errors


def _refuse_overlong(closure: ClosureRequest) -> None:
    # The form checks the same; this refuses an analysis that did not come through it.
    if errors := field_errors(closure, ClosureRequest.CONTENT_FIELDS):
        raise Incomplete(errors)


def _on_approved(closure: ClosureRequest, actor: User, now) -> None:
    channel_transition(closure.channel_id, ChannelAction.START_CLOSURE, actor=None)


CLOSURE = chain.ChainKind(
    model=ClosureRequest,
    decision_field="closure",
    submission_errors=closure_errors,
    can_submit=rules.can_submit_closure,
    on_approved=_on_approved,
    notify=notices.document_transitioned,
)


def transition(
    closure_id: int, action: Action, *, actor: User, expected_revision: int | None = None, comment: str = ""
) -> ClosureRequest:
    return chain.transition(
        CLOSURE, closure_id, action, actor=actor, expected_revision=expected_revision, comment=comment
    )


def create_closure_request(channel_id: int, *, actor: User, analysis: dict, reason: str = "") -> ClosureRequest:
    """A closure request of the channel as a draft, with the analysis given (it may be partly
    blank: it is completed before submission). `reason` is its first history entry's reason."""
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    if not rules.can_request_closure(actor, channel):
        raise NotAllowed(_("Only the channel's owner, its manager or the communications officer can ask to close it."))
    if channel.status not in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD):
        raise NotAllowed(_("Only an active or paused channel can be closed."))
    closure = ClosureRequest(
        channel=channel,
        unit=channel.unit,
        author=actor,
        **{field: (analysis.get(field) or "").strip() for field in ClosureRequest.CONTENT_FIELDS},
    )
    _refuse_overlong(closure)
    closure._history_user = actor
    closure._change_reason = reason or None
    try:
        with transaction.atomic(), audit.action("plans.closurerequest.created", actor=actor, reason=reason) as event:
            closure.save()
            event.about = closure
    except IntegrityError as exc:
        raise Conflict(_("A closure request for this channel is already being drafted or decided.")) from exc
    return closure


def hand_over_closure_request(closure_id: int, *, actor: User, leaver: User, successor: User) -> ClosureRequest:
    """A person leaves (audit.leaving): their closure request being drafted (or returned) becomes
    the successor's, who must be able to ask for the channel's closure. Inside the caller's
    transaction."""
    closure = ClosureRequest.objects.select_related("channel").get(pk=closure_id)
    if not closure.is_editable or closure.author_id != leaver.pk:
        raise Conflict()
    if not successor.is_active or not rules.can_request_closure(successor, closure.channel):
        raise Incomplete(
            {
                "author": [
                    _("%(name)s cannot ask to close %(channel)s.") % {"name": successor, "channel": closure.channel}
                ]
            }
        )
    claim_revision(closure, status=closure.status)
    closure.author = successor
    closure._history_user = actor
    closure._change_reason = _("%(name)s left") % {"name": leaver.get_full_name()}
    closure.save(update_fields=["author", "revision", "updated_at"])
    return closure


def save_closure_request(closure_id: int, *, actor: User, expected_revision: int, analysis: dict) -> ClosureRequest:
    with transaction.atomic(), audit.action("plans.closurerequest.saved", actor=actor) as event:
        closure = ClosureRequest.objects.get(pk=closure_id)
        event.about = closure
        if not rules.can_edit_closure(actor, closure):
            raise NotAllowed(_("Only the author can edit the request, while it is a draft or returned."))
        for field in ClosureRequest.CONTENT_FIELDS:
            setattr(closure, field, (analysis.get(field) or "").strip())
        _refuse_overlong(closure)
        claim_revision(closure, revision=expected_revision)
        closure._history_user = actor
        closure.save(update_fields=[*ClosureRequest.CONTENT_FIELDS, "revision", "updated_at"])
    return closure
