"""Vocabularies of the accounts app: roles, kinds of organisational unit, courses, absences."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The five roles. Each is a Django group whose name is the value (stable, in Swedish)."""

    MEDARBETARE = "Medarbetare", _("Staff member")
    CHEF = "Chef", _("Manager")
    KOMMUNIKATIONSANSVARIG = "Kommunikationsansvarig", _("Communications officer")
    KULTURDIREKTOR = "Kulturdirektör", _("Director of culture")
    SYSTEMADMINISTRATOR = "Systemadministratör", _("System administrator")


class UnitKind(models.TextChoices):
    """Levels of the organisation: förvaltning → enhet or stab → avdelning."""

    FORVALTNING = "forvaltning", _("Administration")
    ENHET = "enhet", _("Unit")
    STAB = "stab", _("Staff office")
    AVDELNING = "avdelning", _("Department")


# Which kind of unit may sit directly under which; the förvaltning is the root.
UNIT_PARENT_KINDS: dict[str, frozenset[str]] = {
    UnitKind.FORVALTNING: frozenset(),
    UnitKind.ENHET: frozenset({UnitKind.FORVALTNING}),
    UnitKind.STAB: frozenset({UnitKind.FORVALTNING}),
    UnitKind.AVDELNING: frozenset({UnitKind.ENHET, UnitKind.STAB}),
}


class Course(models.TextChoices):
    """Courses that give a role the right to run a channel. The strategy requires LEGAL_BASICS."""

    LEGAL_BASICS = "legal_basics", _("Social media basics with a focus on legal issues")


class AbsenceKind(models.TextChoices):
    SEMESTER = "semester", _("Vacation")
    TJANSTLEDIGHET = "tjanstledighet", _("Leave of absence")
    OTHER = "annat", _("Other absence")


# The roles of the decision chain, the ones a deputy (ersättare) can act in.
DECIDING_ROLES = (Role.CHEF, Role.KOMMUNIKATIONSANSVARIG, Role.KULTURDIREKTOR)


class DeputyCondition(models.TextChoices):
    """When a deputy acts for the person (within the arrangement's period)."""

    ALWAYS = "alltid", _("Throughout the period")
    ABSENT = "franvaro", _("When the person is registered as absent")
    DISQUALIFIED = "jav", _("When the person may not decide (their own document, or a step they already decided)")
