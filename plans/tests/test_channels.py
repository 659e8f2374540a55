"""The channel's life (DOMAIN.md, "The channel's life"): created with its plan, described by the
approved plan, activated only with an approved plan and a complete checklist, moved along its
life by `channel_transition` only, run by trained people appointed by the unit's chef, confirmed
every half year, and listed publicly while active, without personal data.

Messages are read in English (the msgid, the stable text): the Swedish catalogue is being
completed while these tests are written, and a translation must not break a rule's test.
"""

import itertools
import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from accounts.enums import Role
from accounts.tests.factories import make_user
from plans.domain.channels import (
    appoint,
    channel_transition,
    confirm_agreement,
    confirm_inventory,
    propose_agreement,
    set_checklist_item,
)
from plans.domain.drafts import save_draft
from plans.domain.errors import Conflict, Incomplete, NotAllowed
from plans.domain.transitions import transition
from plans.enums import Action, ChannelAction, ChannelStatus, ChecklistItem, Platform
from plans.models import Agreement, Channel, ChecklistTick
from plans.queries import channels_visible_to, channels_with_inventory_due, inventory_due, public_channels

from .channel_factories import (
    CHAIN_APPROVAL,
    active_channel,
    approved_plan,
    closing_channel,
    final_screenshot,
    planned_channel_ready,
    tick_all,
    trained,
)
from .factories import GOAL, complete_plan, plan_content

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
COURSE = "Social media basics with a focus on legal issues"
NO_APPROVED_PLAN = "The channel has no approved plan."
NOT_TICKED = {
    ChecklistItem.LINKED_FROM_WEBSITE: "Not ticked: The channel is linked from the official website.",
    ChecklistItem.INFORMATION_SHOWN: (
        "Not ticked: The channel shows who runs it and that posts may be public records."
    ),
    ChecklistItem.ADMIN_ACCOUNTS_DOCUMENTED: (
        "Not ticked: The admin accounts are documented in the unit's safe place (never passwords in this app)."
    ),
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Screenshots recorded on the way to avvecklas are written here, not under var/."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def channel_row(channel: Channel) -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "row": Channel.objects.filter(pk=channel.pk).values().get(),
        "others": sorted(channel.others.values_list("pk", flat=True)),
        "history": Channel.history.filter(id=channel.pk).count(),
    }


# --- A plan creates and describes its channel --------------------------------------------------


def test_create_draft_creates_channel_as_planerad(org):
    plan = complete_plan(org.medarbetare)

    channel = Channel.objects.get(pk=plan.channel_id)

    assert Channel.objects.count() == 1
    assert (channel.platform, channel.name, channel.url, channel.unit, channel.status) == (
        Platform.FACEBOOK,
        "Länsbiblioteket Uppsala – läsfrämjande",
        "https://www.facebook.com/lansbiblioteketuppsala",
        org.library,
        ChannelStatus.PLANERAD,
    )
    assert (channel.owner, channel.activated_at) == (None, None)


def test_approve_plan_describes_channel_from_plan(org):
    plan = complete_plan(org.medarbetare)
    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content=plan_content(
            org.library,
            org.medarbetare,
            platform=Platform.INSTAGRAM,
            channel_name="Läslust i Uppland",
            channel_url="https://www.instagram.com/laslustiuppland",
        ),
        goals=[{**GOAL, "id": plan.goals.get().pk}],
    )
    plan = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    for actor, action in CHAIN_APPROVAL[:-1]:
        plan = transition(plan.pk, action, actor=getattr(org, actor))
    before_decision = Channel.objects.values_list("platform", "name", "url").get(pk=plan.channel_id)
    history_before = Channel.history.filter(id=plan.channel_id).count()
    revision_before = Channel.objects.get(pk=plan.channel_id).revision

    transition(plan.pk, Action.APPROVE, actor=org.direktor)

    assert before_decision == (
        Platform.FACEBOOK,
        "Länsbiblioteket Uppsala – läsfrämjande",
        "https://www.facebook.com/lansbiblioteketuppsala",
    )
    assert Channel.objects.values_list("platform", "name", "url", "unit", "status").get(pk=plan.channel_id) == (
        Platform.INSTAGRAM,
        "Läslust i Uppland",
        "https://www.instagram.com/laslustiuppland",
        org.library.pk,
        ChannelStatus.PLANERAD,
    )
    # The change of a governed object is in its history, by the person who approved.
    assert Channel.history.filter(id=plan.channel_id).count() - history_before == 1
    latest = Channel.history.filter(id=plan.channel_id).latest("history_id")
    assert (latest.name, latest.history_user, latest.revision) == (
        "Läslust i Uppland",
        org.direktor,
        revision_before + 1,
    )


