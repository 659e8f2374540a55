"""The decision chain, for every kind of document that travels it.

A handlingsplan and an avvecklingsbegäran (closure request) go through the same chain:
chef → kommunikationsansvarig → kulturdirektör, with the same states, actions and rules
(enums.TRANSITIONS, rules.decidable_step). What differs per kind is described by a
`ChainKind`: what must be filled in before submission, whether a diarienummer is given, what
happens on final approval, and who is told. `transition()` is the one write path of a
document's status: it checks the action, claims the row with a compare-and-set on
(status, revision) so that of two simultaneous requests exactly one wins, saves with
`update_fields` (one history entry), records the decision and creates the notices, whose
e-mails leave only after the commit.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from accounts.queries import chef_of
from audit import domain as audit
from kob_social.concurrency import claim_revision
from kob_social.errors import Conflict, Incomplete, NotAllowed

from .. import rules
from ..audited import transition_event
from ..enums import COMMENT_REQUIRED, DECISIONS, STEP_ROLE, TRANSITIONS, Action, PlanStatus, Step
from ..models import Decision
from .diarienummer import next_diarienummer


@dataclass(frozen=True)
class ChainKind:
    model: type[models.Model]
    decision_field: str  # the Decision foreign key that points at this kind
    submission_errors: Callable  # (document) -> {field: [messages]}
    can_submit: Callable  # (user, document) -> bool
    on_approved: Callable  # (document, actor, now) -> None, inside the transaction
    notify: Callable  # (document, action, actor, previous_status, decision) -> None
    numbered: bool = False  # gets a diarienummer at its first submission
    # (document) -> the names of the fields it set, saved with the submission; inside the
    # transaction, after every check, so a refused or lost submission leaves nothing behind.
    on_submission: Callable = lambda document: []


def transition(
    kind: ChainKind,
    document_id: int,
    action: Action,
    *,
    actor: User,
    expected_revision: int | None = None,
    comment: str = "",
):
    """Carry out `action` on the document as `actor` and return it, updated.

    Raises NotAllowed (wrong person or state), Incomplete (missing content or comment) or
    Conflict (the document changed since `expected_revision`, or someone else won the race).
    """
    comment = (comment or "").strip()
    # One audit event in the transaction, linking the history rows the transition writes; none
    # when it is refused or rolled back.
    with transaction.atomic(), audit.action(transition_event(kind.model, action), actor=actor, reason=comment) as event:
        document = kind.model.objects.select_related("unit", "author", "deciding_chef").get(pk=document_id)
        event.about = document
        if expected_revision is not None and document.revision != expected_revision:
            raise Conflict()
        target = TRANSITIONS.get((document.status, action))
        if target is None or action == Action.SUPERSEDE:
            raise NotAllowed(_("This action is not possible in the current state."))

        decision = None
        submitted_fields: list[str] = []  # set by the submission or the chef's decision
        now = timezone.now()
        if action == Action.SUBMIT:
            target, decision, submitted_fields = _prepare_submission(kind, document, actor, now)
        elif action in DECISIONS:
            found = rules.authority(actor, document)
            if found is None:
                raise NotAllowed(_("You cannot decide this step."))
            step = found.step
            if action in COMMENT_REQUIRED and not comment:
                raise Incomplete({"comment": [_("Write a comment: the author needs to know why.")]})
            if action == Action.APPROVE:
                _refuse_approving_stored_errors(kind, document)
            if step == Step.CHEF and document.deciding_chef_id != actor.pk:
                # The unit's chef now decides (rules.decidable_step), whoever it waited at:
                # the signed document names who decided.
                document.deciding_chef = actor
                submitted_fields.append("deciding_chef")
            decision = Decision(
                **{kind.decision_field: document},
                step=step,
                outcome=action,
                decided_by=actor,
                acting_for=found.acting_for,
                role=STEP_ROLE[step] if found.acting_for else _role_at(step, actor),
                comment=comment,
                decided_at=now,
            )
            try:  # the comment's length: the only value here a person typed
                decision.clean_fields(
                    exclude=[field.name for field in Decision._meta.fields if field.name != "comment"]
                )
            except ValidationError as exc:
                raise Incomplete(exc.message_dict) from exc
        elif action == Action.WITHDRAW and not rules.can_withdraw(actor, document):
            raise NotAllowed(_("Only the author can withdraw it."))

        previous_status = claim(document)
        apply(document, target, actor, action, now, fields=submitted_fields)
        if decision is not None:
            decision.save()
        if target == PlanStatus.GODKAND:
            kind.on_approved(document, actor, now)
        kind.notify(document, action, actor, previous_status, decision)
    return document


def _refuse_approving_stored_errors(kind: ChainKind, document) -> None:
    """What could not be submitted today cannot be approved either: a value stored before a
    limit existed (negative hours, a year-9999 deadline), or a plan submitted before a rule that
    requires more (issue 19: records reference, personal data, accessibility), is sent back, not
    signed."""
    errors = kind.submission_errors(document)
    if errors:
        fields = ", ".join(sorted({_field_label(kind.model, key) for key in errors}))
        message = _(
            "It cannot be approved: it lacks what the rules require, or holds values that are not allowed "
            "(%(fields)s). Return it for changes instead."
        )
        raise Incomplete({"__all__": [message % {"fields": fields}]})


def _field_label(model, key: str) -> str:
    """The label a person knows a field by; the goals' keys (`goals`, `goal-<pk>-<field>`) are the goals."""
    try:
        return str(model._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return _("the goals") if key.startswith("goal") else key


def _prepare_submission(kind: ChainKind, document, actor: User, now) -> tuple[PlanStatus, Decision | None, list[str]]:
    """Check a submission and set what it writes; return the target state, the chef's
    decision when the chef submits, and the fields set (to be saved with the state)."""
    if not kind.can_submit(actor, document):
        raise NotAllowed(_("Only the author can submit it."))
    errors = kind.submission_errors(document)
    chef = chef_of(document.unit)
    if chef is None:
        errors.setdefault("unit", []).append(_("The unit has no manager who can decide."))
    if errors:
        raise Incomplete(errors)
    fields = ["deciding_chef", "submitted_at"]
    document.deciding_chef = chef
    if kind.numbered and not document.diarienummer:
        document.diarienummer = next_diarienummer(timezone.localdate(now))
        fields.append("diarienummer")
    document.submitted_at = document.submitted_at or now
    fields += kind.on_submission(document)
    if chef.pk != actor.pk:
        return PlanStatus.HOS_CHEF, None, fields
    # The chef wrote it: submitting is their signature on the chef step.
    signed = Decision(
        **{kind.decision_field: document},
        step=Step.CHEF,
        outcome=Action.APPROVE,
        decided_by=actor,
        role=_role_at(Step.CHEF, actor),
        decided_at=now,
        signed_by_submission=True,
    )
    return PlanStatus.HOS_KOMMUNIKATION, signed, fields


def _role_at(step: Step, actor: User) -> Role:
    # The kulturdirektör is the chef of Staben: at the chef step that is the role they act in.
    if step == Step.CHEF and actor.is_kulturdirektor and not actor.is_chef:
        return Role.KULTURDIREKTOR
    return STEP_ROLE[step]


def claim(document) -> str:
    """Compare-and-set: bump the revision only if nobody changed the row since we read it."""
    claim_revision(document, status=document.status)
    return document.status


def apply(document, target: PlanStatus, actor: User, action: Action, now, *, fields=()) -> None:
    """Save the new state (and `fields`, set by the caller) as one history entry."""
    document.status = target
    document.status_changed_at = now
    fields = ["status", "status_changed_at", "revision", "updated_at", *fields]
    if target in (PlanStatus.GODKAND, PlanStatus.AVSLAGEN):
        document.decided_at = now
        fields.append("decided_at")
    document._history_user = actor
    document._change_reason = str(Action(action).label)
    document.save(update_fields=fields)
