"""The plan's transitions: the decision chain (domain.chain) with the plan's own rules."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import domain as audit
from channel_register.domain.channels import create_planned_channel, describe_channel
from channel_register.domain.duties import open_change_duty
from channel_register.enums import DutyReason

from .. import rules
from ..audited import transition_event
from ..enums import Action, PlanStatus
from ..models import Plan
from . import archive, chain, notices
from .drafts import NEVER_IN_FORCE, archive_if_unstarted
from .validation import submission_errors


def _on_approved(plan: Plan, actor: User, now) -> None:
    """The version in force until now becomes ersatt, the channel takes the approved plan's
    description (with its records-management reference), and the approved version is frozen
    for its signed PDF (rendered after commit).

    That is the approved version of the series, not necessarily `previous_version`: when a
    version between them was rejected or withdrawn, looking only at `previous_version` would
    leave two approved versions in force.
    """
    for previous in Plan.objects.filter(series=plan.series, status=PlanStatus.GODKAND).exclude(pk=plan.pk):
        with audit.action(transition_event(Plan, Action.SUPERSEDE), about=previous, actor=actor):
            chain.claim(previous)
            chain.apply(previous, PlanStatus.ERSATT, actor, Action.SUPERSEDE, now)
    if plan.channel_id is not None:
        describe_channel(
            plan.channel_id,
            platform=plan.platform,
            name=plan.channel_name,
            url=plan.channel_url,
            unit=plan.unit,
            actor=actor,
            records_reference=plan.records_reference,
        )
        if plan.version_number > 1:
            # A new version of the plan is a major change: a screenshot is due after it, once.
            open_change_duty(
                plan.channel,
                reason=DutyReason.NEW_PLAN_VERSION,
                key=f"plan:{plan.pk}",
                on=timezone.localdate(now),
            )
    archive.freeze(plan, now)


def _channel_at_submission(plan: Plan) -> list[str]:
    """A plan for a new channel puts the channel in the register (as planerad) when it is first
    submitted, not while it is a draft: a draft may be abandoned, and a typo in it mended, without
    the register keeping a planned channel that never was (drafts.create_draft)."""
    if plan.channel_id is not None:
        return []
    plan.channel = create_planned_channel(
        platform=plan.platform, name=plan.channel_name, url=plan.channel_url, unit=plan.unit
    )
    return ["channel"]


PLAN = chain.ChainKind(
    model=Plan,
    decision_field="plan",
    submission_errors=submission_errors,
    can_submit=rules.can_submit,
    on_approved=_on_approved,
    notify=notices.plan_transitioned,
    numbered=True,
    on_submission=_channel_at_submission,
)


def transition(
    plan_id: int, action: Action, *, actor: User, expected_revision: int | None = None, comment: str = ""
) -> Plan:
    """Carry out `action` on plan `plan_id` as `actor` (see domain.chain.transition).

    A plan rejected or withdrawn leaves its planned channel behind: unless another plan is,
    was or may become in force for it, the channel is closed without being started
    (drafts.archive_if_unstarted), in the same transaction, so the register does not keep it
    as planned forever. A channel already active or with an approved plan is not touched."""
    with transaction.atomic():
        plan = chain.transition(
            PLAN, plan_id, action, actor=actor, expected_revision=expected_revision, comment=comment
        )
        if plan.status in NEVER_IN_FORCE:
            archive_if_unstarted(plan.channel_id, leaving=plan)
    return plan
