"""Who may do what with a plan. Views and domain functions ask here; nothing else decides.

Reading: the kommunikationsansvarig, the kulturdirektör and administrators read every plan
(by role, never through a global model permission). Everyone else reads the plans of the units
they hold `accounts.read_unit` on through django-guardian (their own unit; a chef also the
units below), plus plans they wrote or must decide. Editing a draft needs the object
permission `plans.change_plan`, granted to the author when the plan is created.
"""

from guardian.core import ObjectPermissionChecker

from accounts.enums import UnitKind
from accounts.models import Unit, User
from accounts.queries import is_chef_of, readable_units

from .enums import PENDING, Action, ChannelStatus, PlanStatus, Step, UpdateSource
from .models import Plan

READ_UNIT = "accounts.read_unit"
CHANGE_PLAN = "plans.change_plan"


def is_overseer(user: User) -> bool:
    """Reads everything: kommunikationsansvarig, kulturdirektör, systemadministratör."""
    return user.is_authenticated and (
        user.is_kommunikationsansvarig or user.is_kulturdirektor or user.is_systemadministrator or user.is_superuser
    )


def in_staben(unit: Unit) -> bool:
    return any(node.kind == UnitKind.STAB for node in [unit, *unit.ancestors()])


def readable_unit_ids(user: User) -> frozenset[int]:
    """The units `user` holds `read_unit` on, read once and kept on the user object. Not
    `user.has_perm`, which grants a superuser everything: administrators read all plans by
    role, but do not write plans for units they do not belong to."""
    if not hasattr(user, "_readable_unit_ids"):
        user._readable_unit_ids = frozenset(readable_units(user).values_list("pk", flat=True))
    return user._readable_unit_ids


def can_read_unit(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.is_active and unit.pk in readable_unit_ids(user)


def can_view_plan(user: User, plan: Plan) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if is_overseer(user) or user.pk in (plan.author_id, plan.deciding_chef_id):
        return True
    return can_read_unit(user, plan.unit)


def can_create_plan_for(user: User, unit: Unit) -> bool:
    return can_read_unit(user, unit)


def has_object_perm(user: User, perm: str, obj) -> bool:
    """A django-guardian object permission, through one checker kept on the user object so
    that a page asking several times pays for the lookup once."""
    if not hasattr(user, "_object_permission_checker"):
        user._object_permission_checker = ObjectPermissionChecker(user)
    return user._object_permission_checker.has_perm(perm.split(".", 1)[1], obj)


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
    """
    step = plan.current_step
    if step is None or not user.is_authenticated or not user.is_active:
        return None
    own = plan.author_id == user.pk
    allowed = {
        Step.CHEF: lambda: plan.deciding_chef_id == user.pk and not own,
        Step.KOMMUNIKATION: lambda: user.is_kommunikationsansvarig and not own,
        Step.DIREKTOR: lambda: user.is_kulturdirektor and (not own or in_staben(plan.unit)),
    }[step]()
    return step if allowed else None


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


# --- Channels ---------------------------------------------------------------------------------


def can_view_channel(user: User, channel) -> bool:
    """Unit members read their unit's channels; overseers read all; others get a 404."""
    if not user.is_authenticated or not user.is_active:
        return False
    return is_overseer(user) or can_read_unit(user, channel.unit)


def can_manage_channel(user: User, channel) -> bool:
    """Go-live, pause, checklist: the unit's chef and the kommunikationsansvarig."""
    return (
        user.is_authenticated and user.is_active and (user.is_kommunikationsansvarig or is_chef_of(user, channel.unit))
    )


def can_appoint(user: User, channel) -> bool:
    """Owners, others and the screenshot responsible are set by the unit's chef."""
    return user.is_authenticated and user.is_active and is_chef_of(user, channel.unit)


def is_channel_person(user: User, channel) -> bool:
    """The owner and the other people who run the channel."""
    if not user.is_authenticated:
        return False
    if user.pk in (channel.owner_id, channel.screenshot_responsible_id):
        return True
    return channel.others.filter(pk=user.pk).exists()


def can_edit_roster(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or is_channel_person(user, channel)


def can_log_removal(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or is_channel_person(user, channel)


def can_record_screenshot(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or is_channel_person(user, channel)


def can_confirm_inventory(user: User, channel) -> bool:
    return user.is_authenticated and user.is_active and (user.pk == channel.owner_id or can_appoint(user, channel))


def can_request_closure(user: User, channel) -> bool:
    return can_manage_channel(user, channel) or (user.is_authenticated and user.pk == channel.owner_id)


def can_edit_closure(user: User, closure) -> bool:
    return closure.is_editable and user.is_authenticated and user.is_active and closure.author_id == user.pk


def can_submit_closure(user: User, closure) -> bool:
    return can_edit_closure(user, closure)


# --- Updates and the feed ---------------------------------------------------------------------

# Updates are logged while the channel is in use: a planned channel has not started, a channel
# being closed or closed is not held to its rhythm any more.
UPDATE_STATUSES = frozenset({ChannelStatus.AKTIV, ChannelStatus.PAUSAD})


def can_log_update(user: User, channel) -> bool:
    """The owner and the channel's other people, the unit's chef, and the overseers
    (kommunikationsansvarig, kulturdirektör, administrators), while the channel is active or
    paused. The cheap checks first: asking for the others is a query."""
    if not user.is_authenticated or not user.is_active or channel.status not in UPDATE_STATUSES:
        return False
    return is_overseer(user) or is_chef_of(user, channel.unit) or is_channel_person(user, channel)


def can_delete_update(user: User, update, *, chef: bool | None = None) -> bool:
    """A wrongly logged entry is deleted by whoever logged it, or by the unit's chef. Entries
    read from the feed are facts about the channel, not anyone's entry: they stay.

    `chef` is `is_chef_of(user, channel.unit)` if the caller has asked already (a list asks
    once, not per row)."""
    if not user.is_authenticated or not user.is_active or update.source != UpdateSource.MANUAL:
        return False
    if update.channel.status not in UPDATE_STATUSES:
        return False
    if update.logged_by_id == user.pk:
        return True
    return is_chef_of(user, update.channel.unit) if chef is None else chef


def can_set_feed_url(user: User, channel) -> bool:
    """The channel's feed address: its owner, the unit's chef and the overseers, until it is closed."""
    if not user.is_authenticated or not user.is_active or channel.status == ChannelStatus.AVSLUTAD:
        return False
    return user.pk == channel.owner_id or is_overseer(user) or is_chef_of(user, channel.unit)


# --- People -------------------------------------------------------------------------------------


def can_register_training_for(user: User, person: User) -> bool:
    """Chefs for the people of the units they lead; the kommunikationsansvarig for anyone."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_kommunikationsansvarig:
        return True
    # Being the unit's chef is what counts, not the role: the kulturdirektör leads Staben.
    return person.unit_id is not None and is_chef_of(user, person.unit)


def can_register_absence_for(user: User, person: User) -> bool:
    """Everyone for themselves; a chef also for the people of the units they lead."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.pk == person.pk:
        return True
    return person.unit_id is not None and is_chef_of(user, person.unit)
