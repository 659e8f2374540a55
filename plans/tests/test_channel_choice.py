"""The channel a first plan is for: an existing channel of the unit or a new one, a warning
for a new channel like one already in the register, and the planned channel a rejected or
withdrawn first plan leaves behind (closed without being started, its history kept)."""

import pytest
from django.urls import reverse

from channel_register.domain.channels import channel_transition, create_planned_channel
from channel_register.enums import ChannelAction, ChannelStatus, Platform
from channel_register.models import Channel
from channel_register.queries import near_duplicate_channels
from channel_register.tests.channel_factories import approved_plan
from kob_social.errors import Incomplete, NotAllowed
from plans.domain.drafts import create_draft, revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Plan

from .factories import GOAL, complete_plan, plan_content
from .test_plan_form import form_data
from .view_helpers import page

pytestmark = pytest.mark.django_db


def legacy_channel(unit, **overrides) -> Channel:
    """A channel of `unit` with no plan (from before the register had plans)."""
    values = {"platform": Platform.INSTAGRAM, "name": "Läslust på Instagram", "url": "https://instagram.com/laslust"}
    values.update(overrides)
    return create_planned_channel(unit=unit, **values)


def status_of(channel: Channel) -> str:
    return Channel.objects.get(pk=channel.pk).status


# --- A rejected or withdrawn first plan -------------------------------------------------------


def test_reject_first_plan_closes_its_planned_channel_unstarted_with_history(org):
    plan = complete_plan(org.medarbetare)
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    rows_before = plan.channel.history.count()

    transition(plan.pk, Action.REJECT, actor=org.chef, comment="Vi satsar inte på Facebook.")

    channel = Channel.objects.get(pk=plan.channel_id)
    assert (channel.status, channel.activated_at is None, channel.closed_at is not None) == (
        ChannelStatus.AVSLUTAD,
        True,
        True,
    )
    latest = channel.history.first()
    assert (channel.history.count(), latest.history_change_reason, latest.history_user) == (
        rows_before + 1,
        str(ChannelAction.ARCHIVE.label),
        None,
    )


def test_withdraw_first_draft_closes_its_planned_channel(org):
    plan = complete_plan(org.medarbetare)

    transition(plan.pk, Action.WITHDRAW, actor=org.medarbetare)

    assert status_of(plan.channel) == ChannelStatus.AVSLUTAD


def test_reject_second_version_keeps_channel_of_approved_plan(org):
    first = approved_plan(org)
    second = revise(first.pk, actor=org.medarbetare)
    transition(second.pk, Action.SUBMIT, actor=org.medarbetare)

    transition(second.pk, Action.REJECT, actor=org.chef, comment="Behåll nuvarande plan.")

    assert status_of(first.channel) == ChannelStatus.PLANERAD


def test_withdraw_first_plan_for_existing_channel_that_became_active_keeps_it(org):
    channel = legacy_channel(org.library)
    plan = create_draft(
        author=org.medarbetare, content={**plan_content(org.library, org.medarbetare), "channel": channel}
    )
    Channel.objects.filter(pk=channel.pk).update(status=ChannelStatus.AKTIV)  # arrange: active by other means

    transition(plan.pk, Action.WITHDRAW, actor=org.medarbetare)

    assert status_of(channel) == ChannelStatus.AKTIV


def test_channel_transition_archive_by_a_person_not_allowed(org):
    channel = complete_plan(org.medarbetare).channel

    with pytest.raises(NotAllowed):
        channel_transition(channel.pk, ChannelAction.ARCHIVE, actor=org.chef)

    assert status_of(channel) == ChannelStatus.PLANERAD


def test_channel_list_planned_filter_leaves_out_closed_unstarted_channel(client, org):
    kept = complete_plan(org.medarbetare, channel_name="Biblioteket på Facebook")
    dropped = complete_plan(org.medarbetare, channel_name="Felstavad kanal")
    transition(dropped.pk, Action.WITHDRAW, actor=org.medarbetare)
    client.force_login(org.chef)

    response = client.get(reverse("channel_register:list"), {"status": ChannelStatus.PLANERAD})

    links = [a.attrs.get("href") for a in page(response).find_all("a")]
    assert (kept.channel.get_absolute_url() in links, dropped.channel.get_absolute_url() in links) == (True, False)


# --- Writing a first plan for an existing channel ---------------------------------------------


def test_create_draft_for_existing_channel_links_it_and_creates_none(org):
    channel = legacy_channel(org.library)
    count = Channel.objects.count()

    plan = create_draft(
        author=org.medarbetare,
        content={**plan_content(org.library, org.medarbetare), "channel": channel},
        goals=[GOAL],
    )

    assert (plan.channel_id, Channel.objects.count()) == (channel.pk, count)
    assert (plan.platform, plan.channel_name, plan.channel_url) == (channel.platform, channel.name, channel.url)


def test_create_draft_for_channel_with_a_plan_incomplete_nothing_created(org):
    taken = complete_plan(org.medarbetare).channel
    plans, channels = Plan.objects.count(), Channel.objects.count()

    with pytest.raises(Incomplete) as refused:
        create_draft(author=org.medarbetare, content={**plan_content(org.library, org.medarbetare), "channel": taken})

    assert list(refused.value.errors) == ["channel"]
    assert (Plan.objects.count(), Channel.objects.count()) == (plans, channels)


