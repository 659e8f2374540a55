"""Go-live needs continuous supervision (DOMAIN.md, "The channel's life"; issue 12, defect 5):
an agreement confirmed by the manager and the owner, and the next
CHANNEL_ACTIVATION_ROSTER_WEEKS weeks of the roster without a gap. The domain refuses the
activation otherwise, and the go-live checklist shows both conditions with a way to fix them.

Messages are read in English (the msgid, the stable text), as in test_channel_status.py.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.tests.factories import AbsenceFactory
from channel_register.domain.channels import (
    assign_roster,
    channel_transition,
    confirm_agreement,
    propose_agreement,
    roster_activation_start,
    supervision_conditions,
)
from channel_register.enums import ChannelAction, ChannelStatus
from channel_register.models import Agreement, RosterWeek
from kob_social.errors import Incomplete
from kob_social.history import update_with_history

from .channel_factories import approved_plan, planned_channel_ready, tick_all, trained
from .channel_life import (
    STOCKHOLM,
    channel_row,
    english_fixture,  # noqa: F401 (fixture)
    media_root_fixture,  # noqa: F401 (fixture)
)
from .channel_pages import swedish

pytestmark = pytest.mark.django_db

NO_AGREEMENT = "No agreement has been confirmed by both the manager and the owner."

# A Thursday: the roster condition judges this week (from today) and the three after it.
THURSDAY = datetime(2027, 2, 4, 9, 0, tzinfo=STOCKHOLM)


def gaps_in(weeks: list[int], count: int = 4) -> str:
    return f"The supervision roster has gaps in the next {count} weeks: " + ", ".join(f"w. {w}" for w in weeks) + "."


def refusal(channel, actor) -> list[str]:
    """The blockers with which the activation by `actor` is refused."""
    with pytest.raises(Incomplete) as refused:
        channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=actor)
    return refused.value.errors["status"]


def test_activate_with_empty_roster_and_no_agreement_incomplete(org, english, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = approved_plan(org).channel
    tick_all(channel, org.chef)
    before = channel_row(channel)

    blockers = refusal(channel, org.chef)

    assert blockers == [NO_AGREEMENT, gaps_in([5, 6, 7, 8])]
    assert channel_row(channel) == before


def test_activate_with_agreement_confirmed_by_the_chef_only_incomplete(org, english, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = planned_channel_ready(org)
    update_with_history(Agreement.objects.filter(channel=channel), owner_confirmed_at=None)

    blockers = refusal(channel, org.chef)

    assert blockers == [NO_AGREEMENT]
    assert channel.status == ChannelStatus.PLANERAD


def test_activate_with_last_required_week_unrostered_incomplete(org, english, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = planned_channel_ready(org)
    RosterWeek.objects.filter(channel=channel, iso_year=2027, iso_week=8).delete()

    blockers = refusal(channel, org.chef)

    assert blockers == [gaps_in([8])]


def test_activate_with_the_only_monitor_away_a_whole_week_incomplete(org, english, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = planned_channel_ready(org)
    monitor = RosterWeek.objects.filter(channel=channel).first().primary
    AbsenceFactory(user=monitor, starts_on=datetime(2027, 2, 15).date(), ends_on=datetime(2027, 2, 19).date())

    blockers = refusal(channel, org.chef)

    assert blockers == [gaps_in([7])]


def test_activate_judges_the_number_of_weeks_the_setting_says(org, english, settings, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = planned_channel_ready(org)  # four weeks rostered: weeks 5–8
    settings.CHANNEL_ACTIVATION_ROSTER_WEEKS = 6

    blockers = refusal(channel, org.chef)

    assert blockers == [gaps_in([9, 10], count=6)]


def test_activate_on_a_saturday_judges_the_four_weeks_from_monday(org, time_machine):
    time_machine.move_to(datetime(2027, 2, 6, 9, 0, tzinfo=STOCKHOLM), tick=False)  # Saturday of week 5
    channel = approved_plan(org).channel
    tick_all(channel, org.chef)
    owner = trained(org.medarbetare)
    agreement = propose_agreement(
        channel.pk, actor=org.chef, owner=owner, tasks="Tillsyn.", hours_per_week=Decimal("1.0")
    )
    confirm_agreement(agreement.pk, actor=owner)
    assign_roster(channel.pk, actor=org.chef, first=(2027, 6), last=(2027, 9), primary=owner)

    result = channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef)

    assert (roster_activation_start(datetime(2027, 2, 6).date()), result.status) == (
        datetime(2027, 2, 8).date(),
        ChannelStatus.AKTIV,
    )


def test_activate_with_supervision_secured_activates(org, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = planned_channel_ready(org)

    result = channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef)

    assert result.status == ChannelStatus.AKTIV


# --- The go-live checklist on the channel's page -------------------------------------------------


def checklist_of(client, channel) -> tuple[str, str]:
    """The go-live checklist part of the channel's page, and the whole page."""
    page = client.get(reverse("channel_register:detail", args=[channel.pk])).content.decode()
    return page[page.index('id="checklist-heading"') : page.index('id="roster-heading"')], page


def in_swedish(channel) -> list[tuple[str, str]]:
    """(label, blocker) of each supervision condition as the page renders it, in Swedish."""
    with translation.override("sv"):
        return [(c.label, c.blocker) for c in supervision_conditions(channel, timezone.localdate())]


def test_checklist_shows_supervision_blockers_with_links_and_no_activate_button(client, org, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = approved_plan(org).channel
    tick_all(channel, org.chef)
    client.force_login(org.chef)

    checklist, page = checklist_of(client, channel)

    (agreement_label, no_agreement), (roster_label, gaps) = in_swedish(channel)
    assert (no_agreement, gaps) == (
        swedish(NO_AGREEMENT),
        "Tillsynsschemat har luckor under de närmaste 4 veckorna: v. 5, v. 6, v. 7, v. 8.",
    )
    for text in (agreement_label, no_agreement, roster_label, gaps):
        assert text in checklist
    assert f'href="{reverse("channel_register:agreement_create", args=[channel.pk])}"' in checklist
    assert f'href="{reverse("channel_register:roster", args=[channel.pk])}"' in checklist
    assert 'value="aktivera"' not in page


def test_checklist_shows_supervision_met_and_the_activate_button(client, org, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = planned_channel_ready(org)
    client.force_login(org.chef)

    checklist, page = checklist_of(client, channel)

    (agreement_label, no_agreement), (roster_label, gaps) = in_swedish(channel)
    assert (no_agreement, gaps) == ("", "")
    assert agreement_label in checklist
    assert roster_label in checklist
    assert swedish(NO_AGREEMENT) not in checklist
    assert 'value="aktivera"' in page


def test_checklist_of_an_active_channel_leaves_supervision_to_the_roster(client, org, time_machine):
    time_machine.move_to(THURSDAY, tick=False)
    channel = planned_channel_ready(org)
    (agreement_label, _), (roster_label, _) = in_swedish(channel)
    channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef)
    time_machine.move_to(THURSDAY + timedelta(weeks=8), tick=False)  # the rostered weeks are past
    client.force_login(org.chef)

    checklist, _page = checklist_of(client, channel)

    assert (agreement_label in checklist, roster_label in checklist) == (False, False)
