"""What a person may write on the channel's pages (issue 11, findings 1 and 9): an agreement's
tasks, an inventory note and a removal's description have a maximum length, and an agreement's
hours per week a range. Each limit holds at the form (a Swedish message at the field,
`maxlength` on the textarea) and in the model (full_clean).

The limits are written out here as numbers: they are the product's decision that these tests
pin (2000 characters, 0 to 40 hours per week, as for the plan's working time).
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from channel_register.domain.channels import confirm_inventory, log_removal, propose_agreement
from channel_register.enums import RemovalCategory
from channel_register.models import Agreement, InventoryConfirmation, RemovalEntry
from kob_social.errors import Incomplete

from .channel_factories import STATED, STATED_POSTED, png_upload
from .channel_pages import (
    channel_fixture,  # noqa: F401 (fixture)
    form_data,
    media_fixture,  # noqa: F401 (fixture)
)

pytestmark = pytest.mark.django_db

LIMIT = 2000
HOURS = "Arbetstiden ska vara från 0 till 40 timmar per vecka."


def too_long() -> str:
    return "å" * (LIMIT + 1)


def agreement(org, **overrides) -> dict:
    data = {"owner": org.medarbetare.pk, "tasks": "Publicera två inlägg i veckan.", "hours_per_week": "3.5"}
    return {**data, **overrides}


def inventory(**overrides) -> dict:
    return {"still_used": "on", "owners_correct": "on", **STATED_POSTED, "note": "", **overrides}


def removal(**overrides) -> dict:
    return {**form_data("removal_create"), "evidence": png_upload("bevis.png"), **overrides}


# --- The agreement --------------------------------------------------------------------------------


def test_agreement_create_tasks_over_limit_refused_at_field_nothing_stored(client, org, channel):
    client.force_login(org.chef)

    response = client.post(
        reverse("channel_register:agreement_create", args=[channel.pk]), agreement(org, tasks=too_long())
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"tasks": ["Skriv högst 2000 tecken (nu är det 2001)."]}
    assert Agreement.objects.filter(owner=org.medarbetare).count() == 0


@pytest.mark.parametrize("hours", ["-1", "40.5", "999.9"])
def test_agreement_create_hours_out_of_range_refused_at_field_nothing_stored(client, org, channel, hours):
    client.force_login(org.chef)

    response = client.post(
        reverse("channel_register:agreement_create", args=[channel.pk]), agreement(org, hours_per_week=hours)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"hours_per_week": [HOURS]}
    assert Agreement.objects.filter(owner=org.medarbetare).count() == 0


def test_agreement_create_at_limits_saved(client, org, channel):
    client.force_login(org.chef)
    tasks = "ä" * LIMIT

    response = client.post(
        reverse("channel_register:agreement_create", args=[channel.pk]),
        agreement(org, tasks=tasks, hours_per_week="40"),
    )

    assert response.status_code == 302
    saved = Agreement.objects.filter(owner=org.medarbetare)
    assert list(saved.values_list("tasks", "hours_per_week")) == [(tasks, Decimal("40"))]


# --- The inventory and the removal log ------------------------------------------------------------


def test_inventory_note_over_limit_refused_at_field_nothing_stored(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.post(reverse("channel_register:inventory", args=[channel.pk]), inventory(note=too_long()))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["note"]
    assert InventoryConfirmation.objects.count() == 0


def test_removal_description_over_limit_refused_at_field_nothing_stored(client, org, channel, media):
    client.force_login(org.medarbetare)

    response = client.post(
        reverse("channel_register:removal_create", args=[channel.pk]), removal(description=too_long())
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["description"]
    assert RemovalEntry.objects.count() == 0
    assert not list(media.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "field"),
    [("agreement_create", "tasks"), ("inventory", "note"), ("removal_create", "description")],
)
def test_channel_form_textarea_carries_maxlength(client, org, channel, name, field):
    client.force_login(org.chef)

    response = client.get(reverse(f"channel_register:{name}", args=[channel.pk]))

    assert f'maxlength="{LIMIT}"' in str(response.context["form"][field])


# --- The models -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "field"), [(Agreement, "tasks"), (InventoryConfirmation, "note"), (RemovalEntry, "description")]
)
def test_model_full_clean_text_over_limit_refused_at_field(model, field):
    row = model(**{field: too_long()})

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.message_dict[field] == ["Skriv högst 2000 tecken (nu är det 2001)."]


@pytest.mark.parametrize("hours", [Decimal("-1"), Decimal("40.1")])
def test_agreement_full_clean_hours_out_of_range_refused_at_field(hours):
    row = Agreement(tasks="Publicera.", hours_per_week=hours)

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.message_dict["hours_per_week"] == [HOURS]


# --- The domain holds the same limits for content that did not come through a form ---------------


def test_propose_agreement_over_limit_and_out_of_range_incomplete_nothing_stored(org, channel):
    with pytest.raises(Incomplete) as refused:
        propose_agreement(channel.pk, actor=org.chef, owner=org.medarbetare, tasks=too_long(), hours_per_week=-1)

    assert sorted(refused.value.errors) == ["hours_per_week", "tasks"]
    assert refused.value.errors["hours_per_week"] == [HOURS]
    assert Agreement.objects.filter(owner=org.medarbetare).count() == 0


def test_confirm_inventory_note_over_limit_incomplete_nothing_stored(org, channel):
    with pytest.raises(Incomplete) as refused:
        confirm_inventory(
            channel.pk,
            actor=org.medarbetare,
            still_used=True,
            owners_correct=True,
            **STATED,
            note=too_long(),
        )

    assert refused.value.errors == {"note": ["Skriv högst 2000 tecken (nu är det 2001)."]}
    assert InventoryConfirmation.objects.count() == 0


def test_log_removal_description_over_limit_incomplete_nothing_stored(org, channel, media):
    with pytest.raises(Incomplete) as refused:
        log_removal(
            channel.pk,
            actor=org.chef,
            removed_on=timezone.localdate(),
            category=RemovalCategory.values[0],
            description=too_long(),
            upload=png_upload("bevis.png"),
        )

    assert refused.value.errors == {"description": ["Skriv högst 2000 tecken (nu är det 2001)."]}
    assert (RemovalEntry.objects.count(), list(media.rglob("*.*"))) == (0, [])
