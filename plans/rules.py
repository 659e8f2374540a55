"""Who may do what with a plan. Views and domain functions ask here; nothing else decides.

Reading: the kommunikationsansvarig, the kulturdirektör and administrators read every plan
(by role, never through a global model permission). Everyone else reads the plans of the units
they hold `accounts.read_unit` on through django-guardian (their own unit; a chef also the
units below), plus plans they wrote or must decide. Editing a draft needs the object
permission `plans.change_plan`, granted to the author when the plan is created.
"""

from accounts.enums import UnitKind
from accounts.models import Unit, User
from accounts.queries import is_chef_of, is_overseer
from accounts.rules import can_read_unit, has_object_perm, readable_unit_ids
from channel_register.rules import can_manage_channel

from .enums import PENDING, Action, PlanStatus, Step
from .models import Plan

CHANGE_PLAN = "plans.change_plan"


def in_staben(unit: Unit) -> bool:
    return any(node.kind == UnitKind.STAB for node in [unit, *unit.ancestors()])


def can_view_plan(user: User, plan: Plan) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_overseer(user) or user.pk in (plan.author_id, plan.deciding_chef_id):
        return True
    return can_read_unit(user, plan.unit)


def can_create_plan_for(user: User, unit: Unit) -> bool:
    return can_read_unit(user, unit)


def can_edit_plan(user: User, plan: Plan) -> bool:
    """Only the author, holding the object permission granted at creation, while editable."""
    return (
        plan.is_editable
        and user.is_authenticated
        and plan.author_id == user.pk
        and user.is_active
        and has_object_perm(user, CHANGE_PLAN, plan)
    )


def decidable_step(user: User, plan: Plan) -> Step | None:
    """The step of the chain that `user` may decide on `plan` now, if any.

    Nobody decides on a plan they wrote; the only exception is the kulturdirektör, who
    decides Staben's plans. (A chef who writes a plan signed the chef step by submitting.)

    The chef step belongs to whoever is the unit's chef now (`chef_of`: its own active chef,
    else the nearest above), not to the chef of the day it was submitted: a chef who left or
    moved no longer decides it, and a newly appointed one does. `deciding_chef` says whom it
    waits at (inbox, reminders, notices); domain.routing keeps it in step when a chef changes.
    """
    step = plan.current_step
    if step is None or not user.is_authenticated or not user.is_active:
        return None
    own = plan.author_id == user.pk
    allowed = {
        Step.CHEF: lambda: not own and _is_chef_now(user, plan.unit),
        Step.KOMMUNIKATION: lambda: user.is_kommunikationsansvarig and not own,
        Step.DIREKTOR: lambda: user.is_kulturdirektor and (not own or in_staben(plan.unit)),
    }[step]()
    return step if allowed else None


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
