"""The people who run a channel (DOMAIN.md, "The channel's life"): only trained people,
appointed by the unit's chef; the agreement between the chef and the owner; and the inventory
the owner confirms every half year.

Messages are read in English (the msgid, the stable text): the Swedish catalogue is being
completed while these tests are written, and a translation must not break a rule's test.
"""

import importlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import (
    appoint,
    channel_transition,
    confirm_agreement,
    confirm_inventory,
    propose_agreement,
)
from channel_register.enums import ChannelAction, ChannelStatus, Platform
from channel_register.models import Agreement, Channel
from channel_register.queries import channels_with_inventory_due, inventory_due
from channel_register.views.common import PAGE_SIZE
from kob_social.errors import Conflict, Incomplete, NotAllowed
from kob_social.history import update_with_history

from .channel_factories import STATED, active_channel, approved_plan, trained
from .channel_life import (
    STOCKHOLM,
    channel_row,
    english_fixture,  # noqa: F401 (fixture)
    media_root_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

COURSE = "Social media basics with a focus on legal issues"


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
    assert Agreement.objects.filter(owner=org.medarbetare).count() == 0


@pytest.mark.parametrize("actor", ["kommunikator", "chef2", "medarbetare"])
def test_propose_agreement_by_other_than_units_chef_not_allowed(org, actor):
    channel = active_channel(org)

    with pytest.raises(NotAllowed):
        propose_agreement(
            channel.pk, actor=getattr(org, actor), owner=org.medarbetare, tasks="Allt.", hours_per_week=Decimal("2")
        )

    assert Agreement.objects.filter(owner=org.medarbetare).count() == 0


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
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, **STATED)


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


def overdue_for(user) -> list[tuple[Channel, date]]:
    """channels_with_inventory_due today, each channel with its stored due day."""
    return [(channel, channel.inventory_due) for channel in channels_with_inventory_due(user, timezone.localdate())]


def test_channels_with_inventory_due_lists_channel_day_after_due(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 9, 15, 12, 0, tzinfo=STOCKHOLM), tick=False)
    on_due_date = overdue_for(org.kommunikator)
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    day_after = overdue_for(org.kommunikator)

    assert on_due_date == []
    assert day_after == [(owned_channel, date(2027, 9, 15))]


def test_channels_with_inventory_due_after_confirmation_not_listed(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 9, 10, 12, 0, tzinfo=STOCKHOLM), tick=False)
    confirm(org, owned_channel)
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    overdue = overdue_for(org.chef)

    assert overdue == []


def test_channels_with_inventory_due_other_unit_not_listed(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    lists = {actor: overdue_for(getattr(org, actor)) for actor in ("chef", "chef2")}

    assert lists == {"chef": [(owned_channel, date(2027, 9, 15))], "chef2": []}


def test_inventory_of_planned_channel_not_due(org, time_machine):
    time_machine.move_to(datetime(2026, 1, 10, 10, 0, tzinfo=STOCKHOLM), tick=False)
    channel = approved_plan(org).channel
    time_machine.move_to(datetime(2027, 9, 16, 8, 0, tzinfo=STOCKHOLM), tick=False)

    overdue = overdue_for(org.kommunikator)

    assert (inventory_due(channel), overdue) == (None, [])


@pytest.mark.parametrize("actor", ["medarbetare2", "chef2", "kommunikator"])
def test_confirm_inventory_by_other_than_owner_or_chef_not_allowed(org, owned_channel, actor):
    with pytest.raises(NotAllowed):
        confirm_inventory(owned_channel.pk, actor=getattr(org, actor), still_used=True, owners_correct=True, **STATED)

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
        overdue = overdue_for(kommunikator)

    assert overdue == [(second, date(2027, 9, 15)), (owned_channel, date(2027, 10, 1))]


# --- The stored due day (Channel.inventory_due) follows every write it depends on ---------------


def stored_due(channel: Channel) -> date | None:
    return Channel.objects.values_list("inventory_due", flat=True).get(pk=channel.pk)


def test_inventory_due_stored_on_activation(org, time_machine):
    time_machine.move_to(datetime(2027, 3, 15, 10, 0, tzinfo=STOCKHOLM), tick=False)
    planned = approved_plan(org).channel
    before = stored_due(planned)

    channel = active_channel(org, channel_name="Länsbiblioteket på Instagram")

    assert (before, stored_due(channel)) == (None, date(2027, 9, 15))


def test_inventory_due_stored_moves_when_inventory_confirmed(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 8, 30, 11, 0, tzinfo=STOCKHOLM), tick=False)
    before = stored_due(owned_channel)

    confirm(org, owned_channel)

    # 30 August + six months is the last day of February (2028 is a leap year).
    assert (before, stored_due(owned_channel)) == (date(2027, 9, 15), date(2028, 2, 29))


