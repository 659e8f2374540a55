"""Reads about people and the organisation: who is chef of what, who holds which role."""

from datetime import date

from django.db.models import Q, QuerySet
from guardian.shortcuts import get_objects_for_user

from .enums import Course, Role, UnitKind
from .models import TrainingRecord, Unit, User


def users_with_role(role: Role) -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=role.value).distinct()


def kulturdirektor() -> User | None:
    """The kulturdirektör (there is one; if several are registered, the first by name decides)."""
    return users_with_role(Role.KULTURDIREKTOR).order_by("full_name", "pk").first()


def chef_of(unit: Unit) -> User | None:
    """The chef who decides for `unit`: its own chef, else the nearest chef above it.

    Staben has no chef of its own in the strategy: the kulturdirektör is its chef. A Staben
    unit (or a department under it) without a registered chef therefore resolves to the
    kulturdirektör, and the förvaltning's chef is never used for Staben.
    """
    for node in [unit, *unit.ancestors()]:
        if node.chef_id and node.chef.is_active:
            return node.chef
        if node.kind == UnitKind.STAB:
            return kulturdirektor()
    return None


def chefs_by_unit() -> dict[int, User | None]:
    """`chef_of` for every unit at once, in three queries whatever the number of units: for the
    scheduled jobs, which tell the chefs of thousands of channels."""
    units = {unit.pk: unit for unit in Unit.objects.select_related("chef")}
    director = None
    director_read = False
    chefs: dict[int, User | None] = {}
    for unit in units.values():
        node, seen, chef = unit, set(), None
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            if node.chef_id and node.chef.is_active:
                chef = node.chef
                break
            if node.kind == UnitKind.STAB:
                if not director_read:
                    director, director_read = kulturdirektor(), True
                chef = director
                break
            node = units.get(node.parent_id)
        chefs[unit.pk] = chef
    return chefs


def is_chef_of(user: User, unit: Unit) -> bool:
    if not user.is_authenticated:
        return False
    chef = chef_of(unit)
    return chef is not None and chef.pk == user.pk


def unit_and_descendant_ids(unit: Unit) -> set[int]:
    """The unit and everything below it (the tree is shallow: one query per level)."""
    ids, frontier = {unit.pk}, {unit.pk}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - ids
        ids |= frontier
    return ids


def valid_training_q(on: date, course: Course = Course.LEGAL_BASICS, prefix: str = "") -> Q:
    """A filter for training records valid on `on`; `prefix` reaches them from another model."""
    return Q(**{f"{prefix}course": course, f"{prefix}completed_on__lte": on}) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    )


def has_valid_training(user: User, on: date, course: Course = Course.LEGAL_BASICS) -> bool:
    return TrainingRecord.objects.filter(valid_training_q(on, course), user=user).exists()


def users_with_valid_training(on: date, course: Course = Course.LEGAL_BASICS) -> QuerySet[User]:
    return User.objects.filter(valid_training_q(on, course, prefix="training_records__"), is_active=True).distinct()


def readable_units(user: User) -> QuerySet[Unit]:
    """Units whose plans and channels `user` reads by the object permission `read_unit`
    (their own unit; for a chef also the units they lead). Overseer roles read more: see
    plans.rules.is_overseer."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return get_objects_for_user(user, "accounts.read_unit", klass=Unit, accept_global_perms=False, with_superuser=False)
