"""The register asks the plans through channel_register.hooks, never by importing them: the
plans connect their answers at start-up, and without them a channel has no plan."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from channel_register import hooks
from channel_register.domain.channels import activation_blockers
from channel_register.domain.rhythm import run_weekly_check
from channel_register.models import RhythmCheck
from metrics.domain.cycle import channel_page_section
from overview.views import channel_page_section as attention_section
from plans.channel_link import LINK

from .channel_factories import active_channel, planned_channel_ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_plans():
    """Take the plans' link away, for the rest of one test: the register on its own."""
    yield lambda: hooks.connect(hooks.NO_PLANS)
    hooks.connect(LINK)


def test_plans_connect_their_link_when_django_starts():
    assert hooks.plans() is LINK


def test_a_ready_channel_with_an_approved_plan_has_no_blockers(org):
    channel = planned_channel_ready(org)

    assert activation_blockers(channel) == []


def test_without_the_plans_a_ready_channel_cannot_go_live(org, without_plans):
    channel = planned_channel_ready(org)
    without_plans()

    with translation.override("en"):
        assert activation_blockers(channel) == ["The channel has no approved plan."]


def test_with_the_plans_the_active_channel_is_checked(org):
    active_channel(org)

    result = run_weekly_check(today=datetime.date.today() + datetime.timedelta(days=14))

    assert (result["channels"], RhythmCheck.objects.count()) == (1, 1)


def test_without_the_plans_no_rhythm_is_checked(org, without_plans):
    active_channel(org)
    without_plans()

    result = run_weekly_check(today=datetime.date.today() + datetime.timedelta(days=14))

    assert (result["channels"], RhythmCheck.objects.count()) == (0, 0)


def test_without_the_plans_the_channel_page_shows_no_plan_sections(client, org, without_plans):
    channel = planned_channel_ready(org)
    without_plans()
    client.force_login(org.chef)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert response.status_code == 200
    assert (b'id="plans-heading"' in response.content, b'id="closures-heading"' in response.content) == (False, False)


def test_with_the_plans_the_channel_page_shows_both_sections(client, org):
    channel = planned_channel_ready(org)
    client.force_login(org.chef)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert (b'id="plans-heading"' in response.content, b'id="closures-heading"' in response.content) == (True, True)


# --- Sections of the channel's page from the apps above --------------------------------------------


@pytest.fixture
def no_sections(monkeypatch):
    """No app above has registered a section, for one test (the registrations come back after)."""
    monkeypatch.setattr(hooks, "_page_sections", [])


def note_section(request, channel) -> dict:
    return {"note": f"about {channel}", "page_sections": {"note": "note.html"}}


def other_section(request, channel) -> dict:
    return {"other": 1, "page_sections": {"other": "other.html"}}


def test_the_apps_above_register_their_sections_when_django_starts_in_their_order():
    assert hooks._page_sections == [channel_page_section, attention_section]


def test_adding_the_same_page_sections_twice_changes_nothing(no_sections):
    hooks.add_page_sections(note_section)
    hooks.add_page_sections(note_section)

    assert hooks._page_sections == [note_section]


def test_page_sections_of_every_app_merge_into_one_context(no_sections):
    hooks.add_page_sections(note_section)
    hooks.add_page_sections(other_section)

    context = hooks.page_sections(None, "kanalen")

    assert context == {
        "note": "about kanalen",
        "other": 1,
        "page_sections": {"note": "note.html", "other": "other.html"},
    }


def test_without_sections_page_sections_is_empty(no_sections):
    assert hooks.page_sections(None, "kanalen") == {"page_sections": {}}


def test_the_channel_page_merges_the_cycle_section_with_the_plans_sections(client, org):
    channel = planned_channel_ready(org)
    client.force_login(org.chef)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert sorted(response.context["page_sections"]) == ["closures", "cycle", "plans"]
    assert response.content.count(b'id="cycle-heading"') == 1


def test_without_the_sections_the_channel_page_shows_no_cycle(client, org, no_sections):
    channel = planned_channel_ready(org)
    client.force_login(org.chef)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert (sorted(response.context["page_sections"]), b"cycle-heading" in response.content) == (
        ["closures", "plans"],
        False,
    )
