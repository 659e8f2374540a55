"""Factories for plans: `complete_plan` gives a draft that can be submitted as it is."""

from datetime import date
from decimal import Decimal

import factory

from accounts.tests.factories import UserFactory
from channel_register.enums import FrequencyPeriod, Platform
from plans.domain.drafts import create_draft
from plans.domain.transitions import transition
from plans.enums import AccessibilityPractice, Action, Metric, StatisticsUse
from plans.models import Goal, Plan


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    description = "Fler följare bland unga vuxna i länet"
    metric = Metric.FOLLOWERS
    baseline = Decimal("1200")
    target = Decimal("2000")
    deadline = date(2027, 12, 31)


def plan_content(unit, responsible, **overrides) -> dict:
    """Every field of the template filled in, with Swedish letters in the text."""
    content = {
        "unit": unit,
        "platform": Platform.FACEBOOK,
        "channel_name": "Länsbiblioteket Uppsala – läsfrämjande",
        "channel_url": "https://www.facebook.com/lansbiblioteketuppsala",
        "purpose": "Nå unga vuxna som inte besöker biblioteket; väcka läslust och öka kännedomen.",
        "activities": "Två inlägg i veckan om nya böcker, författarsamtal och evenemang i länet.",
        "responsible": responsible,
        "supervision": "Ansvarig och ersättare bevakar vardagar; under semestern har ersättaren tillsyn enligt schema.",
        "update_count": 2,
        "update_period": FrequencyPeriod.WEEK,
        "working_hours_per_week": Decimal("4.0"),
        "screenshot_responsible": responsible,
        "target_groups": "Unga vuxna 18–29 år och folkbibliotekens personal i Uppsala län.",
        "terms_reviewed_on": date(2025, 10, 1),  # a day that has been, also under a test's clock
        "terms_reviewed_by": responsible,
        "case_routine": "Frågor som rör enskilda ärenden hänvisas till e-post och registreras i diariet.",
        "records_reference": "Dokumenthanteringsplan Kultur och bildning 4.2.1",
        "statistics_use": StatisticsUse.USED,
        "privacy_notice_url": "https://www.regionuppsala.se/personuppgifter",
        "processing_register_entry": "Registret över behandlingar, Kultur och bildning nr 17",
        "data_requests_by": "Regionens dataskyddsfunktion, dataskydd@regionuppsala.se",
        "personal_data_note": "Regionen är gemensamt personuppgiftsansvarig med plattformen för sidan.",
        "accessibility_routine": "Alla bilder får alt-text, alla filmer textas.",
        "alt_texts": AccessibilityPractice.IN_ROUTINE,
        "captions": AccessibilityPractice.IN_ROUTINE,
        "readable_hashtags": AccessibilityPractice.IN_ROUTINE,
        "channel_information": "Sidan drivs av Länsbiblioteket Uppsala, Region Uppsala. Inlägg är allmänna handlingar.",
        "tools": "Meta Business Suite för inlägg och statistik, Canva för bilder.",
    }
    content.update(overrides)
    return content


GOAL = {
    "description": "Fler följare bland unga vuxna i länet",
    "metric": Metric.FOLLOWERS,
    "baseline": Decimal("1200"),
    "target": Decimal("2000"),
    "deadline": date(2027, 12, 31),
}


def complete_plan(author, unit=None, responsible=None, goals=None, other_people=(), **overrides) -> Plan:
    """A draft written by `author` through the domain (so the author holds change_plan)."""
    unit = unit or author.unit
    responsible = responsible or author
    return create_draft(
        author=author,
        content=plan_content(unit, responsible, **overrides),
        other_people=other_people,
        goals=[GOAL] if goals is None else goals,
    )


def submitted_plan(author, **kwargs) -> Plan:
    """`complete_plan`, submitted by its author: a plan for a new channel has its planned
    channel in the register from its first submission on (not as a draft)."""
    plan = complete_plan(author, **kwargs)
    return transition(plan.pk, Action.SUBMIT, actor=author)


def submitted_on(org, time_machine, when, approvals: int = 0, author=None) -> Plan:
    """A plan by `author` (medarbetare) submitted at `when`, then approved `approvals` steps
    at the same moment by the deciders of Länsbiblioteket (the chef, the kommunikationsansvarig)."""
    author = author or org.medarbetare
    time_machine.move_to(when, tick=False)
    plan = transition(complete_plan(author).pk, Action.SUBMIT, actor=author)
    for actor in [org.chef, org.kommunikator][:approvals]:
        plan = transition(plan.pk, Action.APPROVE, actor=actor)
    return plan


__all__ = ["GOAL", "GoalFactory", "UserFactory", "complete_plan", "plan_content", "submitted_on", "submitted_plan"]
