"""The people rules asked in SQL agree with the rules asked one person at a time: the lists
and forms of the people pages use the first, the domain functions the second."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import rules
from accounts.enums import Course, Role, UnitKind
from accounts.models import User
from accounts.queries import chef_of, state_from_records, training_state, unit_chef_pk, with_training
from accounts.tests.factories import TrainingRecordFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def wider_org(org):
    """`org` with the cases the chef walk has to get right: a department without a chef of its
    own (its unit's chef decides), a unit whose chef has left (the förvaltning's chef decides),
    Staben's department (the kulturdirektör), and a person outside every unit."""
    branch = UnitFactory(name="Filial", kind=UnitKind.AVDELNING, parent=org.library)
    abandoned = UnitFactory(name="Övergiven", parent=org.forvaltning)
    abandoned.chef = make_user(Role.CHEF, unit=abandoned, username="slutat", full_name="Slutat Chef")
    abandoned.save()
    User.objects.filter(pk=abandoned.chef_id).update(is_active=False)
    staff_office = UnitFactory(name="Kansliet", kind=UnitKind.AVDELNING, parent=org.staben)
    make_user(Role.MEDARBETARE, unit=branch, username="filial", full_name="Fia Filial")
    make_user(Role.MEDARBETARE, unit=abandoned, username="overgiven", full_name="Övis Övergiven")
    make_user(Role.MEDARBETARE, unit=staff_office, username="kansli", full_name="Kim Kansli")
    make_user(Role.MEDARBETARE, unit=None, username="utanfor", full_name="Ulla Utanför")
    return org


def test_unit_chef_pk_agrees_with_chef_of(wider_org):
    people = User.objects.filter(unit__isnull=False).annotate(resolved=unit_chef_pk()).select_related("unit")

    resolved = {person.username: person.resolved for person in people}

    assert resolved == {person.username: getattr(chef_of(person.unit), "pk", None) for person in people}
    assert resolved["filial"] == wider_org.chef.pk
    assert resolved["overgiven"] == resolved["kansli"] == wider_org.direktor.pk


@pytest.mark.parametrize("viewer", ["medarbetare", "chef", "chef2", "kommunikator", "direktor", "admin"])
def test_registrable_agrees_with_the_rule(wider_org, viewer):
    user = User.objects.get(username=viewer)
    everyone = list(User.objects.filter(is_active=True).select_related("unit"))

    training = set(rules.training_registrable(user).values_list("username", flat=True))
    absence = set(rules.absence_registrable(user).values_list("username", flat=True))
    verdicts = {
        p.username: p.may_register for p in rules.with_training_verdict(user, User.objects.filter(is_active=True))
    }

    assert training == {p.username for p in everyone if rules.can_register_training_for(user, p)}
    assert absence == {p.username for p in everyone if rules.can_register_absence_for(user, p)}
    assert {name for name, may in verdicts.items() if may} == training


def test_with_training_agrees_with_state_from_records(org):
    today = timezone.localdate()
    cases = {
        "none": [],
        "valid": [(today - timedelta(days=30), today + timedelta(days=900))],
        "soon": [(today - timedelta(days=1000), today + timedelta(days=10))],
        "last day": [(today - timedelta(days=1000), today)],
        "expired": [(today - timedelta(days=1200), today - timedelta(days=1))],
        "open-ended": [(today - timedelta(days=5), None)],
        "expired and open-ended": [(today - timedelta(days=1200), today - timedelta(days=1)), (today, None)],
        "renewed": [(today - timedelta(days=1000), today + timedelta(days=10)), (today, today + timedelta(days=900))],
        "not yet completed": [(today + timedelta(days=1), today + timedelta(days=1000))],
        "open-ended not yet": [(today + timedelta(days=1), None)],
    }
    people = {}
    for i, (case, records) in enumerate(cases.items()):
        people[case] = make_user(Role.MEDARBETARE, unit=org.library, username=f"fall{i}", full_name=case)
        for completed, until in records:
            TrainingRecordFactory(
                user=people[case], course=Course.LEGAL_BASICS, completed_on=completed, valid_until=until
            )

    in_sql = {
        p.full_name: training_state(p) for p in with_training(User.objects.filter(username__startswith="fall"), today)
    }
    in_memory = {
        case: state_from_records(person, list(person.training_records.all()), today) for case, person in people.items()
    }

    assert {case: state.status for case, state in in_sql.items()} == {
        "none": "missing",
        "valid": "valid",
        "soon": "soon",
        "last day": "soon",
        "expired": "expired",
        "open-ended": "valid",
        "expired and open-ended": "valid",
        "renewed": "valid",
        "not yet completed": "missing",
        "open-ended not yet": "missing",
    }
    assert {case: (s.valid_until, s.has_valid, s.expires_soon) for case, s in in_sql.items()} == {
        case: (s.valid_until, s.has_valid, s.expires_soon) for case, s in in_memory.items()
    }