# --- Go-live ------------------------------------------------------------------------------------


def test_activate_without_approved_plan_incomplete(org, english):
    channel = complete_plan(org.medarbetare).channel
    tick_all(channel, org.chef)
    before = channel_row(channel)

    with pytest.raises(Incomplete) as refused:
        channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef, expected_revision=channel.revision)

    assert refused.value.errors == {"status": [NO_APPROVED_PLAN]}
    assert channel_row(channel) == before


def test_activate_with_submitted_plan_only_incomplete(org, english):
    plan = complete_plan(org.medarbetare)
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    tick_all(plan.channel, org.chef)

    with pytest.raises(Incomplete) as refused:
        channel_transition(plan.channel_id, ChannelAction.ACTIVATE, actor=org.chef)

    assert refused.value.errors == {"status": [NO_APPROVED_PLAN]}
    assert Channel.objects.get(pk=plan.channel_id).status == ChannelStatus.PLANERAD


@pytest.mark.parametrize(
    "ticked",
    [
        [],
        [ChecklistItem.LINKED_FROM_WEBSITE],
        [ChecklistItem.LINKED_FROM_WEBSITE, ChecklistItem.ADMIN_ACCOUNTS_DOCUMENTED],
    ],
    ids=["none", "one", "two"],
)
def test_activate_with_incomplete_checklist_incomplete(org, english, ticked):
    channel = approved_plan(org).channel
    for item in ticked:
        set_checklist_item(channel.pk, item, actor=org.chef, ticked=True)
    before = channel_row(channel)

    with pytest.raises(Incomplete) as refused:
        channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef)

    missing = [item for item in ChecklistItem if item not in ticked]
    assert refused.value.errors == {"status": [NOT_TICKED[item] for item in missing]}
    assert channel_row(channel) == before


def test_activate_without_plan_and_checklist_names_every_blocker(org, english):
    channel = complete_plan(org.medarbetare).channel

    with pytest.raises(Incomplete) as refused:
        channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef)

    assert refused.value.errors == {"status": [NO_APPROVED_PLAN, *NOT_TICKED.values()]}


def test_activate_with_plan_and_checklist_activates(org, time_machine):
    time_machine.move_to(datetime(2027, 2, 1, 9, 30, tzinfo=STOCKHOLM), tick=False)
    channel = planned_channel_ready(org)
    history_before = Channel.history.filter(id=channel.pk).count()

    result = channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef, expected_revision=channel.revision)

    stored = Channel.objects.get(pk=channel.pk)
    now = timezone.now()
    assert (result.status, stored.status) == (ChannelStatus.AKTIV, ChannelStatus.AKTIV)
    assert (stored.activated_at, stored.status_changed_at, stored.closed_at) == (now, now, None)
    assert stored.revision == channel.revision + 1
    assert Channel.history.filter(id=channel.pk).count() - history_before == 1
    assert Channel.history.filter(id=channel.pk).latest("history_id").history_user == org.chef


# --- The checklist ------------------------------------------------------------------------------