def test_inventory_due_stored_confirmed_without_a_history_row_or_new_revision(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 8, 30, 11, 0, tzinfo=STOCKHOLM), tick=False)
    before = (owned_channel.history.count(), Channel.objects.get(pk=owned_channel.pk).revision)

    confirm(org, owned_channel)

    assert (owned_channel.history.count(), Channel.objects.get(pk=owned_channel.pk).revision) == before


def test_inventory_due_stored_kept_when_paused_and_cleared_when_closing(org, owned_channel, time_machine):
    paused = channel_transition(owned_channel.pk, ChannelAction.PAUSE, actor=org.chef)
    paused_due = stored_due(paused)

    closing = channel_transition(owned_channel.pk, ChannelAction.START_CLOSURE, actor=None)

    assert (paused_due, stored_due(closing)) == (date(2027, 9, 15), None)


def test_inventory_due_stored_follows_activation_moved_by_save(org, owned_channel):
    # The demo data (plans.demo) and tests move an activation back with a plain save.
    update_with_history(
        Channel.objects.filter(pk=owned_channel.pk),
        activated_at=datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM),
    )

    assert stored_due(owned_channel) == date(2027, 6, 30)


def test_inventory_due_stored_agrees_with_the_rule(org, owned_channel, time_machine):
    second = active_channel(org, channel_name="Länsbiblioteket på Instagram")
    time_machine.move_to(datetime(2027, 10, 1, 0, 30, tzinfo=STOCKHOLM), tick=False)
    confirm(org, owned_channel)
    planned = approved_plan(org).channel

    channels = Channel.objects.filter(pk__in=[owned_channel.pk, second.pk, planned.pk]).order_by("pk")

    assert [(c.inventory_due, inventory_due(c)) for c in channels] == [
        (date(2028, 4, 1), date(2028, 4, 1)),
        (date(2027, 9, 15), date(2027, 9, 15)),
        (None, None),
    ]


def test_inventory_due_migration_fills_existing_channels(org, owned_channel, time_machine):
    time_machine.move_to(datetime(2027, 10, 1, 0, 30, tzinfo=STOCKHOLM), tick=False)
    second = active_channel(org, channel_name="Länsbiblioteket på Instagram")
    confirm(org, owned_channel)
    Channel.objects.update(inventory_due=None)  # as before the column existed
    migration = importlib.import_module("channel_register.migrations.0004_inventory_due")

    migration.fill_inventory_due(django_apps, SimpleNamespace(connection=connection))

    assert (stored_due(owned_channel), stored_due(second)) == (date(2028, 4, 1), date(2028, 4, 1))


def test_inventory_overdue_page_lists_oldest_first_a_page_at_a_time(client, org, owned_channel, time_machine):
    # 26 overdue channels besides owned_channel (due 15 September 2027), each due a day later.
    for i in range(PAGE_SIZE + 1):
        Channel.objects.create(
            platform=Platform.INSTAGRAM,
            name=f"Kanal {i:02d}",
            unit=org.library,
            status=ChannelStatus.PAUSAD if i == 0 else ChannelStatus.AKTIV,
            activated_at=datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM) + timedelta(days=i),
        )
    time_machine.move_to(datetime(2027, 11, 1, 8, 0, tzinfo=STOCKHOLM), tick=False)
    client.force_login(org.chef)
    url = reverse("channel_register:inventory_overdue")

    first, second = client.get(url), client.get(url, {"sida": 2})

    names = [[row["channel"].name for row in response.context["rows"]] for response in (first, second)]
    assert names == [[owned_channel.name] + [f"Kanal {i:02d}" for i in range(PAGE_SIZE - 1)], ["Kanal 24", "Kanal 25"]]
    assert [(row["due"], row["days"]) for row in first.context["rows"][:2]] == [
        (date(2027, 9, 15), 47),
        (date(2027, 9, 16), 46),
    ]
    assert first.context["page"].paginator.count == PAGE_SIZE + 2
    html = first.content.decode()
    assert ('sida=2"' in html, "status--neutral" in html) == (True, True)
