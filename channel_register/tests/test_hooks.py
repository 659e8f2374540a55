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
