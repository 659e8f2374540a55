"""A person leaves (avsluta användare): everything they hold is handed to named successors in one
transaction, and only then are they deactivated.

What a person holds lives in the apps above accounts (channels, roster weeks, agreements, drafts),
so they contribute through this registry, each from its AppConfig.ready, as they do to the
export of personal data (personal_data.py): `register(Kind(...))`, where a kind lists what the
person holds of it and hands each holding over through that app's own write path (the same checks
as on its pages: training, membership of the unit). Accounts' own kinds (units led, deputy
arrangements) are registered here, as accounts is below the audit log.

`end_person` is the one write path: the administrator names a successor per holding (or one for
all), every hand-over runs, the person is deactivated (which moves the documents waiting at their
chef step, domain.routing, and judges the escalations again), and one audit event records it. A
refusal anywhere (a successor without training, one outside the channel's unit) rolls back
everything and says where."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.domain import people
from accounts.models import Deputy, Unit, User
from kob_social.errors import Conflict, Incomplete, NotAllowed

from . import domain as audit
from .rules import can_end_person


@dataclass(frozen=True)
class Holding:
    """One thing the person holds. `key` is unique among the person's holdings (the form's field
    name); `required`: it must have a successor (else it ends with the person, as `ends` says);
    not `choosable`: it follows by itself (`ends` says how), nobody is named for it."""

    key: str
    label: str
    url: str = ""
    required: bool = True
    needs_training: bool = False
    ends: str = ""
    choosable: bool = True


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # the group's heading on the page
    holdings: Callable[[User, datetime.date], list[Holding]]
    # (person, {holding key: successor or None}, actor, today) -> None, inside end_person's transaction;
    # raises Incomplete({holding key: [messages]}) for a successor it refuses.
    hand_over: Callable[[User, dict[str, User | None], User, datetime.date], None]
    order: int = 50


@dataclass
class Holdings:
    """What the person holds, by kind, in the order the page shows them."""

    groups: list[tuple[Kind, list[Holding]]] = field(default_factory=list)

    @property
    def all(self) -> list[Holding]:
        return [holding for _kind, holdings in self.groups for holding in holdings]

    @property
    def required(self) -> list[Holding]:
        return [holding for holding in self.all if holding.required]


_kinds: dict[str, Kind] = {}


def refused_at(key: str, refusal: Incomplete) -> Incomplete:
    """A write path's refusal (by its fields) as the refusal of one holding, shown at its choice."""
    return Incomplete({key: [message for messages in refusal.errors.values() for message in messages]})


def register(kind: Kind) -> None:
    if _kinds.get(kind.name, kind) != kind:
        raise ValueError(f"leaving kind {kind.name!r} is registered twice, differently")
    _kinds[kind.name] = kind


def holdings_of(person: User, today: datetime.date | None = None) -> Holdings:
    today = today or timezone.localdate()
    found = Holdings()
    for kind in sorted(_kinds.values(), key=lambda kind: (kind.order, kind.name)):
        held = kind.holdings(person, today)
        if held:
            found.groups.append((kind, held))
    return found


