import datetime
from types import SimpleNamespace

import pytest

from accounts.enums import DeputyCondition, Role, UnitKind
from accounts.models import Deputy, Unit
from accounts.tests.factories import UnitFactory, make_user


@pytest.fixture
def org(db):
    """The demo organisation in small: two units with staff and chefs, Staben, and one person
    per overseeing role. Attributes are the demo usernames plus the units."""
    forvaltning = Unit.objects.create(name="Kultur och bildning", kind=UnitKind.FORVALTNING)
    library = UnitFactory(name="Länsbiblioteket", parent=forvaltning)
    music = UnitFactory(name="Musik i Uppland", parent=forvaltning)
    staben = UnitFactory(name="Staben", kind=UnitKind.STAB, parent=forvaltning)
    people = {
        "medarbetare": make_user(Role.MEDARBETARE, unit=library, username="medarbetare", full_name="Maja Lindqvist"),
        "medarbetare2": make_user(Role.MEDARBETARE, unit=music, username="medarbetare2", full_name="Oskar Åberg"),
        "chef": make_user(Role.CHEF, unit=library, username="chef", full_name="Karin Sjöström"),
        "chef2": make_user(Role.CHEF, unit=music, username="chef2", full_name="Erik Nyström"),
        "kommunikator": make_user(
            Role.KOMMUNIKATIONSANSVARIG, unit=staben, username="kommunikator", full_name="Sara Öberg"
        ),
        "direktor": make_user(Role.KULTURDIREKTOR, unit=staben, username="direktor", full_name="Anders Ekholm"),
        "admin": make_user(
            Role.SYSTEMADMINISTRATOR,
            unit=staben,
            username="admin",
            full_name="Lena Holm",
            is_staff=True,
            is_superuser=True,
        ),
    }
    library.chef = people["chef"]
    library.save()
    music.chef = people["chef2"]
    music.save()
    staben.chef = people["direktor"]
    staben.save()
    forvaltning.chef = people["direktor"]
    forvaltning.save()
    return SimpleNamespace(forvaltning=forvaltning, library=library, music=music, staben=staben, **people)


@pytest.fixture
def deputies(org):
    """The standing deputies of `org`: the stabschef decides the kulturdirektör's own documents,
    the webbredaktör the kommunikationsansvarig's own (each where the holder may not decide)."""
    stabschef = make_user(
        Role.MEDARBETARE, unit=org.staben, username="stabschef", full_name="Eva Lund", title="Stabschef"
    )
    webbredaktor = make_user(Role.MEDARBETARE, unit=org.staben, username="webbredaktor", full_name="Nils Berg")
    standing = {
        "direktor": Deputy.objects.create(
            person=org.direktor,
            deputy=stabschef,
            role=Role.KULTURDIREKTOR,
            condition=DeputyCondition.DISQUALIFIED,
            starts_on=datetime.date(2020, 1, 1),
        ),
        "kommunikator": Deputy.objects.create(
            person=org.kommunikator,
            deputy=webbredaktor,
            role=Role.KOMMUNIKATIONSANSVARIG,
            condition=DeputyCondition.DISQUALIFIED,
            starts_on=datetime.date(2020, 1, 1),
        ),
    }
    return SimpleNamespace(stabschef=stabschef, webbredaktor=webbredaktor, standing=standing)