def test_save_draft_switched_to_existing_channel_closes_the_drafts_own(org):
    plan = complete_plan(org.medarbetare)
    own = plan.channel
    channel = legacy_channel(org.library)

    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content={**plan_content(org.library, org.medarbetare), "channel": channel},
    )

    assert (Plan.objects.get(pk=plan.pk).channel_id, status_of(own)) == (channel.pk, ChannelStatus.AVSLUTAD)


def test_save_draft_new_name_renames_its_own_planned_channel(org):
    plan = complete_plan(org.medarbetare, channel_name="Länsbibliotket")

    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content={**plan_content(org.library, org.medarbetare, channel_name="Länsbiblioteket"), "channel": None},
    )

    channel = Channel.objects.get(pk=plan.channel_id)
    assert (channel.name, channel.status, Channel.objects.count()) == ("Länsbiblioteket", ChannelStatus.PLANERAD, 1)


# --- Near-duplicates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "name", "url", "found"),
    [
        (Platform.INSTAGRAM, "  LÄSLUST på instagram ", "", True),  # case, spaces, diacritics
        (Platform.INSTAGRAM, "Läslust på Instagramm", "", True),  # similar
        (Platform.FACEBOOK, "Läslust på Instagram", "", False),  # another platform
        (Platform.INSTAGRAM, "Konst i Uppland", "", False),
        (Platform.OTHER, "Något annat", "http://www.Instagram.com/laslust/", True),  # the same address
        ("", "Läslust på Instagram", "", True),  # no platform chosen yet
    ],
)
def test_near_duplicate_channels_by_name_per_platform_or_by_address(org, platform, name, url, found):
    channel = legacy_channel(org.music)

    duplicates = near_duplicate_channels(platform=platform, name=name, url=url)

    assert duplicates == ([channel] if found else [])


# --- The form ---------------------------------------------------------------------------------


def test_plan_create_form_existing_channel_chosen_links_it(client, org):
    channel = legacy_channel(org.library)
    client.force_login(org.medarbetare)
    typed = {"unit": org.library, "channel_choice": "befintlig", "channel": channel}

    response = client.post(reverse("plans:create"), form_data(typed))

    plan = Plan.objects.get()
    assert (response.status_code, plan.channel_id, Channel.objects.count()) == (302, channel.pk, 1)


def test_plan_create_form_offers_existing_channels_by_default(client, org):
    channel = legacy_channel(org.library)
    complete_plan(org.medarbetare, channel_name="Har redan en plan")
    client.force_login(org.medarbetare)

    document = page(client.get(reverse("plans:create")))

    checked = [i.attrs["value"] for i in document.find_all("input", name="channel_choice") if "checked" in i.attrs]
    options = [o.attrs["value"] for o in document.find("select", name="channel").find_all("option")]
    assert (checked, options) == (["befintlig"], ["", str(channel.pk)])


def test_plan_create_form_existing_chosen_but_new_name_typed_refused_nothing_saved(client, org):
    channel = legacy_channel(org.library)
    client.force_login(org.medarbetare)
    typed = {"unit": org.library, "channel_choice": "befintlig", "channel": channel, "channel_name": "Ny kanal"}

    response = client.post(reverse("plans:create"), form_data(typed))

    assert (response.status_code, Plan.objects.count(), Channel.objects.count()) == (200, 0, 1)
    assert page(response).find("ul", id="id_channel_choice_error") is not None


def test_plan_create_form_near_duplicate_warns_then_saves_when_confirmed(client, org):
    legacy_channel(org.music)  # another unit's: the whole register counts
    client.force_login(org.medarbetare)
    typed = {"unit": org.library, "platform": Platform.INSTAGRAM, "channel_name": "Läslust på instagram"}

    warned = client.post(reverse("plans:create"), form_data(typed))
    confirmed = client.post(reverse("plans:create"), form_data({**typed, "confirm_new_channel": "on"}))

    document = page(warned)
    assert (warned.status_code, document.find("input", name="confirm_new_channel") is not None) == (200, True)
    assert document.find("input", name="channel_name").attrs["value"] == "Läslust på instagram"  # nothing lost
    plan = Plan.objects.get()
    assert (confirmed.status_code, plan.channel.name, Channel.objects.count()) == (302, "Läslust på instagram", 2)


def test_plan_edit_form_unchanged_new_channel_not_warned_again(client, org):
    legacy_channel(org.music)
    plan = complete_plan(
        org.medarbetare, platform=Platform.INSTAGRAM, channel_name="Läslust på instagram", channel_url=""
    )
    client.force_login(org.medarbetare)
    typed = {"unit": org.library, "platform": Platform.INSTAGRAM, "channel_name": "Läslust på instagram"}

    response = client.post(reverse("plans:edit", args=[plan.pk]), form_data(typed, revision=plan.revision))

    assert (response.status_code, Plan.objects.get(pk=plan.pk).status) == (302, PlanStatus.UTKAST)
