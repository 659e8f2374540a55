"""Reads about people and the organisation: who is chef of what, who holds which role."""

import datetime
from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from guardian.shortcuts import get_objects_for_user

from .enums import Course, Role, UnitKind
from .models import Absence, Deputy, TrainingRecord, Unit, User


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


def unit_chef_pk(unit: str = "unit") -> Case:
    """`chef_of` in SQL: the pk of the chef who decides for the unit reached by the path `unit`
    (None if nobody does), so that a list can ask "whose chef is this viewer" of every row in
    the query that reads the rows. The same walk as chef_of: at each level the unit's own active
    chef, else the kulturdirektör for Staben, else the level above; the tree is at most three
    levels deep (UNIT_PARENT_KINDS). test_unit_chef_pk_agrees_with_chef_of pins the twins."""
    director = Subquery(
        User.objects.filter(is_active=True, groups__name=Role.KULTURDIREKTOR.value)
        .order_by("full_name", "pk")
        .values("pk")[:1]
    )
    whens, node = [], unit
    for _level in range(3):
        whens.append(When(**{f"{node}__chef__is_active": True}, then=F(f"{node}__chef")))
        whens.append(When(**{f"{node}__kind": UnitKind.STAB}, then=director))
        node = f"{node}__parent"
    return Case(*whens, default=None, output_field=IntegerField())


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
    is_overseer."""
    if not user.is_authenticated:
        return Unit.objects.none()
    return get_objects_for_user(user, "accounts.read_unit", klass=Unit, accept_global_perms=False, with_superuser=False)


def active(person: User | None) -> User | None:
    """`person` if there is one and they are active, else None: who may still be told."""
    return person if person is not None and person.is_active else None


def is_overseer(user: User) -> bool:
    """Reads everything: kommunikationsansvarig, kulturdirektör, systemadministratör."""
    return user.is_authenticated and (
        user.is_kommunikationsansvarig or user.is_kulturdirektor or user.is_systemadministrator or user.is_superuser
    )


# --- Deputies -----------------------------------------------------------------------------------------


def in_force_q(on: date, prefix: str = "") -> Q:
    """A filter for deputy arrangements in force on `on`."""
    return Q(**{f"{prefix}starts_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})
    )


def deputyships_of(user: User, on: date) -> list[Deputy]:
    """The arrangements in force on `on` in which `user` deputises for someone active, read once
    per day and kept on the user object (a page asks for every document it shows)."""
    cache = getattr(user, "_deputyships", None)
    if cache is None or cache[0] != on:
        rows = list(
            Deputy.objects.filter(in_force_q(on), deputy=user, person__is_active=True)
            .select_related("person", "unit")
            .order_by("pk")
        )
        cache = user._deputyships = (on, rows)
    return cache[1]


def arrangements_for(role: Role, on: date) -> list[Deputy]:
    """Every arrangement in force on `on` for `role` between active people."""
    return list(
        Deputy.objects.filter(in_force_q(on), role=role, person__is_active=True, deputy__is_active=True)
        .select_related("person", "deputy", "unit")
        .order_by("pk")
    )


def is_absent(person: User, on: date) -> bool:
    """Whether `person` is registered absent on `on` (read once per person and day)."""
    cache = getattr(person, "_absent_on", None)
    if cache is None or cache[0] != on:
        cache = person._absent_on = (
            on,
            Absence.objects.filter(user=person, starts_on__lte=on, ends_on__gte=on).exists(),
        )
    return cache[1]


def current_and_coming_absences(user_ids: list[int], today: date) -> QuerySet[Absence]:
    """The absences of these people that have not ended before `today`, soonest first (the
    absences page), found by the index absence_user_ends_on rather than among all past ones."""
    return (
        Absence.objects.filter(user_id__in=user_ids, ends_on__gte=today)
        .select_related("user", "registered_by")
        .order_by("starts_on", "user__full_name", "pk")
    )


# --- Legal training ---------------------------------------------------------------------------------

TRAINING_WARNING_DAYS = 60
"""Legal training that ends within this many days is warned about: on the trainings page and
by the daily reminder (accounts.domain.reminders)."""


def training_warning_horizon(today: datetime.date) -> datetime.date:
    """The last day of validity that `today` warns about: training valid today that ends on or
    before this day "expires soon". The one rule for it; the reminder filters by it."""
    return today + datetime.timedelta(days=TRAINING_WARNING_DAYS)


def expires_soon(valid_until: datetime.date | None, today: datetime.date) -> bool:
    """Whether training valid on `today` until `valid_until` (None: open-ended) expires soon."""
    return valid_until is not None and valid_until <= training_warning_horizon(today)


TRAINING_VALID, TRAINING_SOON, TRAINING_EXPIRED, TRAINING_MISSING = "valid", "soon", "expired", "missing"
"""A person's legal training on a day, computed (never stored): valid, valid but expiring
within TRAINING_WARNING_DAYS, expired, or never completed."""
TRAINING_STATUSES = (TRAINING_VALID, TRAINING_SOON, TRAINING_EXPIRED, TRAINING_MISSING)


@dataclass(frozen=True)
class TrainingState:
    person: User
    valid_until: datetime.date | None
    has_valid: bool
    expires_soon: bool

    @property
    def status(self) -> str:
        if self.has_valid:
            return TRAINING_SOON if self.expires_soon else TRAINING_VALID
        return TRAINING_EXPIRED if self.valid_until is not None else TRAINING_MISSING


def people_in_scope(user: User) -> QuerySet[User]:
    """Whose training a person follows: everyone for overseers, the units a chef leads."""
    people = User.objects.filter(is_active=True).select_related("unit").order_by("full_name", "pk")
    if is_overseer(user):
        return people
    return people.filter(unit__in=readable_units(user).values("pk"))


def with_training(people: QuerySet[User], today: datetime.date) -> QuerySet[User]:
    """`people` annotated with their legal training (Course.LEGAL_BASICS) on `today`, in SQL so
    that a list can filter, count and paginate by it before reading a page:

    - `training_until`: the last day of the latest dated record completed by `today` (None: none);
    - `training_open_ended`: whether a record without an end was completed by `today`;
    - `training_status`: TRAINING_VALID (open-ended, or valid past the warning horizon),
      TRAINING_SOON (valid until within TRAINING_WARNING_DAYS), TRAINING_EXPIRED, TRAINING_MISSING.

    training_state reads a row's state; state_from_records is the same rule over records in
    memory (test_with_training_agrees_with_state_from_records)."""
    records = TrainingRecord.objects.filter(user=OuterRef("pk"), course=Course.LEGAL_BASICS, completed_on__lte=today)
    latest = records.filter(valid_until__isnull=False).order_by("-valid_until").values("valid_until")[:1]
    return people.annotate(
        training_until=Subquery(latest),
        training_open_ended=Exists(records.filter(valid_until__isnull=True)),
    ).annotate(
        training_status=Case(
            When(training_open_ended=True, then=Value(TRAINING_VALID)),
            # Past the horizon first, so that "soon" needs one comparison: the subquery behind
            # training_until is repeated in SQL wherever it is compared.
            When(training_until__gt=training_warning_horizon(today), then=Value(TRAINING_VALID)),
            When(training_until__gte=today, then=Value(TRAINING_SOON)),
            When(training_until__isnull=False, then=Value(TRAINING_EXPIRED)),
            default=Value(TRAINING_MISSING),
        )
    )


def training_state(person: User) -> TrainingState:
    """The state of a person read through with_training."""
    if person.training_open_ended:
        return TrainingState(person, None, True, False)
    status = person.training_status
    return TrainingState(
        person, person.training_until, status in (TRAINING_VALID, TRAINING_SOON), status == TRAINING_SOON
    )


def state_from_records(person: User, records: list[TrainingRecord], today: datetime.date) -> TrainingState:
    """with_training's rule over `person`'s records already read (their own page shows them)."""
    done = [record for record in records if record.course == Course.LEGAL_BASICS and record.completed_on <= today]
    if any(record.valid_until is None for record in done):
        return TrainingState(person, None, True, False)
    until = max((record.valid_until for record in done), default=None)
    valid = until is not None and until >= today
    return TrainingState(person, until, valid, valid and expires_soon(until, today))


def training_counts(people: QuerySet[User]) -> dict[str, int]:
    """How many of `people` (read through with_training) are in each training status, in one query.

    Grouped by the status rather than one filtered COUNT per status: the status (its CASE and
    the subqueries it reads) is then compiled and evaluated once per person instead of once
    per status, which was most of the training page's time."""
    counts = dict.fromkeys(TRAINING_STATUSES, 0)
    grouped = people.order_by().values_list("training_status").annotate(n=Count("pk"))
    counts.update(dict(grouped))
    return counts


def people_with_expiring_training(today: datetime.date) -> QuerySet[User]:
    """Active people whose legal training (Course.LEGAL_BASICS) valid on `today` expires within
    TRAINING_WARNING_DAYS, annotated with `expires` (the last day it is valid).

    A person is left out when they hold an open-ended record valid today (nothing expires),
    or any record that stays valid past `expires` (a renewal is registered). One query."""
    dated_valid_today = TrainingRecord.objects.filter(
        valid_training_q(today), user=OuterRef("pk"), valid_until__isnull=False
    )
    expires = Subquery(dated_valid_today.order_by("-valid_until").values("valid_until")[:1])
    # An open-ended record (valid today or not yet), or a renewal registered ahead: no warning.
    renewed = TrainingRecord.objects.filter(user=OuterRef("pk"), course=Course.LEGAL_BASICS).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=OuterRef("expires"))
    )
    return (
        User.objects.filter(is_active=True)
        .annotate(expires=expires)
        .filter(expires__lte=training_warning_horizon(today))
        .exclude(Exists(renewed))
        .select_related("unit")
        .order_by("pk")
    )
