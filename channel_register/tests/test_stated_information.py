"""What the channel must state (BBS-lagen 3 §, E-delegationen point 6; issue 19): who runs it,
its purpose, that posts become public records, what content is removed and where to reach the
administration for errands. Asked item by item by the go-live checklist (its gate is pinned
in test_channel_status.py and test_channel_life_views.py) and again by every inventory
confirmation, which is refused with one of them not stated; and the migration that split the
single old item.

Messages are compared with the English msgid through gettext (`swedish`), so the tests pass
before and after the lead merges the Swedish catalogue.
"""

import importlib
from datetime import datetime
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from channel_register.domain.channels import MUST_BE_STATED, confirm_inventory
from channel_register.enums import INFORMATION_ITEMS, ChannelStatus, ChecklistItem
from channel_register.models import ChecklistTick, InventoryConfirmation
from kob_social.errors import Incomplete

from .channel_factories import STATED, STATED_POSTED, approved_plan
from .channel_pages import (
    STOCKHOLM,
    channel_fixture,  # noqa: F401 (fixture)
    field_error,
    media_fixture,  # noqa: F401 (fixture)
    swedish,
)

pytestmark = pytest.mark.django_db


def inventory_post(**overrides) -> dict:
    return {"still_used": "on", "owners_correct": "on", **STATED_POSTED, "note": "", **overrides}


# --- The inventory ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", list(INFORMATION_ITEMS.values()))
def test_confirm_inventory_with_one_item_not_stated_incomplete_at_its_field(org, channel, field):
    with pytest.raises(Incomplete) as refused:
        confirm_inventory(
            channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, **{**STATED, field: False}
        )

    assert refused.value.errors == {field: [str(MUST_BE_STATED)]}
    assert InventoryConfirmation.objects.count() == 0


def test_confirm_inventory_with_every_item_stated_stored_item_by_item(org, channel):
    confirmation = confirm_inventory(
        channel.pk, actor=org.medarbetare, still_used=True, owners_correct=False, **STATED, note="Ny ansvarig."
    )

    stored = InventoryConfirmation.objects.filter(pk=confirmation.pk).values(*INFORMATION_ITEMS.values()).get()
    assert stored == STATED


@pytest.mark.parametrize("field", list(INFORMATION_ITEMS.values()))
def test_inventory_page_with_one_item_unchecked_refused_at_its_field(client, org, channel, field):
    client.force_login(org.medarbetare)
    data = inventory_post()
    del data[field]  # an unchecked box is not posted

    response = client.post(reverse("channel_register:inventory", args=[channel.pk]), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert field_error(field, swedish(str(MUST_BE_STATED))) in response.content.decode()
    assert InventoryConfirmation.objects.count() == 0


def test_inventory_page_with_every_item_checked_confirms(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.post(reverse("channel_register:inventory", args=[channel.pk]), inventory_post())

    assert response.status_code == 302
    assert list(InventoryConfirmation.objects.values(*INFORMATION_ITEMS.values())) == [STATED]


def test_inventory_page_asks_each_item_with_its_checklist_label(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:inventory", args=[channel.pk]))

    labels = [str(field.label) for field in response.context["form"].information_fields()]
    assert labels == [str(item.label) for item in INFORMATION_ITEMS]


def test_channel_page_shows_each_answer_of_the_last_inventory(client, org, channel):
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, **STATED)
    client.force_login(org.medarbetare)

    response = client.get(channel.get_absolute_url())

    assert response.context["inventory"]["stated"] == [(item.label, True) for item in INFORMATION_ITEMS]


# --- The migration of the single old item -------------------------------------------------------


def old_information_tick(channel, person, at) -> ChecklistTick:
    """A tick of the item as it was before issue 19 (choices are not checked on create)."""
    return ChecklistTick.objects.create(channel=channel, item="information", ticked_by=person, ticked_at=at)


def test_information_migration_removes_the_old_tick_of_a_planned_channel(org):
    channel = approved_plan(org).channel
    old_information_tick(channel, org.chef, timezone.now())
    ChecklistTick.objects.create(channel=channel, item="lankad", ticked_by=org.chef, ticked_at=timezone.now())
    migration = importlib.import_module("channel_register.migrations.0007_information_items")

    migration.split_ticks(django_apps, SimpleNamespace(connection=connection))

    assert channel.status == ChannelStatus.PLANERAD
    assert list(ChecklistTick.objects.filter(channel=channel).values_list("item", flat=True)) == ["lankad"]


def test_information_migration_turns_the_old_tick_of_a_live_channel_into_the_five(org, channel):
    at = datetime(2026, 3, 2, 9, 0, tzinfo=STOCKHOLM)
    ChecklistTick.objects.filter(channel=channel, item__in=[item.value for item in INFORMATION_ITEMS]).delete()
    old_information_tick(channel, org.kommunikator, at)
    migration = importlib.import_module("channel_register.migrations.0007_information_items")

    migration.split_ticks(django_apps, SimpleNamespace(connection=connection))

    rows = ChecklistTick.objects.filter(channel=channel, item__in=[item.value for item in ChecklistItem])
    converted = {item: (by, when) for item, by, when in rows.values_list("item", "ticked_by", "ticked_at")}
    assert {item: converted.get(item.value) for item in INFORMATION_ITEMS} == dict.fromkeys(
        INFORMATION_ITEMS, (org.kommunikator.pk, at)
    )
    assert not ChecklistTick.objects.filter(item="information").exists()