@pytest.mark.parametrize("manager", ["chef", "kommunikator"])
def test_tick_checklist_item_records_who_and_when(org, time_machine, manager):
    channel = complete_plan(org.medarbetare).channel
    time_machine.move_to(datetime(2027, 1, 12, 14, 5, tzinfo=STOCKHOLM), tick=False)

    set_checklist_item(channel.pk, ChecklistItem.INFORMATION_SHOWN, actor=getattr(org, manager), ticked=True)

    assert list(ChecklistTick.objects.filter(channel=channel).values("item", "ticked_by", "ticked_at")) == [
        {"item": "information", "ticked_by": getattr(org, manager).pk, "ticked_at": timezone.now()}
    ]


def test_tick_checklist_item_twice_keeps_first_tick(org, time_machine):
    channel = complete_plan(org.medarbetare).channel
    first = datetime(2027, 1, 12, 14, 5, tzinfo=STOCKHOLM)
    time_machine.move_to(first, tick=False)
    set_checklist_item(channel.pk, ChecklistItem.LINKED_FROM_WEBSITE, actor=org.chef, ticked=True)
    time_machine.move_to(first + timedelta(days=2), tick=False)

    set_checklist_item(channel.pk, ChecklistItem.LINKED_FROM_WEBSITE, actor=org.kommunikator, ticked=True)

    assert list(ChecklistTick.objects.filter(channel=channel).values_list("item", "ticked_by", "ticked_at")) == [
        ("lankad", org.chef.pk, first)
    ]


@pytest.mark.parametrize("actor", ["medarbetare", "medarbetare2", "chef2", "direktor", "admin"])
def test_tick_checklist_item_by_non_manager_not_allowed(org, actor):
    channel = complete_plan(org.medarbetare).channel

    with pytest.raises(NotAllowed):
        set_checklist_item(channel.pk, ChecklistItem.LINKED_FROM_WEBSITE, actor=getattr(org, actor), ticked=True)

    assert ChecklistTick.objects.count() == 0


def test_untick_checklist_item_of_planned_channel_removes_it(org):
    channel = complete_plan(org.medarbetare).channel
    tick_all(channel, org.chef)

    set_checklist_item(channel.pk, ChecklistItem.INFORMATION_SHOWN, actor=org.kommunikator, ticked=False)

    assert list(ChecklistTick.objects.filter(channel=channel).values_list("item", flat=True)) == ["konton", "lankad"]


def test_untick_checklist_item_by_non_manager_not_allowed(org):
    channel = complete_plan(org.medarbetare).channel
    tick_all(channel, org.chef)

    with pytest.raises(NotAllowed):
        set_checklist_item(channel.pk, ChecklistItem.INFORMATION_SHOWN, actor=org.medarbetare, ticked=False)

    assert ChecklistTick.objects.filter(channel=channel).count() == 3


@pytest.mark.parametrize("state", ["aktiv", "pausad"])
def test_untick_checklist_item_after_go_live_not_allowed(org, state):
    channel = active_channel(org)
    if state == "pausad":
        channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)

    with pytest.raises(NotAllowed):
        set_checklist_item(channel.pk, ChecklistItem.INFORMATION_SHOWN, actor=org.chef, ticked=False)

    assert ChecklistTick.objects.filter(channel=channel).count() == 3


# --- The status table ---------------------------------------------------------------------------

STATES = ["planerad", "aktiv", "pausad", "avvecklas", "avslutad"]
ACTIONS = [
    ChannelAction.ACTIVATE,
    ChannelAction.PAUSE,
    ChannelAction.RESUME,
    ChannelAction.START_CLOSURE,
    ChannelAction.CLOSE,
]
# Everything the unit's chef may do to a channel whose preconditions are all met (approved
# plan, complete checklist, final screenshot), written by hand. START_CLOSURE is never a
# person's action: it follows from a closure request approved through the chain.
ALLOWED = {
    ("planerad", ChannelAction.ACTIVATE): "aktiv",
    ("aktiv", ChannelAction.PAUSE): "pausad",
    ("pausad", ChannelAction.RESUME): "aktiv",
    ("avvecklas", ChannelAction.CLOSE): "avslutad",
}
PRODUCT = list(itertools.product(STATES, ACTIONS))


