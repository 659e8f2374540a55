from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from accounts.enums import Role, UnitKind
from accounts.models import Unit, User
from accounts.queries import (
    chef_of,
    chefs_by_unit,
    has_valid_training,
    is_chef_of,
    kulturdirektor,
    users_with_valid_training,
)

from .factories import AbsenceFactory, TrainingRecordFactory, UnitFactory, make_user

pytestmark = pytest.mark.django_db


def test_user_model_is_the_custom_one():
    assert get_user_model() is User
    assert {f.name for f in User._meta.get_fields()} >= {"email", "full_name", "title", "unit"}
    assert not hasattr(User(), "first_name") or User.first_name is None


def test_user_email_is_unique_regardless_of_case():
    make_user(email="Anna@Example.se")

    with pytest.raises(IntegrityError):
        make_user(email="anna@example.se")


def test_role_groups_exist_after_migration():
    from django.contrib.auth.models import Group

    assert sorted(Group.objects.values_list("name", flat=True)) == sorted(role.value for role in Role)


def test_unit_tree_ancestors_from_nearest_upwards():
    museum = UnitFactory(name="Upplandsmuseet")
    department = Unit.objects.create(name="Arkeologi", kind=UnitKind.AVDELNING, parent=museum)

    ancestors = department.ancestors()

    assert [unit.name for unit in ancestors] == ["Upplandsmuseet", "Kultur och bildning"]


@pytest.mark.parametrize(
    ("kind", "parent_kind", "valid"),
    [
        (UnitKind.ENHET, UnitKind.FORVALTNING, True),
        (UnitKind.STAB, UnitKind.FORVALTNING, True),
        (UnitKind.AVDELNING, UnitKind.ENHET, True),
        (UnitKind.AVDELNING, UnitKind.STAB, True),
        (UnitKind.ENHET, UnitKind.ENHET, False),
        (UnitKind.AVDELNING, UnitKind.FORVALTNING, False),
        (UnitKind.FORVALTNING, UnitKind.ENHET, False),
    ],
)
def test_unit_clean_enforces_the_tree_levels(kind, parent_kind, valid):
    parent = Unit.objects.create(name="Förälder", kind=parent_kind)
    unit = Unit(name="Barn", kind=kind, parent=parent)

    if valid:
        unit.clean()
    else:
        with pytest.raises(ValidationError):
            unit.clean()


def test_unit_clean_requires_a_parent_below_the_root():
    with pytest.raises(ValidationError):
        Unit(name="Lös enhet", kind=UnitKind.ENHET).clean()


def test_has_role_reads_the_groups():
    chef = make_user(Role.CHEF)
    staff = make_user(Role.MEDARBETARE)

    assert (chef.is_chef, staff.is_chef, staff.has_role(Role.MEDARBETARE)) == (True, False, True)


def test_inactive_user_holds_no_role():
    director = make_user(Role.KULTURDIREKTOR, is_active=False)

    assert director.is_kulturdirektor is False


def test_chef_of_is_the_units_own_chef():
    chef = make_user(Role.CHEF)
    unit = UnitFactory(name="Länsbiblioteket", chef=chef)

    assert chef_of(unit) == chef
    assert is_chef_of(chef, unit) is True


def test_chef_of_department_without_chef_is_the_chef_above():
    chef = make_user(Role.CHEF)
    museum = UnitFactory(name="Upplandsmuseet", chef=chef)
    department = Unit.objects.create(name="Arkeologi", kind=UnitKind.AVDELNING, parent=museum)

    assert chef_of(department) == chef


def test_kulturdirektor_is_chef_of_staben_without_a_registered_chef():
    director = make_user(Role.KULTURDIREKTOR)
    staben = UnitFactory(name="Staben", kind=UnitKind.STAB)
    other = make_user(Role.CHEF)
    staben.parent.chef = other
    staben.parent.save()

    assert kulturdirektor() == director
    assert chef_of(staben) == director
    assert is_chef_of(director, staben) is True
    assert is_chef_of(other, staben) is False


def test_chefs_by_unit_agrees_with_chef_of_for_every_unit(django_assert_max_num_queries):
    director = make_user(Role.KULTURDIREKTOR)
    chef = make_user(Role.CHEF)
    museum = UnitFactory(name="Upplandsmuseet", chef=chef)
    department = Unit.objects.create(name="Arkeologi", kind=UnitKind.AVDELNING, parent=museum)
    staben = UnitFactory(name="Staben", kind=UnitKind.STAB)
    Unit.objects.create(name="Kommunikation", kind=UnitKind.AVDELNING, parent=staben)
    UnitFactory(name="Länsbiblioteket")

    with django_assert_max_num_queries(3):
        chefs = chefs_by_unit()

    assert chefs == {unit.pk: chef_of(unit) for unit in Unit.objects.all()}
    assert chefs[department.pk] == chef
    assert chefs[staben.pk] == director


def test_chef_of_another_unit_is_not_chef_here():
    chef = make_user(Role.CHEF)
    UnitFactory(name="Musik i Uppland", chef=chef)
    library = UnitFactory(name="Länsbiblioteket")

    assert is_chef_of(chef, library) is False


def test_training_validity_window():
    person = make_user(Role.MEDARBETARE)
    TrainingRecordFactory(user=person, completed_on=date(2026, 1, 10), valid_until=date(2027, 1, 9))

    assert [has_valid_training(person, day) for day in (date(2026, 1, 9), date(2026, 6, 1), date(2027, 1, 10))] == [
        False,
        True,
        False,
    ]
    assert list(users_with_valid_training(date(2026, 6, 1))) == [person]


def test_absence_covers_both_end_days():
    absence = AbsenceFactory(starts_on=date(2026, 7, 6), ends_on=date(2026, 7, 26))

    assert [absence.covers(date(2026, 7, d)) for d in (5, 6, 26, 27)] == [False, True, True, False]


def test_absence_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError):
        AbsenceFactory(starts_on=date(2026, 7, 6), ends_on=date(2026, 7, 5))
