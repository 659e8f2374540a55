"""The one write path of a plan's status.

`transition()` checks that the action is allowed for this person in this state (rules.py and
enums.TRANSITIONS), claims the row with a compare-and-set on (status, revision) so that of two
simultaneous requests exactly one wins, saves with `update_fields` (one history entry), records
the decision, and creates the notifications, whose e-mails leave only after the commit.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from accounts.queries import chef_of

from .. import rules
from ..enums import COMMENT_REQUIRED, DECISIONS, STEP_ROLE, TRANSITIONS, Action, PlanStatus, Step
from ..models import Decision, Plan
from . import notices
from .diarienummer import next_diarienummer
from .errors import Conflict, Incomplete, NotAllowed
from .validation import submission_errors


def transition(
    plan_id: int,
    action: Action,
    *,
    actor: User,
    expected_revision: int | None = None,
    comment: str = "",
) -> Plan:
    """Carry out `action` on plan `plan_id` as `actor` and return the updated plan.

    Raises NotAllowed (wrong person or state), Incomplete (missing content or comment) or
    Conflict (the plan changed since `expected_revision`, or someone else won the race).
    """
    comment = (comment or "").strip()
    with transaction.atomic():
        plan = Plan.objects.select_related("unit", "author", "deciding_chef").get(pk=plan_id)
        if expected_revision is not None and plan.revision != expected_revision:
            raise Conflict()
        target = TRANSITIONS.get((plan.status, action))
        if target is None or action == Action.SUPERSEDE:
            raise NotAllowed(_("This action is not possible in the plan's current state."))

        decision = None
        now = timezone.now()
        if action == Action.SUBMIT:
            target, decision = _prepare_submission(plan, actor, now)
        elif action in DECISIONS:
            step = rules.decidable_step(actor, plan)
            if step is None:
                raise NotAllowed(_("You cannot decide this step of the plan."))
            if action in COMMENT_REQUIRED and not comment:
                raise Incomplete({"comment": [_("Write a comment: the author needs to know why.")]})
            decision = Decision(
                plan=plan,
                step=step,
                outcome=action,
                decided_by=actor,
                role=_role_at(step, actor),
                comment=comment,
                decided_at=now,
            )
        elif action == Action.WITHDRAW and not rules.can_withdraw(actor, plan):
            raise NotAllowed(_("Only the author can withdraw the plan."))

        previous_status = _claim(plan)
        _apply(plan, target, actor, action, now)
        if decision is not None:
            decision.save()
        if target == PlanStatus.GODKAND and plan.previous_version_id:
            _supersede(plan, actor, now)
        notices.plan_transitioned(plan, action, actor, previous_status, decision)
    return plan


def _prepare_submission(plan: Plan, actor: User, now) -> tuple[PlanStatus, Decision | None]:
    if not rules.can_submit(actor, plan):
        raise NotAllowed(_("Only the author can submit the plan."))
    errors = submission_errors(plan)
    chef = chef_of(plan.unit)
    if chef is None:
        errors.setdefault("unit", []).append(_("The unit has no manager who can decide on the plan."))
    if errors:
        raise Incomplete(errors)
    plan.deciding_chef = chef
    if not plan.diarienummer:
        plan.diarienummer = next_diarienummer(timezone.localdate(now))
    plan.submitted_at = plan.submitted_at or now
    if chef.pk != actor.pk:
        return PlanStatus.HOS_CHEF, None
    # The chef wrote the plan: submitting it is their signature on the chef step.
    signed = Decision(
        plan=plan,
        step=Step.CHEF,
        outcome=Action.APPROVE,
        decided_by=actor,
        role=_role_at(Step.CHEF, actor),
        decided_at=now,
        signed_by_submission=True,
    )
    return PlanStatus.HOS_KOMMUNIKATION, signed


def _role_at(step: Step, actor: User) -> Role:
    # The kulturdirektör is the chef of Staben: at the chef step that is the role they act in.
    if step == Step.CHEF and actor.is_kulturdirektor and not actor.is_chef:
        return Role.KULTURDIREKTOR
    return STEP_ROLE[step]


def _claim(plan: Plan) -> str:
    """Compare-and-set: bump the revision only if nobody changed the row since we read it."""
    claimed = Plan.objects.filter(pk=plan.pk, status=plan.status, revision=plan.revision).update(
        revision=F("revision") + 1
    )
    if claimed != 1:
        raise Conflict()
    plan.revision += 1
    return plan.status


def _apply(plan: Plan, target: PlanStatus, actor: User, action: Action, now) -> None:
    plan.status = target
    plan.status_changed_at = now
    fields = ["status", "status_changed_at", "revision", "updated_at"]
    if action == Action.SUBMIT:
        fields += ["deciding_chef", "diarienummer", "submitted_at"]
    if target in (PlanStatus.GODKAND, PlanStatus.AVSLAGEN):
        plan.decided_at = now
        fields.append("decided_at")
    plan._history_user = actor
    plan._change_reason = str(Action(action).label)
    plan.save(update_fields=fields)


def _supersede(approved: Plan, actor: User, now) -> None:
    """The version in force until now becomes ersatt.

    That is the approved version of the series, not necessarily `previous_version`: revise()
    links a new draft to the newest version, which may be a rejected or withdrawn one (see the
    fix there). Looking only at `previous_version` would then leave two approved versions.
    """
    for previous in Plan.objects.filter(series=approved.series, status=PlanStatus.GODKAND).exclude(pk=approved.pk):
        _claim(previous)
        _apply(previous, PlanStatus.ERSATT, actor, Action.SUPERSEDE, now)
