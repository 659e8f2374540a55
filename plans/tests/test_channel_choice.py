"""The channel a first plan is for: an existing channel of the unit or a new one, a warning
for a new channel like one already in the register, a new channel entering the register only
when its plan is first submitted (a draft never leaves one behind), and the planned channel a
rejected or withdrawn first plan leaves behind (closed without being started, history kept)."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from channel_register.domain.channels import channel_transition, create_planned_channel, set_checklist_item
from channel_register.enums import ChannelAction, ChannelStatus, ChecklistItem, Platform
from channel_register.models import Channel
from channel_register.queries import near_duplicate_channels
from channel_register.tests.channel_factories import approved_plan
from kob_social.errors import Incomplete, NotAllowed
from kob_social.history import update_with_history
from plans.domain.drafts import create_draft, revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Plan

from .factories import GOAL, complete_plan, plan_content, submitted_plan
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
    plan = submitted_plan(org.medarbetare)
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


def test_withdraw_first_plan_after_submission_closes_its_planned_channel(org):
    plan = submitted_plan(org.medarbetare)

    transition(plan.pk, Action.WITHDRAW, actor=org.medarbetare)

    assert status_of(plan.channel) == ChannelStatus.AVSLUTAD


# --- A new channel enters the register at the first submission ------------------------------


def test_draft_for_new_channel_puts_nothing_in_the_register(org):
    plan = complete_plan(org.medarbetare, channel_name="Länsbibliotket")  # a typo, then abandoned

    assert (plan.channel_id, Channel.objects.count()) == (None, 0)


def test_first_submission_creates_the_planned_channel_from_the_plan_in_one_history_entry(org):
    plan = complete_plan(org.medarbetare, channel_name="Läslust", channel_url="https://www.facebook.com/laslust")
    entries = plan.history.count()

    plan = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    channel = Channel.objects.get()
    assert (channel.pk, channel.name, channel.url, channel.unit, channel.status) == (
        Plan.objects.get(pk=plan.pk).channel_id,
        "Läslust",
        "https://www.facebook.com/laslust",
        org.library,
        ChannelStatus.PLANERAD,
    )
    assert (plan.history.count(), plan.history.first().channel_id) == (entries + 1, channel.pk)


def test_refused_submission_creates_no_channel(org):
    plan = complete_plan(org.medarbetare, purpose="")

    with pytest.raises(Incomplete):
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert (Plan.objects.get(pk=plan.pk).channel_id, Channel.objects.count()) == (None, 0)


def test_withdraw_draft_never_submitted_leaves_nothing_in_the_register(org):
    plan = complete_plan(org.medarbetare)

    transition(plan.pk, Action.WITHDRAW, actor=org.medarbetare)

    assert (Plan.objects.get(pk=plan.pk).status, Channel.objects.count()) == (PlanStatus.ATERKALLAD, 0)


def test_resubmission_of_returned_plan_keeps_its_channel(org):
    plan = submitted_plan(org.medarbetare)
    transition(plan.pk, Action.RETURN, actor=org.chef, comment="Komplettera målgrupperna.")

    resubmitted = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert (resubmitted.channel_id, Channel.objects.count()) == (plan.channel_id, 1)


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
    # arrange: active by other means
    update_with_history(Channel.objects.filter(pk=channel.pk), status=ChannelStatus.AKTIV)

    transition(plan.pk, Action.WITHDRAW, actor=org.medarbetare)

    assert status_of(channel) == ChannelStatus.AKTIV


def test_channel_transition_archive_by_a_person_not_allowed(org):
    channel = submitted_plan(org.medarbetare).channel

    with pytest.raises(NotAllowed):
        channel_transition(channel.pk, ChannelAction.ARCHIVE, actor=org.chef)

    assert status_of(channel) == ChannelStatus.PLANERAD


def test_channel_list_planned_filter_leaves_out_closed_unstarted_channel(client, org):
    kept = submitted_plan(org.medarbetare, channel_name="Biblioteket på Facebook")
    dropped = submitted_plan(org.medarbetare, channel_name="Felstavad kanal")
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
    taken = submitted_plan(org.medarbetare).channel
    plans, channels = Plan.objects.count(), Channel.objects.count()

    with pytest.raises(Incomplete) as refused:
        create_draft(author=org.medarbetare, content={**plan_content(org.library, org.medarbetare), "channel": taken})

    assert list(refused.value.errors) == ["channel"]
    assert (Plan.objects.count(), Channel.objects.count()) == (plans, channels)


def test_save_draft_switched_to_existing_channel_links_it_and_creates_none(org):
    plan = complete_plan(org.medarbetare)
    channel = legacy_channel(org.library)

    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content={**plan_content(org.library, org.medarbetare), "channel": channel},
    )

    assert (Plan.objects.get(pk=plan.pk).channel_id, Channel.objects.count()) == (channel.pk, 1)


def returned(plan: Plan, org) -> Plan:
    transition(plan.pk, Action.RETURN, actor=org.chef, comment="Komplettera målgrupperna.")
    return Plan.objects.get(pk=plan.pk)


def test_save_returned_plan_switched_to_existing_channel_closes_its_own(org):
    plan = returned(submitted_plan(org.medarbetare), org)
    own = plan.channel
    channel = legacy_channel(org.library)

    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content={**plan_content(org.library, org.medarbetare), "channel": channel},
    )

    assert (Plan.objects.get(pk=plan.pk).channel_id, status_of(own)) == (channel.pk, ChannelStatus.AVSLUTAD)


def test_save_returned_plan_new_name_renames_its_own_planned_channel(org):
    plan = returned(submitted_plan(org.medarbetare, channel_name="Länsbibliotket"), org)

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
    plan = Plan.objects.get()  # the channel enters the register when the plan is submitted
    assert (confirmed.status_code, plan.channel_name, Channel.objects.count()) == (302, "Läslust på instagram", 1)


def test_plan_edit_form_unchanged_new_channel_not_warned_again(client, org):
    legacy_channel(org.music)
    plan = complete_plan(
        org.medarbetare, platform=Platform.INSTAGRAM, channel_name="Läslust på instagram", channel_url=""
    )
    client.force_login(org.medarbetare)
    typed = {"unit": org.library, "platform": Platform.INSTAGRAM, "channel_name": "Läslust på instagram"}

    response = client.post(reverse("plans:edit", args=[plan.pk]), form_data(typed, revision=plan.revision))

    assert (response.status_code, Plan.objects.get(pk=plan.pk).status) == (302, PlanStatus.UTKAST)


# --- Planned channels held by drafts from before (release_draft_channels) ---------------------


def draft_from_before(org, **overrides) -> Plan:
    """A draft as the release before made it: its planned channel created with the draft."""
    plan = complete_plan(org.medarbetare, **overrides)
    channel = create_planned_channel(
        platform=plan.platform, name=plan.channel_name, url=plan.channel_url, unit=plan.unit
    )
    update_with_history(Plan.objects.filter(pk=plan.pk), channel=channel)  # arrange: the old state in the database
    return Plan.objects.get(pk=plan.pk)


def run_release(*args) -> str:
    out = io.StringIO()
    call_command("release_draft_channels", *args, stdout=out)
    return out.getvalue()


def test_release_draft_channels_closes_the_unsubmitted_drafts_channel_with_history(org):
    plan = draft_from_before(org)
    entries = plan.history.count()

    output = run_release()

    channel = Channel.objects.get(pk=plan.channel_id)
    latest = channel.history.first()
    assert (channel.status, channel.activated_at, latest.history_change_reason) == (
        ChannelStatus.AVSLUTAD,
        None,
        str(ChannelAction.ARCHIVE.label),
    )
    released = Plan.objects.get(pk=plan.pk)
    assert (released.channel_id, released.status, released.history.count()) == (None, PlanStatus.UTKAST, entries + 1)
    assert "1 closed" in output


def test_release_draft_channels_then_submission_puts_a_new_planned_channel_in_the_register(org):
    plan = draft_from_before(org)
    run_release()

    submitted = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert (submitted.channel_id != plan.channel_id, submitted.channel.status) == (True, ChannelStatus.PLANERAD)


def test_release_draft_channels_leaves_channels_with_something_recorded_or_submitted_plans(org):
    ticked = draft_from_before(org, channel_name="Med kryss")
    set_checklist_item(ticked.channel_id, ChecklistItem.LINKED_FROM_WEBSITE, actor=org.chef, ticked=True)
    submitted = submitted_plan(org.medarbetare, channel_name="Inskickad")

    output = run_release()

    assert (status_of(ticked.channel), status_of(submitted.channel)) == (ChannelStatus.PLANERAD, ChannelStatus.PLANERAD)
    assert "0 closed" in output


def test_release_draft_channels_dry_run_changes_nothing_and_a_second_run_finds_nothing(org):
    plan = draft_from_before(org)

    listed = run_release("--dry-run")
    assert (status_of(plan.channel), "1 would be closed" in listed) == (ChannelStatus.PLANERAD, True)
    run_release()
    assert "0 closed" in run_release()
