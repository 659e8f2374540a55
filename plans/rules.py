"""Who may do what with a plan. Views and domain functions ask here; nothing else decides.

Reading: the kommunikationsansvarig, the kulturdirektör and administrators read every plan
(by role, never through a global model permission). Everyone else reads the plans of the units
they hold `accounts.read_unit` on through django-guardian (their own unit; a chef also the
units below), plus plans they wrote or must decide. Editing a draft needs the object
permission `plans.change_plan`, granted to the author when the plan is created.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from guardian.core import ObjectPermissionChecker

from accounts.enums import DeputyCondition, UnitKind
from accounts.models import Unit, User
from accounts.queries import deputyships_of, is_absent, is_chef_of, is_overseer
from accounts.rules import can_read_unit, readable_unit_ids
from channel_register.rules import can_manage_channel

from .enums import PENDING, STEP_ROLE, Action, PlanStatus, Step
from .models import Decision, Plan
from .queries import decision_field, round_approvals

CHANGE_PLAN = "plans.change_plan"


def in_staben(unit: Unit) -> bool:
    return any(node.kind == UnitKind.STAB for node in [unit, *unit.ancestors()])


def can_view_plan(user: User, plan: Plan) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_overseer(user) or user.pk in (plan.author_id, plan.deciding_chef_id) or can_read_unit(user, plan.unit):
        return True
    return is_or_was_decider(user, plan)


def is_or_was_decider(user: User, document) -> bool:
    """A deputy from elsewhere reads what they may decide, and what they decided."""
    return (
        decidable_step(user, document) is not None
        or Decision.objects.filter(**{decision_field(document): document}, decided_by=user).exists()
    )


def can_create_plan_for(user: User, unit: Unit) -> bool:
    return can_read_unit(user, unit)


def can_edit_plan(user: User, plan: Plan) -> bool:
    """Only the author, holding the object permission granted at creation, while editable."""
    return (
        plan.is_editable
        and user.is_authenticated
        and plan.author_id == user.pk
        and user.is_active
        and holds_change_plan(user, plan)
    )


def holds_change_plan(user: User, plan: Plan) -> bool:
    """The object permission `change_plan`, held by `user` or one of their groups, as
    django-guardian's checker decides it but in one query instead of its two (the user's
    permissions, then the groups'); kept on the user object for the rest of the request."""
    held = user.__dict__.setdefault("_change_plan", {})
    if plan.pk not in held:
        if user.is_superuser:  # guardian grants a superuser every object permission
            held[plan.pk] = True
        else:
            checker = ObjectPermissionChecker(user)
            # Guardian's own filters, each in a subquery of its own (so each uses its index).
            by_user, by_group = (
                Permission.objects.filter(**filters).values("pk")
                for filters in (checker.get_user_filters(plan), checker.get_group_filters(plan))
            )
            held[plan.pk] = Permission.objects.filter(
                Q(pk__in=by_user) | Q(pk__in=by_group),
                content_type=ContentType.objects.get_for_model(Plan),
                codename=CHANGE_PLAN.split(".", 1)[1],
            ).exists()
    return held[plan.pk]


@dataclass(frozen=True)
class Authority:
    """What lets a person decide the step a document waits at: the step, and whom they act for
    as a deputy (None: in their own right)."""

    step: Step
    acting_for: User | None = None


def decidable_step(user: User, document) -> Step | None:
    """The step of the chain that `user` may decide on `document` now, if any (see `authority`)."""
    found = authority(user, document)
    return found.step if found else None


def authority(user: User, document, today: datetime.date | None = None) -> Authority | None:
    """Whether, and in whose name, `user` may decide the step `document` waits at now.

    Nobody decides a document they wrote (a chef who writes one signed the chef step by
    submitting it), nor two steps of one document in a round (queries.round_approvals); the one
    exception is the kulturdirektör, who is Staben's chef and decides both the chef step and the
    last step of Staben's documents. These hold for deputies too.

    In one's own right, the step belongs to whoever holds its role for the document's unit now:
    the chef step to the unit's chef of today (`chef_of`: its own active chef, else the nearest
    above), not the chef of the day it was submitted, so a chef who left or moved no longer
    decides it and a newly appointed one does (domain.routing keeps `deciding_chef`, whom it waits
    at, in step). As a deputy (accounts.models.Deputy), `user` acts for a holder of the role with
    an arrangement in force today whose condition holds: always, while the holder is registered
    absent, or where the holder may not decide this document. The decision records "B för A".
    """
    step = document.current_step
    if step is None or not user.is_authenticated or not user.is_active:
        return None
    if user.pk == document.author_id or _decided_another_step(user, document, step):
        return None
    if _holds(user, document, step):
        return Authority(step)
    today = today or timezone.localdate()
    role = STEP_ROLE[step]
    for arrangement in deputyships_of(user, today):
        if arrangement.role != role:
            continue
        holder = arrangement.person
        if not _holds(holder, document, step):
            continue
        if arrangement.unit_id is not None and not _within(document.unit, arrangement.unit_id):
            continue
        if _condition_holds(arrangement, holder, document, step, today):
            return Authority(step, holder)
    return None