def end_person(person_id: int, *, actor: User, successors: dict[str, User | None]) -> User:
    """Hand everything person `person_id` holds to `successors` ({holding key: successor}) and
    deactivate them, in one transaction. Raises NotAllowed (the actor may not, or the person is
    the actor), Conflict (already ended, or they came to hold something the page did not show)
    or Incomplete ({holding key: [messages]}: a missing or refused successor)."""
    today = timezone.localdate()
    with transaction.atomic(), audit.action("person.ended", actor=actor) as event:
        person = User.objects.select_for_update().get(pk=person_id)
        event.about = person
        if not can_end_person(actor, person):
            raise NotAllowed(_("Only an administrator can end another person's account."))
        if not person.is_active:
            raise Conflict(_("%(name)s has already been ended.") % {"name": person.get_full_name()})
        held = holdings_of(person, today)
        unknown = [holding for holding in held.all if holding.choosable and holding.key not in successors]
        if unknown:
            raise Conflict(_("%(name)s came to hold more while you chose: look again.") % {"name": person})
        errors: dict[str, list[str]] = {}
        for holding in held.all:
            successor = successors.get(holding.key)
            if successor is None and holding.required:
                errors[holding.key] = [_("Choose who takes this over.")]
            elif successor is not None and (successor.pk == person.pk or not successor.is_active):
                errors[holding.key] = [_("Choose someone active other than the person who leaves.")]
        if errors:
            raise Incomplete(errors)
        for kind, holdings in held.groups:
            kind.hand_over(person, {holding.key: successors.get(holding.key) for holding in holdings}, actor, today)
        left = holdings_of(person, today).required
        if left:  # a kind that did not hand over what it listed: a programming error, not the user's
            raise RuntimeError(f"still held after the hand-over: {[holding.key for holding in left]}")
        person.is_active = False
        person._history_user = actor
        person.save(update_fields=["is_active"])
        event.reason = "; ".join(
            f"{holding.label} → {successors[holding.key].get_full_name()}"
            for holding in held.all
            if successors.get(holding.key) is not None
        )
    return person


# --- Accounts' own holdings -----------------------------------------------------------------------


def _units_led(person: User, today: datetime.date) -> list[Holding]:
    return [
        Holding(key=f"unit:{unit.pk}", label=_("Manager of %(unit)s") % {"unit": unit.name})
        for unit in Unit.objects.filter(chef=person).order_by("name", "pk")
    ]


def _hand_over_units(person: User, successors: dict[str, User | None], actor: User, today: datetime.date) -> None:
    for unit in Unit.objects.filter(chef=person).select_for_update().order_by("pk"):
        unit.chef = successors[f"unit:{unit.pk}"]
        unit._history_user = actor
        unit._change_reason = _("%(name)s left") % {"name": person.get_full_name()}
        unit.save(update_fields=["chef"])  # moves the documents waiting at its chef step (plans.routing)


def _deputyships(person: User, today: datetime.date) -> list[Holding]:
    arrangements = Deputy.objects.filter(deputy=person, person__is_active=True).exclude(ends_on__lt=today)
    return [
        Holding(
            key=f"deputy:{arrangement.pk}",
            label=_("Deputy for %(person)s as %(role)s (%(when)s)")
            % {
                "person": arrangement.person.get_full_name(),
                "role": arrangement.get_role_display().lower(),
                "when": arrangement.get_condition_display().lower(),
            },
            required=False,
            ends=_("Ends today."),
        )
        for arrangement in arrangements.select_related("person").order_by("starts_on", "pk")
    ]


def _hand_over_deputyships(person: User, successors: dict[str, User | None], actor: User, today: datetime.date) -> None:
    """The successor acts for the same person, in the same role and unit, from today (or the
    arrangement's start) to its end; the leaver's arrangement ends (people.end_deputy)."""
    for arrangement in Deputy.objects.filter(deputy=person).exclude(ends_on__lt=today).select_for_update():
        key = f"deputy:{arrangement.pk}"
        if key not in successors:
            continue
        successor = successors[key]
        if successor is not None:
            if successor.pk == arrangement.person_id:
                raise Incomplete({key: [_("A person cannot be their own deputy.")]})
            people.write_deputy(
                actor,
                person=arrangement.person,
                deputy=successor,
                role=arrangement.role,
                unit=arrangement.unit,
                condition=arrangement.condition,
                starts_on=max(arrangement.starts_on, today),
                ends_on=arrangement.ends_on,
                note=arrangement.note,
            )
        people.end_deputy(actor, arrangement, today)


register(
    Kind(
        name="units",
        title=gettext_lazy("Units led"),
        holdings=_units_led,
        hand_over=_hand_over_units,
        order=10,
    )
)
register(
    Kind(
        name="deputies",
        title=gettext_lazy("Deputy arrangements"),
        holdings=_deputyships,
        hand_over=_hand_over_deputyships,
        order=90,
    )
)