def channel_in(org, state: str, **overrides) -> Channel:
    """A Länsbiblioteket channel brought to `state` through the domain, with every
    precondition of the next step met. `overrides` go to the channel's plan."""
    if state == "planerad":
        channel = planned_channel_ready(org, **overrides)
    elif state in ("aktiv", "pausad"):
        channel = active_channel(org, **overrides)
        if state == "pausad":
            channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    else:
        channel = closing_channel(org, **overrides)
        final_screenshot(channel, org.medarbetare)
        if state == "avslutad":
            channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)
    channel.refresh_from_db()
    assert channel.status == state
    return channel


def case_id(case) -> str:
    return f"{case[0]}-{case[1].value}"


def test_channel_table_covers_every_status_and_action():
    assert sorted(STATES) == sorted(ChannelStatus.values)
    assert sorted(ACTIONS) == sorted(ChannelAction.values)
    assert len(PRODUCT) == 25


@pytest.mark.parametrize("case", [case for case in PRODUCT if case in ALLOWED], ids=case_id)
def test_channel_transition_allowed_by_table(org, case):
    state, action = case
    channel = channel_in(org, state)
    history_before = Channel.history.filter(id=channel.pk).count()

    result = channel_transition(channel.pk, action, actor=org.chef, expected_revision=channel.revision)

    stored = Channel.objects.get(pk=channel.pk)
    assert (result.status, stored.status) == (ALLOWED[case], ALLOWED[case])
    assert stored.revision == channel.revision + 1
    assert Channel.history.filter(id=channel.pk).count() - history_before == 1


@pytest.mark.parametrize("case", [case for case in PRODUCT if case not in ALLOWED], ids=case_id)
def test_channel_transition_refused_by_table(org, case):
    state, action = case
    channel = channel_in(org, state)
    before = channel_row(channel)

    with pytest.raises(NotAllowed):
        channel_transition(channel.pk, action, actor=org.chef, expected_revision=channel.revision)

    assert channel_row(channel) == before


@pytest.mark.parametrize("state", ["aktiv", "pausad"])
@pytest.mark.parametrize("actor", ["chef", "kommunikator", "direktor", "admin", "medarbetare"])
def test_start_closure_by_person_not_allowed(org, state, actor):
    channel = channel_in(org, state)
    before = channel_row(channel)

    with pytest.raises(NotAllowed):
        channel_transition(channel.pk, ChannelAction.START_CLOSURE, actor=getattr(org, actor))

    assert channel_row(channel) == before


@pytest.mark.parametrize("actor", ["medarbetare", "medarbetare2", "chef2", "direktor", "admin"])
def test_pause_by_non_manager_not_allowed(org, actor):
    channel = active_channel(org)
    before = channel_row(channel)

    with pytest.raises(NotAllowed):
        channel_transition(channel.pk, ChannelAction.PAUSE, actor=getattr(org, actor))

    assert channel_row(channel) == before


def test_pause_by_kommunikator_allowed(org):
    channel = active_channel(org)

    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.kommunikator)

    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.PAUSAD


def test_channel_transition_stale_revision_conflict(org):
    channel = active_channel(org)
    seen_revision = channel.revision
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef, expected_revision=seen_revision)
    before = channel_row(channel)

    with pytest.raises(Conflict):
        channel_transition(channel.pk, ChannelAction.RESUME, actor=org.kommunikator, expected_revision=seen_revision)

    assert channel_row(channel) == before
    assert before["row"]["status"] == ChannelStatus.PAUSAD


