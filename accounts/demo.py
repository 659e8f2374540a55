"""Demo organisation and people for `manage.py seed_demo`. Idempotent: keyed by name/username."""

from datetime import date, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from .enums import AbsenceKind, Course, DeputyCondition, Role, UnitKind
from .models import Absence, Deputy, TrainingRecord, Unit, User

DEMO_PASSWORD = "demo"

# username, full name, title, unit name, roles, legal training completed (days ago) or None
DEMO_PEOPLE = [
    ("medarbetare", "Maja Lindqvist", "Bibliotekskonsulent", "Länsbiblioteket", [Role.MEDARBETARE], 200),
    ("medarbetare2", "Oskar Åberg", "Producent", "Musik i Uppland", [Role.MEDARBETARE], None),
    ("chef", "Karin Sjöström", "Enhetschef", "Länsbiblioteket", [Role.CHEF], 400),
    ("chef2", "Erik Nyström", "Verksamhetschef", "Musik i Uppland", [Role.CHEF], 30),
    ("kommunikator", "Sara Öberg", "Kommunikationsansvarig", "Staben", [Role.KOMMUNIKATIONSANSVARIG], 100),
    ("direktor", "Anders Ekholm", "Kulturdirektör", "Staben", [Role.KULTURDIREKTOR], 700),
    ("admin", "Lena Holm", "Systemadministratör", "Staben", [Role.SYSTEMADMINISTRATOR], None),
    # The standing deputies: the kulturdirektör's own documents, the kommunikationsansvarig's own.
    ("stabschef", "Eva Lund", "Stabschef", "Staben", [Role.MEDARBETARE], 300),
    ("webbredaktor", "Nils Berg", "Webbredaktör", "Staben", [Role.MEDARBETARE], 150),
]

DEMO_UNITS = [
    # name, kind, parent name
    ("Kultur och bildning", UnitKind.FORVALTNING, None),
    ("Kulturutveckling", UnitKind.ENHET, "Kultur och bildning"),
    ("Länsbiblioteket", UnitKind.ENHET, "Kultur och bildning"),
    ("Musik i Uppland", UnitKind.ENHET, "Kultur och bildning"),
    ("Upplandsmuseet", UnitKind.ENHET, "Kultur och bildning"),
    ("Staben", UnitKind.STAB, "Kultur och bildning"),
    ("Arkeologi", UnitKind.AVDELNING, "Upplandsmuseet"),
]

# Whose chef is who: the kulturdirektör leads the förvaltning and Staben.
DEMO_CHEFS = {
    "Kultur och bildning": "direktor",
    "Staben": "direktor",
    "Länsbiblioteket": "chef",
    "Musik i Uppland": "chef2",
}


def upsert(model, lookup: dict, values: dict):
    """Get or create the row and bring `values` up to date, saving only when something differs.

    Unlike `update_or_create`, an unchanged row is not saved again, so a second run of the
    seed writes no history rows and leaves every count as it was.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if changed:
        for field in changed:
            setattr(obj, field, values[field])
        obj.save(update_fields=changed)
    return obj


def seed(context: dict) -> None:
    units = {}
    for name, kind, parent_name in DEMO_UNITS:
        units[name] = upsert(Unit, {"name": name, "parent": units.get(parent_name)}, {"kind": kind})

    today = timezone.localdate()
    people = {}
    for username, full_name, title, unit_name, roles, trained_days_ago in DEMO_PEOPLE:
        user = upsert(
            User,
            {"username": username},
            {
                "full_name": full_name,
                "title": title,
                "email": f"{username}@kob-social.invalid",
                "unit": units[unit_name],
                "is_staff": Role.SYSTEMADMINISTRATOR in roles,
                "is_superuser": Role.SYSTEMADMINISTRATOR in roles,
                "is_active": True,
            },
        )
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.set([Group.objects.get_or_create(name=role.value)[0] for role in roles])
        if trained_days_ago is not None:
            completed = today - timedelta(days=trained_days_ago)
            TrainingRecord.objects.get_or_create(
                user=user,
                course=Course.LEGAL_BASICS,
                completed_on=completed.replace(day=1),
                defaults={"valid_until": completed.replace(day=1) + timedelta(days=3 * 365)},
            )
        people[username] = user

    for unit_name, username in DEMO_CHEFS.items():
        upsert(Unit, {"pk": units[unit_name].pk}, {"chef": people[username]})

    # A summer vacation for the staff member, so the supervision roster has something to show.
    summer = date(today.year + (1 if today.month > 7 else 0), 7, 6)
    Absence.objects.get_or_create(
        user=people["medarbetare"],
        kind=AbsenceKind.SEMESTER,
        starts_on=summer,
        defaults={"ends_on": summer + timedelta(days=20), "note": "Sommarsemester"},
    )

    # A deputy arrangement for the kulturdirektör and the kommunikationsansvarig (their own
    # documents), and the library chef's summer vacation with the music chef deciding meanwhile.
    standing_since = date(today.year, 1, 1)
    for holder, deputy, role, note in (
        ("direktor", "stabschef", Role.KULTURDIREKTOR, "Ställföreträdande kulturdirektör"),
        ("kommunikator", "webbredaktor", Role.KOMMUNIKATIONSANSVARIG, "Ersättare för egna handlingar"),
    ):
        upsert(
            Deputy,
            {"person": people[holder], "deputy": people[deputy], "role": role},
            {"condition": DeputyCondition.DISQUALIFIED, "starts_on": standing_since, "note": note},
        )
    chef_summer = summer + timedelta(days=21)
    Absence.objects.get_or_create(
        user=people["chef"],
        kind=AbsenceKind.SEMESTER,
        starts_on=chef_summer,
        defaults={"ends_on": chef_summer + timedelta(days=20), "note": "Sommarsemester"},
    )
    upsert(
        Deputy,
        {"person": people["chef"], "deputy": people["chef2"], "role": Role.CHEF, "unit": units["Länsbiblioteket"]},
        {
            "condition": DeputyCondition.ABSENT,
            "starts_on": chef_summer,
            "ends_on": chef_summer + timedelta(days=20),
            "note": "Sommarsemester",
        },
    )

    context["units"] = units
    context["people"] = people
