"""Texts a newcomer reads (issue 12): counts name what they count, goal numbers print as whole
numbers with Swedish grouping, the timeline and the decision tables name what happened ("Godkänd
av chef"), not the buttons ("Godkänn"), and an empty rhythm strip says so."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from channel_register.tests.channel_factories import active_channel
from plans.domain.archive import build_snapshot, goal_number
from plans.domain.transitions import transition
from plans.enums import Action, Metric
from plans.tests.factories import complete_plan

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


def page_text(response) -> str:
    """The page's text with tags dropped and white space folded (a non-breaking space kept)."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"[ \t\r\n]+", " ", text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("100.00"), "100"),
        (Decimal("2000.00"), f"2{NBSP}000"),
        (Decimal("1234567.50"), f"1{NBSP}234{NBSP}567,5"),
        (Decimal("12.25"), "12,25"),
        (Decimal("0.00"), "0"),
        (None, ""),
    ],
)
def test_goal_number_whole_values_without_decimals_grouped_in_swedish(value, expected):
    with translation.override("sv"):
        assert goal_number(value) == expected


def test_plan_page_and_snapshot_print_goals_as_whole_numbers(client, org):
    goals = [
        {
            "description": "Fler följare",
            "metric": Metric.FOLLOWERS,
            "baseline": Decimal("100"),
            "target": Decimal("2000"),
        }
    ]
    plan = complete_plan(org.medarbetare, goals=goals)
    client.force_login(org.medarbetare)

    text = page_text(client.get(reverse("plans:detail", args=[plan.pk])))
    with translation.override("sv"):
        snapshot_goals = build_snapshot(plan)["goals"]

    assert f"<td>100</td><td>2{NBSP}000</td>" in client.get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert "100,00" not in text
    assert "2000,00" not in text
    assert [(goal["baseline"], goal["target"]) for goal in snapshot_goals] == [("100", f"2{NBSP}000")]


def test_plan_timeline_names_events_in_past_tense(client, org):
    plan = complete_plan(org.medarbetare)
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(plan.pk, Action.APPROVE, actor=org.chef)
    transition(plan.pk, Action.RETURN, actor=org.kommunikator, comment="Fler mål, tack.")
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    timeline = page_text(response).split("Tidslinje", 1)[1]
    events = re.findall(r"– (.+?) \(", timeline)
    assert events == ["skapade planen", "Inskickad", "Godkänd av chef", "Återsänd av kommunikationsansvarig"]
    assert "Skicka in" not in timeline
    assert "Godkänn " not in timeline


def test_plan_decisions_table_says_the_outcome_not_the_button(client, org):
    plan = complete_plan(org.medarbetare)
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(plan.pk, Action.APPROVE, actor=org.chef)
    client.force_login(org.medarbetare)

    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()

    assert "<td>Godkänd</td>" in html
    assert "<td>Godkänn</td>" not in html


def test_update_log_without_checked_periods_says_there_are_none(client, org):
    channel = active_channel(org)
    client.force_login(org.chef)

    # The checked periods are on the update log (the channel's page shows the last one only).
    text = page_text(client.get(reverse("channel_register:update_log", args=[channel.pk])))

    assert "Kontrollerade perioder" in text
    assert "De senaste 0" not in text


def test_public_register_counts_channels(client, org):
    active_channel(org)

    text = page_text(client.get(reverse("public_register")))

    assert "1 officiell kanal" in text
    assert "plan" not in text.lower().split("officiell kanal")[0][-20:]


def test_trainings_page_counts_people(client, org):
    client.force_login(org.admin)

    text = page_text(client.get(reverse("people:trainings")))

    assert re.search(r"\d+ personer visas", text)
    assert not re.search(r"\d+ planer", text)
