"""Writes about people who run channels: completed trainings, absence periods and deputies.

Every write checks its rule in accounts.rules first and records who did it, both on the row
(`registered_by`) and in the row's history (django-simple-history). The person's row is
locked for the length of the write, so two quick clicks cannot register the same training
or two overlapping absences.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kob_social.errors import Incomplete, NotAllowed

from .. import rules
from ..enums import AbsenceKind, Course, DeputyCondition, Role
from ..models import Absence, Deputy, TrainingRecord, Unit, User

PERIOD_BACKWARDS = gettext_lazy("The last day cannot be before the first day.")

# The legal basics course is valid for three years unless the registrar says otherwise.
TRAINING_VALIDITY = relativedelta(years=3)


def default_valid_until(completed_on: datetime.date) -> datetime.date:
    return completed_on + TRAINING_VALIDITY


def _lock(person: User) -> None:
    """Serialise writes about one person (SQLite takes the write lock anyway)."""
    list(User.objects.select_for_update().filter(pk=person.pk).values_list("pk", flat=True))


def register_training(
    actor: User,
    person: User,
    course: str,
    completed_on: datetime.date,
    valid_until: datetime.date | None = None,
) -> TrainingRecord:
    """Record that `person` completed `course` on `completed_on`.

    Chefs register for the people of the units they lead and the kommunikationsansvarig for
    anyone (rules.can_register_training_for). `valid_until` left empty means three years
    after completion: the app never registers a training that does not expire. A completion
    date in the future, an end before the completion, and the same course registered twice
    on the same day are refused.
    """
    if not rules.can_register_training_for(actor, person):
        raise NotAllowed(_("Only the person's manager or the communications officer can register a training."))
    errors: dict[str, list[str]] = {}
    if course not in Course.values:
        errors["course"] = [_("Choose a course from the list.")]
    if completed_on > timezone.localdate():
        errors.setdefault("completed_on", []).append(_("The completion date cannot be in the future."))
    if valid_until is None:
        valid_until = default_valid_until(completed_on)
    elif valid_until < completed_on:
        errors["valid_until"] = [_("The training cannot expire before it was completed.")]
    if errors:
        raise Incomplete(errors)
    with transaction.atomic():
        _lock(person)
        if TrainingRecord.objects.filter(user=person, course=course, completed_on=completed_on).exists():
            raise Incomplete(
                {
                    "completed_on": [
                        _("%(name)s already has this course registered as completed on %(date)s.")
                        % {"name": person.get_full_name(), "date": formats.date_format(completed_on)}
                    ]
                }
            )
        record = TrainingRecord(
            user=person, course=course, completed_on=completed_on, valid_until=valid_until, registered_by=actor
        )
        record._history_user = actor
        record.save()
    return record


def period_errors(starts_on: datetime.date, ends_on: datetime.date | None, ended: str) -> dict[str, list[str]]:
    """A period of days, both included, that must not end before it starts, nor have ended
    already (`ended` says so for the kind of period); no `ends_on`: until further notice."""
    if ends_on is None:
        return {}
    if ends_on < starts_on:
        return {"ends_on": [PERIOD_BACKWARDS]}
    if ends_on < timezone.localdate():
        return {"ends_on": [ended]}
    return {}


def register_absence(
    actor: User,
    person: User,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    note: str = "",
    deputy: User | None = None,
) -> Absence:
    """Record that `person` is away from `starts_on` to `ends_on`, both days included.

    With a `deputy`, a chef names who decides in their place while they are away: one
    arrangement (accounts.models.Deputy) per unit they lead, in the chef role, in force on the
    days they are registered absent within the period, written in the same transaction.

    Everyone registers their own absences; a chef also those of the people of the units they
    lead (rules.can_register_absence_for). The supervision roster counts these when it looks
    for gaps, so only current and coming periods are taken (one that has already ended
    changes nothing ahead), and a period may not overlap another of the same person.
    """
    if not rules.can_register_absence_for(actor, person):
        raise NotAllowed(_("You can register absences for yourself and for the people of the units you lead."))
    errors: dict[str, list[str]] = {}
    if kind not in AbsenceKind.values:
        errors["kind"] = [_("Choose a kind of absence from the list.")]
    errors.update(
        period_errors(
            starts_on, ends_on, _("This period has already ended. Register current and coming absences only.")
        )
    )
    led_units = list(Unit.objects.filter(chef=person).order_by("pk")) if deputy is not None else []
    if deputy is not None:
        if not led_units:
            errors["deputy"] = [
                _("%(name)s leads no unit: a deputy decides only in a manager's place.")
                % {"name": person.get_full_name()}
            ]
        elif deputy.pk == person.pk or not deputy.is_active:
            errors["deputy"] = [_("Choose someone else, who is active, as deputy.")]
    if errors:
        raise Incomplete(errors)
    with transaction.atomic():
        _lock(person)
        overlapping = (
            Absence.objects.filter(user=person, starts_on__lte=ends_on, ends_on__gte=starts_on)
            .order_by("starts_on")
            .first()
        )
        if overlapping is not None:
            raise Incomplete(
                {
                    "starts_on": [
                        _("%(name)s is already registered as away from %(start)s to %(end)s.")
                        % {
                            "name": person.get_full_name(),
                            "start": formats.date_format(overlapping.starts_on),
                            "end": formats.date_format(overlapping.ends_on),
                        }
                    ]
                }
            )
        absence = Absence(
            user=person, kind=kind, starts_on=starts_on, ends_on=ends_on, note=note.strip(), registered_by=actor
        )
        absence._history_user = actor
        absence.save()
        for unit in led_units:
            write_deputy(
                actor,
                person=person,
                deputy=deputy,
                role=Role.CHEF,
                unit=unit,
                condition=DeputyCondition.ABSENT,
                starts_on=starts_on,
                ends_on=ends_on,
                note=note,
            )
    return absence


def register_deputy(
    actor: User,
    *,
    unit: Unit,
    deputy: User,
    condition: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    note: str = "",
) -> Deputy:
    """A chef names who decides in their place as the chef of `unit` (one they lead): throughout
    the period, on the days they are registered absent, or where they may not decide
    (DeputyCondition). `ends_on` empty: until further notice. The deputies of the other roles
    (a standing deputy kulturdirektör or kommunikationsansvarig) are the administrator's, in the
    admin."""
    if not rules.can_name_deputy_for(actor, unit):
        raise NotAllowed(_("You can name deputies only for the units you lead."))
    errors: dict[str, list[str]] = {}
    if condition not in DeputyCondition.values:
        errors["condition"] = [_("Choose when the deputy acts from the list.")]
    if deputy.pk == actor.pk or not deputy.is_active:
        errors["deputy"] = [_("Choose someone else, who is active, as deputy.")]
    errors.update(
        period_errors(starts_on, ends_on, _("This period has already ended. Name current and coming deputies only."))
    )
    if errors:
        raise Incomplete(errors)
    with transaction.atomic():
        _lock(actor)
        return write_deputy(
            actor,
            person=actor,
            deputy=deputy,
            role=Role.CHEF,
            unit=unit,
            condition=condition,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
        )


def write_deputy(actor: User | None, **fields) -> Deputy:
    """The one write of a new deputy arrangement, after its caller's checks (the absences page,
    the deputies page, the hand-over when a deputy leaves): the database refuses a person as their
    own deputy, an end before the start and a unit where the role has none."""
    arrangement = Deputy(registered_by=actor, **{**fields, "note": (fields.get("note") or "").strip()})
    arrangement._history_user = actor
    arrangement.save()
    return arrangement


def end_deputy(actor: User, arrangement: Deputy, today: datetime.date | None = None) -> None:
    """End an arrangement: from `today` the deputy no longer acts. One that has not started yet
    goes; one that has ends yesterday (its history keeps the days it was in force). Ending one
    that has already ended changes nothing."""
    today = today or timezone.localdate()
    if arrangement.ends_on is not None and arrangement.ends_on < today:
        return
    arrangement._history_user = actor
    if arrangement.starts_on >= today:
        arrangement.delete()
    else:
        arrangement.ends_on = today - datetime.timedelta(days=1)
        arrangement.save(update_fields=["ends_on"])


def deputies_during(absences: list[Absence]) -> dict[int, list[User]]:
    """The deputies named with each absence (register_absence): {absence id: [deputies]}, in one
    query for a page of absences."""
    if not absences:
        return {}
    by_period: dict[tuple, list[User]] = {}
    arrangements = Deputy.objects.filter(
        person_id__in={absence.user_id for absence in absences},
        condition=DeputyCondition.ABSENT,
        starts_on__in={absence.starts_on for absence in absences},
    ).select_related("deputy")
    for arrangement in arrangements.order_by("pk"):
        named = by_period.setdefault((arrangement.person_id, arrangement.starts_on, arrangement.ends_on), [])
        if arrangement.deputy not in named:
            named.append(arrangement.deputy)
    return {
        absence.pk: by_period[key]
        for absence in absences
        if (key := (absence.user_id, absence.starts_on, absence.ends_on)) in by_period
    }


def delete_absence(actor: User, absence_id: int) -> None:
    """Remove a coming absence (one that has not started yet).

    An absence that has started stays: the roster relied on it. Deleting one that is already
    gone does nothing, so a second click is harmless. The history keeps the deleted row.
    """
    with transaction.atomic():
        absence = (
            Absence.objects.select_for_update(of=("self",)).select_related("user__unit").filter(pk=absence_id).first()
        )
        if absence is None:
            return
        if not rules.can_register_absence_for(actor, absence.user):
            raise NotAllowed(_("You can remove your own absences and those of the people of the units you lead."))
        if absence.starts_on <= timezone.localdate():
            raise NotAllowed(_("An absence that has already started cannot be removed."))
        # The deputies named with it go with it.
        for arrangement in Deputy.objects.filter(
            person=absence.user,
            condition=DeputyCondition.ABSENT,
            starts_on=absence.starts_on,
            ends_on=absence.ends_on,
        ):
            arrangement._history_user = actor
            arrangement.delete()
        absence._history_user = actor
        absence.delete()
