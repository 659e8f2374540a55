"""Boring factories for people and the organisation, shared by every app's tests."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.enums import AbsenceKind, Course, Role, UnitKind
from accounts.models import Absence, TrainingRecord, Unit, User

PASSWORD = "correct horse battery staple"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("parent", "name")

    name = factory.Sequence(lambda n: f"Enhet {n}")
    kind = UnitKind.ENHET
    parent = factory.LazyFunction(
        lambda: Unit.objects.get_or_create(name="Kultur och bildning", kind=UnitKind.FORVALTNING, parent=None)[0]
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Person Nummer {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.se")
    title = "Handläggare"
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])
            if extracted:
                # get_or_create: a transactional test flushes the groups that migration 0002 made.
                self.groups.set([Group.objects.get_or_create(name=role.value)[0] for role in extracted])
                self.__dict__.pop("role_names", None)


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    user = factory.SubFactory(UserFactory)
    course = Course.LEGAL_BASICS
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_until = factory.LazyAttribute(lambda o: o.completed_on + timedelta(days=3 * 365))


class AbsenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Absence

    user = factory.SubFactory(UserFactory)
    kind = AbsenceKind.SEMESTER
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + timedelta(days=6))


def make_user(*roles: Role, unit: Unit | None = None, **kwargs) -> User:
    if unit is not None:
        kwargs["unit"] = unit
    return UserFactory(roles=list(roles), **kwargs)