def test_resume_keeps_first_activation_time(org, time_machine):
    time_machine.move_to(datetime(2027, 2, 1, 9, 0, tzinfo=STOCKHOLM), tick=False)
    channel = active_channel(org)
    activated_at = channel.activated_at
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    time_machine.move_to(datetime(2027, 3, 1, 9, 0, tzinfo=STOCKHOLM), tick=False)

    channel_transition(channel.pk, ChannelAction.RESUME, actor=org.chef)

    stored = Channel.objects.get(pk=channel.pk)
    assert (stored.status, stored.activated_at, stored.status_changed_at) == (
        ChannelStatus.AKTIV,
        activated_at,
        timezone.now(),
    )


# --- People and training ------------------------------------------------------------------------

FIELDS = ["owner", "screenshot_responsible", "others"]


def appointment(field: str, person, stand_in) -> dict:
    """The appoint() arguments with `person` in `field` and the trained `stand_in` elsewhere."""
    people = {"owner": stand_in, "screenshot_responsible": stand_in, "others": []}
    people[field] = [person] if field == "others" else person
    return people


@pytest.mark.parametrize("field", FIELDS)
def test_appoint_person_without_training_incomplete(org, english, field):
    channel = active_channel(org)
    untrained = make_user(Role.MEDARBETARE, unit=org.library, full_name="Vera Untrained")
    trained(org.medarbetare)
    before = channel_row(channel)

    with pytest.raises(Incomplete) as refused:
        appoint(channel.pk, actor=org.chef, **appointment(field, untrained, org.medarbetare))

    assert refused.value.errors == {field: [f"Vera Untrained has no valid training: {COURSE}."]}
    assert channel_row(channel) == before


@pytest.mark.parametrize("field", FIELDS)
def test_appoint_person_whose_training_expired_yesterday_incomplete(org, english, field):
    channel = active_channel(org)
    today = timezone.localdate()
    expired = trained(
        make_user(Role.MEDARBETARE, unit=org.library, full_name="Vera Expired"),
        completed_on=today - timedelta(days=400),
        valid_until=today - timedelta(days=1),
    )
    trained(org.medarbetare)
    before = channel_row(channel)

    with pytest.raises(Incomplete) as refused:
        appoint(channel.pk, actor=org.chef, **appointment(field, expired, org.medarbetare))

    assert refused.value.errors == {field: [f"Vera Expired has no valid training: {COURSE}."]}
    assert channel_row(channel) == before


def test_appoint_several_untrained_people_names_each(org, english):
    channel = active_channel(org)
    anna = make_user(Role.MEDARBETARE, unit=org.library, full_name="Anna Ask")
    bo = make_user(Role.MEDARBETARE, unit=org.library, full_name="Bo Björk")
    trained(org.medarbetare)

    with pytest.raises(Incomplete) as refused:
        appoint(channel.pk, actor=org.chef, owner=anna, screenshot_responsible=org.medarbetare, others=[bo, anna])

    assert refused.value.errors == {
        "owner": [f"Anna Ask has no valid training: {COURSE}."],
        "others": [f"Bo Björk has no valid training: {COURSE}.", f"Anna Ask has no valid training: {COURSE}."],
    }


def test_appoint_trained_people_allowed(org):
    channel = active_channel(org)
    today = timezone.localdate()
    owner = trained(org.medarbetare)
    # Training valid until today still counts today.
    screenshots = trained(
        make_user(Role.MEDARBETARE, unit=org.library, full_name="Pia Skärm"),
        completed_on=today - timedelta(days=700),
        valid_until=today,
    )
    other = trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Olle Övrig"), valid_until=None)
    history_before = Channel.history.filter(id=channel.pk).count()

    result = appoint(
        channel.pk,
        actor=org.chef,
        owner=owner,
        screenshot_responsible=screenshots,
        others=[other],
        expected_revision=channel.revision,
    )

    stored = Channel.objects.get(pk=channel.pk)
    assert (stored.owner, stored.screenshot_responsible, list(stored.others.all())) == (owner, screenshots, [other])
    assert (result.revision, stored.revision) == (channel.revision + 1, channel.revision + 1)
    # One row for the owner and screenshot responsible, one for the other people (m2m).
    assert list(
        Channel.history.filter(id=channel.pk).order_by("-history_id")[:2].values_list("history_user", flat=True)
    ) == [org.chef.pk, org.chef.pk]
    assert Channel.history.filter(id=channel.pk).count() - history_before == 2