def _holds(person: User, document, step: Step) -> bool:
    """Whether `person` holds the role of `step` for `document`'s unit now."""
    if step == Step.CHEF:
        return _is_chef_now(person, document.unit)
    if step == Step.KOMMUNIKATION:
        return person.is_kommunikationsansvarig
    return person.is_kulturdirektor


def may_decide_itself(person: User, document, step: Step) -> bool:
    """Whether nothing about `document` stops `person` deciding `step` (own, or a second step)."""
    return person.pk != document.author_id and not _decided_another_step(person, document, step)


def _decided_another_step(person: User, document, step: Step) -> bool:
    if step == Step.CHEF:  # the first step of a round: nothing decided before it
        return False
    steps = round_approvals(document).get(person.pk, set()) - {step}
    if step == Step.DIREKTOR and Step.CHEF in steps and person.is_kulturdirektor and in_staben(document.unit):
        steps -= {Step.CHEF}  # Staben's chef is the kulturdirektör
    return bool(steps)


def _condition_holds(arrangement, holder: User, document, step: Step, today: datetime.date) -> bool:
    if arrangement.condition == DeputyCondition.ABSENT:
        return is_absent(holder, today)
    if arrangement.condition == DeputyCondition.DISQUALIFIED:
        return not may_decide_itself(holder, document, step)
    return True


def _within(unit: Unit, unit_id: int) -> bool:
    return unit.pk == unit_id or any(node.pk == unit_id for node in unit.ancestors())


def _is_chef_now(user: User, unit: Unit) -> bool:
    """`is_chef_of`, without reading the unit's chef when that is `user` (active, checked by the
    caller): `chef_of` stops at the unit's own active chef. The reminder sweep asks this of the
    chef each of many documents waits at."""
    return unit.chef_id == user.pk or is_chef_of(user, unit)


def can_withdraw(user: User, plan: Plan) -> bool:
    return plan.author_id == user.pk and (plan.is_editable or plan.status in PENDING)


def can_submit(user: User, plan: Plan) -> bool:
    return plan.is_editable and can_edit_plan(user, plan)


def can_revise(user: User, plan: Plan) -> bool:
    return plan.status == PlanStatus.GODKAND and (plan.author_id == user.pk or can_read_unit(user, plan.unit))


def allowed_actions(user: User, document) -> set[Action]:
    """Every action `user` may take now on a document of the chain (a plan or a closure
    request), for the buttons on its page. Only submitting differs between the kinds."""
    submit_rule = can_submit if isinstance(document, Plan) else can_submit_closure
    actions = set()
    if submit_rule(user, document):
        actions.add(Action.SUBMIT)
    if decidable_step(user, document):
        actions |= {Action.APPROVE, Action.RETURN, Action.REJECT}
    if can_withdraw(user, document):
        actions.add(Action.WITHDRAW)
    return actions


def readable_units_exist(user: User) -> bool:
    """Whether the user belongs to (or leads) any unit they could write a plan for."""
    return bool(readable_unit_ids(user))


# --- Closure requests ---------------------------------------------------------------------------


def can_request_closure(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or (user.is_authenticated and user.pk == channel.owner_id)


def can_edit_closure(user: User, closure) -> bool:
    return closure.is_editable and user.is_authenticated and user.is_active and closure.author_id == user.pk


def can_submit_closure(user: User, closure) -> bool:
    return can_edit_closure(user, closure)


def sees_escalations(user: User) -> bool:
    """Who is shown the escalated documents (domain.escalation) on their start page: those who
    can find someone to decide, the kommunikationsansvarig and the administrators."""
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_kommunikationsansvarig or user.is_systemadministrator or user.is_superuser)
    )
