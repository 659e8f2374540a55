"""Who may see and do what about people and units. The apps above ask here for what is
common to all of them (who reads everything, which units a person reads, an object
permission); views and domain functions ask here; nothing else decides.

Reading: the kommunikationsansvarig, the kulturdirektör and administrators read everything
(by role, never through a global model permission). Everyone else reads the units they hold
`accounts.read_unit` on through django-guardian (their own unit; a chef also the units below).
"""

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from guardian.core import ObjectPermissionChecker

from .models import Unit, User
from .queries import is_chef_of, readable_units, unit_chef_pk

READ_UNIT = "accounts.read_unit"


def readable_unit_ids(user: User) -> frozenset[int]:
    """The units `user` holds `read_unit` on, read once and kept on the user object. Not
    `user.has_perm`, which grants a superuser everything: administrators read all plans by
    role, but do not write plans for units they do not belong to."""
    if not hasattr(user, "_readable_unit_ids"):
        user._readable_unit_ids = frozenset(readable_units(user).values_list("pk", flat=True))
    return user._readable_unit_ids


def can_read_unit(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.is_active and unit.pk in readable_unit_ids(user)


def has_object_perm(user: User, perm: str, obj) -> bool:
    """A django-guardian object permission, through one checker kept on the user object so
    that a page asking several times pays for the lookup once."""
    if not hasattr(user, "_object_permission_checker"):
        user._object_permission_checker = ObjectPermissionChecker(user)
    return user._object_permission_checker.has_perm(perm.split(".", 1)[1], obj)


# --- Trainings and absences -------------------------------------------------------------------------------------


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


def training_registrable(user: User) -> QuerySet[User]:
    """can_register_training_for as a query: the active people `user` may register training
    for (a form validates its choice against it without listing everyone)."""
    return _registrable(user, User.objects.filter(is_active=True), anyone=user.is_kommunikationsansvarig)


def absence_registrable(user: User) -> QuerySet[User]:
    """can_register_absence_for as a query: `user` and the active people of the units they are
    chef of."""
    return _registrable(user, User.objects.filter(is_active=True), themselves=True)


def with_training_verdict(user: User, people: QuerySet[User]) -> QuerySet[User]:
    """`people` annotated with `may_register`: can_register_training_for(user, person), asked of
    every row in the query that reads the rows."""
    if not (user.is_authenticated and user.is_active):
        verdict = Value(False, output_field=BooleanField())
    elif user.is_kommunikationsansvarig:
        verdict = Value(True, output_field=BooleanField())
    else:
        people = people.alias(unit_chef=unit_chef_pk())
        verdict = Case(When(_led_by(user), then=Value(True)), default=Value(False), output_field=BooleanField())
    return people.annotate(may_register=verdict)


def _registrable(user: User, people: QuerySet[User], anyone: bool = False, themselves: bool = False):
    """The rules above, over `people`: being the chef (queries.chef_of) of the person's unit,
    resolved in SQL (queries.unit_chef_pk); test_registrable_agrees_with_the_rule pins them."""
    if not (user.is_authenticated and user.is_active):
        return people.none()
    if anyone:
        return people
    whose = _led_by(user) | Q(pk=user.pk) if themselves else _led_by(user)
    return people.alias(unit_chef=unit_chef_pk()).filter(whose)


def _led_by(user: User) -> Q:
    # Being the unit's chef is what counts, not the role: the kulturdirektör leads Staben.
    return Q(unit_chef=user.pk)


def can_name_deputy_for(user: User, unit) -> bool:
    """A chef names their own deputies as the chef of the units they lead (the deputies page);
    every other arrangement is the administrator's, in the admin."""
    return user.is_authenticated and user.is_active and unit is not None and unit.chef_id == user.pk