@pytest.mark.parametrize("actor", ["kommunikator", "chef2", "medarbetare", "direktor", "admin"])
def test_appoint_by_other_than_units_chef_not_allowed(org, actor):
    channel = active_channel(org)
    trained(org.medarbetare)
    before = channel_row(channel)

    with pytest.raises(NotAllowed):
        appoint(channel.pk, actor=getattr(org, actor), owner=org.medarbetare, screenshot_responsible=org.medarbetare)

    assert channel_row(channel) == before


def test_appoint_stale_revision_conflict(org):
    channel = active_channel(org)
    trained(org.medarbetare)
    seen_revision = channel.revision
    channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    before = channel_row(channel)

    with pytest.raises(Conflict):
        appoint(
            channel.pk,
            actor=org.chef,
            owner=org.medarbetare,
            screenshot_responsible=org.medarbetare,
            expected_revision=seen_revision,
        )

    assert channel_row(channel) == before


# --- The agreement ------------------------------------------------------------------------------


def agreement_for(org, channel: Channel) -> Agreement:
    trained(org.medarbetare)
    return propose_agreement(
        channel.pk,
        actor=org.chef,
        owner=org.medarbetare,
        tasks="Publicera två inlägg i veckan, svara på frågor inom ett dygn.",
        hours_per_week=Decimal("4.5"),
    )


def test_propose_agreement_by_chef_confirms_for_chef(org, time_machine):
    channel = active_channel(org)
    time_machine.move_to(datetime(2027, 2, 3, 10, 0, tzinfo=STOCKHOLM), tick=False)

    agreement = agreement_for(org, channel)

    stored = Agreement.objects.get(pk=agreement.pk)
    assert (stored.channel, stored.owner, stored.chef, stored.tasks, stored.hours_per_week) == (
        channel,
        org.medarbetare,
        org.chef,
        "Publicera två inlägg i veckan, svara på frågor inom ett dygn.",
        Decimal("4.5"),
    )
    assert (stored.chef_confirmed_at, stored.owner_confirmed_at, stored.is_confirmed) == (timezone.now(), None, False)


def test_propose_agreement_with_untrained_owner_incomplete(org, english):
    channel = active_channel(org)

    with pytest.raises(Incomplete) as refused:
        propose_agreement(channel.pk, actor=org.chef, owner=org.medarbetare, tasks="Allt.", hours_per_week=Decimal("2"))

    assert refused.value.errors == {"owner": [f"Maja Lindqvist has no valid training: {COURSE}."]}
    assert Agreement.objects.count() == 0


@pytest.mark.parametrize("actor", ["kommunikator", "chef2", "medarbetare"])
def test_propose_agreement_by_other_than_units_chef_not_allowed(org, actor):
    channel = active_channel(org)

    with pytest.raises(NotAllowed):
        propose_agreement(
            channel.pk, actor=getattr(org, actor), owner=org.medarbetare, tasks="Allt.", hours_per_week=Decimal("2")
        )

    assert Agreement.objects.count() == 0


def test_confirm_agreement_by_owner_confirms_it(org, time_machine):
    channel = active_channel(org)
    agreement = agreement_for(org, channel)
    time_machine.move_to(datetime(2027, 2, 4, 8, 15, tzinfo=STOCKHOLM), tick=False)

    result = confirm_agreement(agreement.pk, actor=org.medarbetare)

    assert (result.chef_confirmed_at, result.owner_confirmed_at, result.is_confirmed) == (
        agreement.chef_confirmed_at,
        timezone.now(),
        True,
    )


