"""Everything stored about one person (the administrator's export), and the removal of a departed
person's roster and absence data once the retention period has passed.

The audit log imports no app but `accounts`, so the apps above contribute through this registry,
each from its own `personal_data.register()` (called in its AppConfig.ready):
- `register_provider(name, fn)`: `fn(person) -> dict | list`, what that app stores about the
  person, as JSON-able values (dates and decimals go through DjangoJSONEncoder);
- `register_purger(name, fn)`: `fn(person, before) -> int` deletes that app's personal records of
  the person that ended before `before`, with their field history, and says how many.

Decisions and the audit log are public records (allmänna handlingar): never purged. Trainings
and deputy arrangements stay too (an arrangement is what gave a deputy's decision its authority):
the retention rule covers the roster and absences only."""

import datetime
from collections import Counter
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Absence, CalendarFeed, Deputy, User

from . import domain
from .models import Event

Provider = Callable[[User], dict | list]
Purger = Callable[[User, datetime.date], int]

_providers: dict[str, Provider] = {}
_purgers: dict[str, Purger] = {}

# The export's own sections; a provider may not take one of these names.
OWN_SECTIONS = ("exported_at", "person", "trainings", "absences", "deputies", "calendar_address", "audit_events")
ABSENCES = "absences"
# What the purged records are called in the event's reason.
_said: dict[str, str] = {ABSENCES: "frånvaroperioder"}
EVENT_FIELDS = (
    "id",
    "at",
    "action",
    "label",
    "kind",
    "actor_id",
    "address",
    "object_type",
    "object_id",
    "object_label",
    "plan_id",
    "channel_id",
    "person_id",
    "reason",
    "group",
)


def register_provider(name: str, fn: Provider) -> None:
    if name in OWN_SECTIONS or _providers.get(name, fn) is not fn:
        raise ValueError(f"personal-data provider {name!r} is registered twice or takes a reserved name")
    _providers[name] = fn


def register_purger(name: str, fn: Purger, said: str) -> None:
    """`said`: what the purged records are called in the event's reason, in Swedish (the
    reason is stored as written, like the rest of the log)."""
    if name == ABSENCES or _purgers.get(name, fn) is not fn:
        raise ValueError(f"personal-data purger {name!r} is registered twice or takes a reserved name")
    _purgers[name] = fn
    _said[name] = said


# --- The export ----------------------------------------------------------------------------------


def export(person: User) -> dict:
    """Everything stored about `person`: the account (all but the password hash), roles and
    unit, trainings and absences, what each app registered, and every audit event the person
    did or is the subject of. Unbounded on purpose: it is one person's data, all of it."""
    data = {
        "exported_at": timezone.now(),
        "person": _person(person),
        "trainings": list(
            person.training_records.order_by("completed_on", "pk").values(
                "id", "course", "completed_on", "valid_until", "registered_by_id", "created_at"
            )
        ),
        "absences": list(
            person.absences.order_by("starts_on", "pk").values(
                "id", "kind", "starts_on", "ends_on", "note", "registered_by_id", "created_at"
            )
        ),
        # The deputy arrangements (ersättare) where the person acts for someone or someone for them.
        "deputies": list(
            Deputy.objects.filter(Q(person=person) | Q(deputy=person))
            .order_by("starts_on", "pk")
            .values(
                "id",
                "person_id",
                "deputy_id",
                "role",
                "unit_id",
                "condition",
                "starts_on",
                "ends_on",
                "note",
                "registered_by_id",
                "created_at",
            )
        ),
        # When the secret calendar address was made (only its hash is kept, never exported).
        "calendar_address": list(CalendarFeed.objects.filter(user=person).values("created_at")),
    }
    for name, provider in sorted(_providers.items()):
        data[name] = provider(person)
    events = Event.objects.filter(Q(actor=person) | Q(person_id=person.pk)).order_by("id").values(*EVENT_FIELDS)
    data["audit_events"] = list(events.iterator(chunk_size=2000))
    return data


def _person(person: User) -> dict:
    account = {
        field.attname: field.value_from_object(person)
        for field in person._meta.concrete_fields
        if field.name != "password"
    }
    account["unit"] = str(person.unit) if person.unit_id else None
    account["roles"] = sorted(person.groups.values_list("name", flat=True))
    account["permissions"] = sorted(
        f"{app}.{codename}"
        for app, codename in person.user_permissions.values_list("content_type__app_label", "codename")
    )
    return account


# --- The purge after leaving ---------------------------------------------------------------------


class _NothingPurged(Exception):
    """Leaves the audited scope without its event: nothing was deleted, so nothing happened."""


def retention_cutoff(today: datetime.date) -> datetime.date:
    """Records that ended before this day are past the retention period."""
    return today - datetime.timedelta(days=settings.PERSONAL_DATA_RETENTION_DAYS)


def purge_departed(today: datetime.date) -> dict[str, int]:
    """The nightly purge: for every person who has left (is_active=False), delete the absences
    and the records the apps registered (roster weeks …) that ended more than
    PERSONAL_DATA_RETENTION_DAYS before `today`, with their field history.

    The account has no leaving date, so the records' own dates count: an absence that ended,
    a roster week that was over, before the cut-off. Each person is purged in one transaction
    that writes one `personal_data.purged` event with the counts, and only when something was
    deleted: a second run finds nothing and writes nothing."""
    before = retention_cutoff(today)
    totals: Counter[str] = Counter()
    for person in list(User.objects.filter(is_active=False).order_by("pk")):
        counts = purge_person(person, before)
        if counts:
            totals["people"] += 1
            totals.update(counts)
    return dict(sorted(totals.items()))


def purge_person(person: User, before: datetime.date) -> dict[str, int]:
    """Purge one departed person's records that ended before `before`; return what was deleted
    per kind (empty when nothing was)."""
    try:
        with transaction.atomic(), domain.action("personal_data.purged", about=person, actor=None) as scope:
            counts = {ABSENCES: _purge_absences(person, before)}
            for name, purger in sorted(_purgers.items()):
                counts[name] = purger(person, before)
            counts = {name: count for name, count in counts.items() if count}
            if not counts:
                raise _NothingPurged
            scope.reason = ", ".join(f"{_said[name]}: {count}" for name, count in counts.items())
            # The event links the history rows written inside it that still exist: the rows
            # simple-history wrote for the deletions were purged with the rest.
            scope.history[:] = _existing(scope.history)
    except _NothingPurged:
        return {}
    return counts


def _existing(references: list) -> list:
    """The history references (`[label, pk]`) whose rows exist."""
    wanted: dict[str, set] = {}
    for label, pk in references:
        wanted.setdefault(label, set()).add(pk)
    found = {
        (label, pk)
        for label, pks in wanted.items()
        for pk in apps.get_model(label)._default_manager.filter(pk__in=pks).values_list("pk", flat=True)
    }
    return [[label, pk] for label, pk in references if (label, pk) in found]


def _purge_absences(person: User, before: datetime.date) -> int:
    ids = list(Absence.objects.filter(user=person, ends_on__lt=before).values_list("pk", flat=True))
    if not ids:
        return 0
    Absence.objects.filter(pk__in=ids).delete()
    # After the rows: deleting them wrote one more history row each ("-"), purged here too.
    Absence.history.filter(id__in=ids).delete()
    return len(ids)