@pytest.mark.parametrize("actor", ["medarbetare2", "chef2", "kommunikator", "direktor"])
def test_confirm_agreement_by_stranger_not_allowed(org, actor):
    channel = active_channel(org)
    agreement = agreement_for(org, channel)
    before = Agreement.objects.filter(pk=agreement.pk).values().get()

    with pytest.raises(NotAllowed):
        confirm_agreement(agreement.pk, actor=getattr(org, actor))

    assert Agreement.objects.filter(pk=agreement.pk).values().get() == before


def test_confirm_agreement_twice_keeps_first_timestamp(org, time_machine):
    channel = active_channel(org)
    agreement = agreement_for(org, channel)
    first = datetime(2027, 2, 4, 8, 15, tzinfo=STOCKHOLM)
    time_machine.move_to(first, tick=False)
    confirm_agreement(agreement.pk, actor=org.medarbetare)
    time_machine.move_to(first + timedelta(days=3), tick=False)

    result = confirm_agreement(agreement.pk, actor=org.medarbetare)

    assert result.owner_confirmed_at == first
    assert Agreement.objects.get(pk=agreement.pk).owner_confirmed_at == first


# --- Inventory ----------------------------------------------------------------------------------


def confirm(org, channel: Channel) -> None:
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, information_correct=True)


@pytest.fixture
def owned_channel(org, time_machine):
    """An active channel owned by `medarbetare`, activated on 15 March 2027."""
    time_machine.move_to(datetime(2027, 3, 15, 10, 0, tzinfo=STOCKHOLM), tick=False)
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def test_inventory_due_six_months_after_activation(org, owned_channel):
    channel = Channel.objects.get(pk=owned_channel.pk)

    assert inventory_due(channel) == date(2027, 9, 15)


def test_inventory_due_six_months_after_last_confirmation(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 8, 30, 11, 0, tzinfo=STOCKHOLM), tick=False)
    confirm(org, owned_channel)
    time_machine.move_to(datetime(2027, 10, 2, 11, 0, tzinfo=STOCKHOLM), tick=False)
    confirm(org, owned_channel)

    due = inventory_due(Channel.objects.get(pk=owned_channel.pk))

    assert due == date(2028, 4, 2)


def test_inventory_due_confirmed_late_evening_uses_local_date(org, owned_channel, time_machine):
    # 00:30 on 1 October in Stockholm is still 30 September in UTC: the local date counts.
    time_machine.move_to(datetime(2027, 10, 1, 0, 30, tzinfo=STOCKHOLM), tick=False)
    confirm(org, owned_channel)

    assert inventory_due(Channel.objects.get(pk=owned_channel.pk)) == date(2028, 4, 1)


def test_channels_with_inventory_due_lists_channel_day_after_due(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 9, 15, 12, 0, tzinfo=STOCKHOLM), tick=False)
    on_due_date = channels_with_inventory_due(org.kommunikator, timezone.localdate())
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    day_after = channels_with_inventory_due(org.kommunikator, timezone.localdate())

    assert on_due_date == []
    assert day_after == [(owned_channel, date(2027, 9, 15))]


def test_channels_with_inventory_due_after_confirmation_not_listed(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 9, 10, 12, 0, tzinfo=STOCKHOLM), tick=False)
    confirm(org, owned_channel)
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    overdue = channels_with_inventory_due(org.chef, timezone.localdate())

    assert overdue == []


def test_channels_with_inventory_due_other_unit_not_listed(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    lists = {
        actor: channels_with_inventory_due(getattr(org, actor), timezone.localdate()) for actor in ("chef", "chef2")
    }

    assert lists == {"chef": [(owned_channel, date(2027, 9, 15))], "chef2": []}


def test_inventory_of_planned_channel_not_due(org, time_machine):
    time_machine.move_to(datetime(2026, 1, 10, 10, 0, tzinfo=STOCKHOLM), tick=False)
    channel = approved_plan(org).channel
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    overdue = channels_with_inventory_due(org.kommunikator, timezone.localdate())

    assert (inventory_due(channel), overdue) == (None, [])


@pytest.mark.parametrize("actor", ["medarbetare2", "chef2", "kommunikator"])
def test_confirm_inventory_by_other_than_owner_or_chef_not_allowed(org, owned_channel, actor):
    with pytest.raises(NotAllowed):
        confirm_inventory(
            owned_channel.pk, actor=getattr(org, actor), still_used=True, owners_correct=True, information_correct=True
        )

    assert owned_channel.inventories.count() == 0


def test_channels_with_inventory_due_one_query(org, owned_channel, time_machine, django_assert_num_queries):
    # Activated on 15 March 2027 and never confirmed: due 15 September 2027.
    second = active_channel(org, channel_name="Länsbiblioteket på Instagram")
    time_machine.move_to(datetime(2027, 4, 1, 10, 0, tzinfo=STOCKHOLM), tick=False)
    confirm(org, owned_channel)  # due 1 October 2027
    time_machine.move_to(datetime(2027, 10, 2, 8, 0, tzinfo=STOCKHOLM), tick=False)
    kommunikator = type(org.kommunikator).objects.get(pk=org.kommunikator.pk)
    assert kommunikator.is_kommunikationsansvarig  # the roles are read once, before counting

    with django_assert_num_queries(1):
        overdue = channels_with_inventory_due(kommunikator, timezone.localdate())

    assert overdue == [(second, date(2027, 9, 15)), (owned_channel, date(2027, 10, 1))]


# --- Who sees which channel ---------------------------------------------------------------------


def test_channels_visible_to_by_role(org):
    library = complete_plan(org.medarbetare).channel
    music = complete_plan(
        org.medarbetare2,
        channel_name="Musik i Uppland",
        channel_url="https://www.facebook.com/musikiuppland",
    ).channel

    visible = {
        actor: sorted(channels_visible_to(getattr(org, actor)).values_list("pk", flat=True))
        for actor in ("medarbetare", "chef", "medarbetare2", "chef2", "kommunikator", "direktor", "admin")
    }

    both = sorted([library.pk, music.pk])
    assert visible == {
        "medarbetare": [library.pk],
        "chef": [library.pk],
        "medarbetare2": [music.pk],
        "chef2": [music.pk],
        "kommunikator": both,
        "direktor": both,
        "admin": both,
    }


# --- The public register ------------------------------------------------------------------------


@pytest.fixture
def channel_of_every_status(org):
    """One Länsbiblioteket channel per status, each with `medarbetare` as its owner."""
    trained(org.medarbetare)
    channels = {}
    for state in STATES:
        channel = channel_in(org, state, channel_name=f"Kanal {state}")
        if channel.owner_id is None:
            appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
        channels[state] = Channel.objects.get(pk=channel.pk)
    return channels


def test_public_channels_exactly_active_ones(org, channel_of_every_status):
    assert list(public_channels()) == [channel_of_every_status["aktiv"]]


def register_rows() -> list[dict]:
    """The public register as JSON/CSV would serialise it: platform, name, address, unit."""
    return [
        {
            "platform": channel.get_platform_display(),
            "name": channel.name,
            "url": channel.url,
            "unit": channel.unit.name,
        }
        for channel in public_channels()
    ]


def test_public_channels_serialised_contains_no_personal_data(org, channel_of_every_status, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = register_rows()

    text = json.dumps(rows, ensure_ascii=False)
    assert rows == [
        {
            "platform": "Facebook",
            "name": "Kanal aktiv",
            "url": "https://www.facebook.com/lansbiblioteketuppsala",
            "unit": "Länsbiblioteket",
        }
    ]
    people = [org.medarbetare, org.chef, org.kommunikator, org.direktor]
    leaked = [
        value
        for person in people
        for value in (person.full_name, person.email, person.username)
        if value.lower() in text.lower()
    ]
    assert leaked == []
