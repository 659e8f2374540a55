"""Closing a channel (avvecklingsbegäran): an analysis first, then a decision through the SAME
chain as plans (chef → kommunikationsansvarig → kulturdirektör); approval sets the channel to
avvecklas, and only a final screenshot record lets it become avslutad.

Messages are read in English (the msgid, the stable text): the Swedish catalogue is being
completed while these tests are written. The upload messages, translated already, are read in
Swedish.
"""

import hashlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, channel_transition, record_screenshot
from channel_register.enums import ChannelAction, ChannelStatus
from channel_register.models import Channel, Screenshot
from channel_register.tests.channel_factories import (
    ANALYSIS,
    ANSWERED,
    CHAIN_APPROVAL,
    active_channel,
    closing_channel,
    final_screenshot,
    planned_channel_ready,
    png_upload,
    submitted_closure,
    trained,
)
from kob_social.errors import Conflict, Incomplete, NotAllowed
from notifications.models import Notification
from plans.domain import closures
from plans.enums import Action, PlanStatus
from plans.models import ClosureRequest, Decision

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FILL_IN = "Fill in this field before submitting the request."
WRITE_A_COMMENT = "Write a comment: the author needs to know why."
FINAL_SCREENSHOT_NEEDED = "A final screenshot record is needed before the channel is closed."
NOT_AN_ACCEPTED_KIND = (
    "Endast PNG-, JPEG- och PDF-filer tas emot. Den här filen är av ett annat slag, oavsett vad namnet säger."
)
FIELDS = ["reason", "measures_tried", "visitor_figures", "followers_notice", "account_fate"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def channel(org) -> Channel:
    """An active Länsbiblioteket channel owned by `medarbetare`."""
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def status_of(channel: Channel) -> str:
    return Channel.objects.values_list("status", flat=True).get(pk=channel.pk)


def waiting_notices() -> list[tuple]:
    return list(
        Notification.objects.filter(kind="plan_waiting", key__startswith="closurerequest:")
        .order_by("pk")
        .values_list("recipient", "key", "url")
    )


# --- Creating the request -----------------------------------------------------------------------


@pytest.mark.parametrize("state", ["aktiv", "pausad"])
def test_create_closure_request_for_active_or_paused_channel(org, channel, state):
    if state == "pausad":
        channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    analysis = {field: f"  {text}\n" for field, text in ANALYSIS.items()}

    closure = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=analysis)

    stored = ClosureRequest.objects.get(pk=closure.pk)
    assert (stored.channel, stored.unit, stored.author, stored.status, stored.deciding_chef) == (
        channel,
        org.library,
        org.medarbetare,
        PlanStatus.UTKAST,
        None,
    )
    assert {field: getattr(stored, field) for field in FIELDS} == ANALYSIS
    assert status_of(channel) == state


@pytest.mark.parametrize("state", ["planerad", "avvecklas", "avslutad"])
def test_create_closure_request_for_channel_not_active_or_paused_not_allowed(org, state):
    if state == "planerad":
        channel = planned_channel_ready(org)
    else:
        channel = closing_channel(org)
        if state == "avslutad":
            final_screenshot(channel, org.medarbetare)
            channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)
    requests_before = list(ClosureRequest.objects.values_list("pk", flat=True))

    with pytest.raises(NotAllowed):
        closures.create_closure_request(channel.pk, actor=org.chef, analysis=ANALYSIS)

    assert list(ClosureRequest.objects.values_list("pk", flat=True)) == requests_before
    assert status_of(channel) == state


@pytest.mark.parametrize("actor", ["medarbetare", "chef", "kommunikator"])
def test_create_closure_request_by_owner_chef_or_kommunikator_allowed(org, channel, actor):
    closure = closures.create_closure_request(channel.pk, actor=getattr(org, actor), analysis=ANALYSIS)

    assert list(ClosureRequest.objects.values_list("pk", "author")) == [(closure.pk, getattr(org, actor).pk)]


@pytest.mark.parametrize("actor", ["colleague", "medarbetare2", "chef2", "direktor", "admin"])
def test_create_closure_request_by_others_not_allowed(org, channel, actor):
    # A trained colleague of the same unit who does not own the channel is not enough either.
    colleague = trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Nils Kollega"))
    person = colleague if actor == "colleague" else getattr(org, actor)

    with pytest.raises(NotAllowed):
        closures.create_closure_request(channel.pk, actor=person, analysis=ANALYSIS)

    assert ClosureRequest.objects.count() == 0


@pytest.mark.parametrize("state", [PlanStatus.UTKAST, PlanStatus.HOS_KOMMUNIKATION, PlanStatus.ATERSAND])
def test_create_second_open_closure_request_conflict(org, channel, state):
    first = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=ANALYSIS)
    if state != PlanStatus.UTKAST:
        closures.transition(first.pk, Action.SUBMIT, actor=org.medarbetare)
        action = Action.APPROVE if state == PlanStatus.HOS_KOMMUNIKATION else Action.RETURN
        closures.transition(first.pk, action, actor=org.chef, comment="Komplettera besökssiffrorna.")
    assert ClosureRequest.objects.get(pk=first.pk).status == state

    with pytest.raises(Conflict):
        closures.create_closure_request(channel.pk, actor=org.kommunikator, analysis=ANALYSIS)

    assert list(ClosureRequest.objects.values_list("pk", flat=True)) == [first.pk]


# --- Submitting ---------------------------------------------------------------------------------


def test_submit_closure_without_analysis_incomplete(org, channel, english):
    closure = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis={})

    with pytest.raises(Incomplete) as refused:
        closures.transition(closure.pk, Action.SUBMIT, actor=org.medarbetare, expected_revision=closure.revision)

    assert refused.value.errors == {field: [FILL_IN] for field in FIELDS}
    assert ClosureRequest.objects.values_list("status", "revision", "submitted_at").get(pk=closure.pk) == (
        PlanStatus.UTKAST,
        closure.revision,
        None,
    )
    assert waiting_notices() == []


@pytest.mark.parametrize("field", FIELDS)
def test_submit_closure_missing_one_analysis_field_incomplete(org, channel, english, field):
    closure = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis={**ANALYSIS, field: "  \n "})

    with pytest.raises(Incomplete) as refused:
        closures.transition(closure.pk, Action.SUBMIT, actor=org.medarbetare)

    assert refused.value.errors == {field: [FILL_IN]}
    assert ClosureRequest.objects.get(pk=closure.pk).status == PlanStatus.UTKAST


@pytest.mark.parametrize("actor", ["chef", "kommunikator", "medarbetare2"])
def test_submit_closure_by_other_than_author_not_allowed(org, channel, actor):
    closure = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=ANALYSIS)

    with pytest.raises(NotAllowed):
        closures.transition(closure.pk, Action.SUBMIT, actor=getattr(org, actor))

    assert ClosureRequest.objects.get(pk=closure.pk).status == PlanStatus.UTKAST


# --- The chain ----------------------------------------------------------------------------------


def test_closure_travels_chain_chef_kommunikation_direktor(org, channel):
    closure = submitted_closure(org, channel)
    seen = [(closure.status, status_of(channel))]

    for actor, action in CHAIN_APPROVAL:
        closure = closures.transition(closure.pk, action, actor=getattr(org, actor), comment="Instämmer.")
        seen.append((closure.status, status_of(channel)))

    # The channel stays active through the chain and is being closed only after the last step.
    assert seen == [
        (PlanStatus.HOS_CHEF, ChannelStatus.AKTIV),
        (PlanStatus.HOS_KOMMUNIKATION, ChannelStatus.AKTIV),
        (PlanStatus.HOS_DIREKTOR, ChannelStatus.AKTIV),
        (PlanStatus.GODKAND, ChannelStatus.AVVECKLAS),
    ]
    assert list(
        Decision.objects.filter(closure=closure).values_list("step", "outcome", "decided_by", "role", "plan", "comment")
    ) == [
        ("chef", "godkann", org.chef.pk, "Chef", None, "Instämmer."),
        ("kommunikation", "godkann", org.kommunikator.pk, "Kommunikationsansvarig", None, "Instämmer."),
        ("direktor", "godkann", org.direktor.pk, "Kulturdirektör", None, "Instämmer."),
    ]
    stored = ClosureRequest.objects.get(pk=closure.pk)
    assert (stored.deciding_chef, stored.decided_at is not None) == (org.chef, True)


def test_closure_notifies_each_next_decider(org, channel):
    closure = submitted_closure(org, channel)
    revisions = [closure.revision]
    for actor, action in CHAIN_APPROVAL[:-1]:
        closure = closures.transition(closure.pk, action, actor=getattr(org, actor))
        revisions.append(closure.revision)

    notices = waiting_notices()

    url = closure.get_absolute_url()
    assert notices == [
        (org.chef.pk, f"closurerequest:{closure.pk}:r{revisions[0]}:plan_waiting:{org.chef.pk}", url),
        (org.kommunikator.pk, f"closurerequest:{closure.pk}:r{revisions[1]}:plan_waiting:{org.kommunikator.pk}", url),
        (org.direktor.pk, f"closurerequest:{closure.pk}:r{revisions[2]}:plan_waiting:{org.direktor.pk}", url),
    ]


def test_closure_final_approval_notifies_author(org, channel):
    closure = submitted_closure(org, channel)
    for actor, action in CHAIN_APPROVAL:
        closure = closures.transition(closure.pk, action, actor=getattr(org, actor))

    told = list(
        Notification.objects.filter(recipient=org.medarbetare, key__startswith="closurerequest:")
        .order_by("pk")
        .values_list("kind", flat=True)
    )

    assert told == ["plan_skicka_in", "plan_godkann", "plan_godkann", "plan_godkann"]


def test_closure_by_chef_signs_chef_step_by_submitting(org, channel):
    closure = closures.create_closure_request(channel.pk, actor=org.chef, analysis=ANALYSIS)

    closure = closures.transition(closure.pk, Action.SUBMIT, actor=org.chef)

    assert closure.status == PlanStatus.HOS_KOMMUNIKATION
    assert list(
        Decision.objects.filter(closure=closure).values_list("step", "decided_by", "role", "signed_by_submission")
    ) == [("chef", org.chef.pk, "Chef", True)]
    assert [recipient for recipient, _key, _url in waiting_notices()] == [org.kommunikator.pk]


@pytest.mark.parametrize("actor", ["kommunikator", "direktor", "chef2", "medarbetare"])
def test_closure_chef_step_decided_by_other_than_chef_not_allowed(org, channel, actor):
    closure = submitted_closure(org, channel)

    with pytest.raises(NotAllowed):
        closures.transition(closure.pk, Action.APPROVE, actor=getattr(org, actor))

    assert ClosureRequest.objects.get(pk=closure.pk).status == PlanStatus.HOS_CHEF
    assert Decision.objects.filter(closure=closure).count() == 0


def test_closure_decide_with_stale_revision_conflict(org, channel):
    closure = submitted_closure(org, channel)
    seen_revision = closure.revision
    closures.transition(closure.pk, Action.APPROVE, actor=org.chef, expected_revision=seen_revision)

    with pytest.raises(Conflict):
        closures.transition(closure.pk, Action.APPROVE, actor=org.kommunikator, expected_revision=seen_revision)

    assert ClosureRequest.objects.get(pk=closure.pk).status == PlanStatus.HOS_KOMMUNIKATION
    assert list(Decision.objects.filter(closure=closure).values_list("step", flat=True)) == ["chef"]


@pytest.mark.parametrize("action", [Action.RETURN, Action.REJECT])
@pytest.mark.parametrize("comment", ["", "  \n\t "])
def test_closure_return_or_reject_without_comment_incomplete(org, channel, english, action, comment):
    closure = submitted_closure(org, channel)

    with pytest.raises(Incomplete) as refused:
        closures.transition(closure.pk, action, actor=org.chef, expected_revision=closure.revision, comment=comment)

    assert refused.value.errors == {"comment": [WRITE_A_COMMENT]}
    assert ClosureRequest.objects.values_list("status", "revision").get(pk=closure.pk) == (
        PlanStatus.HOS_CHEF,
        closure.revision,
    )
    assert Decision.objects.filter(closure=closure).count() == 0


def test_closure_returned_is_edited_and_submitted_again(org, channel):
    closure = submitted_closure(org, channel)
    closure = closures.transition(closure.pk, Action.RETURN, actor=org.chef, comment="Ange besökssiffror per år.")
    edited = closures.save_closure_request(
        closure.pk,
        actor=org.medarbetare,
        expected_revision=closure.revision,
        analysis={**ANALYSIS, "visitor_figures": "Besök 2024: 1 200, 2025: 950."},
    )

    resubmitted = closures.transition(closure.pk, Action.SUBMIT, actor=org.medarbetare)

    assert (closure.status, resubmitted.status) == (PlanStatus.ATERSAND, PlanStatus.HOS_CHEF)
    assert ClosureRequest.objects.get(pk=closure.pk).visitor_figures == "Besök 2024: 1 200, 2025: 950."
    assert edited.revision == closure.revision + 1
    assert list(Decision.objects.filter(closure=closure).values_list("outcome", "comment")) == [
        ("atersand", "Ange besökssiffror per år.")
    ]
    assert status_of(channel) == ChannelStatus.AKTIV


@pytest.mark.parametrize("step", [0, 1, 2])
def test_closure_rejected_keeps_channel_and_allows_new_request(org, channel, step):
    closure = submitted_closure(org, channel)
    for actor, action in CHAIN_APPROVAL[:step]:
        closure = closures.transition(closure.pk, action, actor=getattr(org, actor))
    decider = getattr(org, CHAIN_APPROVAL[step][0])

    closure = closures.transition(closure.pk, Action.REJECT, actor=decider, comment="Kanalen behövs under jubileet.")
    again = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=ANALYSIS)

    assert (closure.status, status_of(channel)) == (PlanStatus.AVSLAGEN, ChannelStatus.AKTIV)
    assert again.status == PlanStatus.UTKAST


def test_closure_withdrawn_tells_waiting_decider(org, channel):
    closure = submitted_closure(org, channel)

    closure = closures.transition(closure.pk, Action.WITHDRAW, actor=org.medarbetare)

    assert (closure.status, status_of(channel)) == (PlanStatus.ATERKALLAD, ChannelStatus.AKTIV)
    assert list(
        Notification.objects.filter(kind="plan_withdrawn", key__startswith="closurerequest:").values_list(
            "recipient", flat=True
        )
    ) == [org.chef.pk]


# --- Closing ------------------------------------------------------------------------------------


def test_close_channel_without_final_screenshot_incomplete(org, english):
    channel = closing_channel(org)
    # A half-yearly screenshot is not the final one.
    record_screenshot(
        channel.pk,
        actor=org.medarbetare,
        taken_on=timezone.localdate(),
        url=channel.url,
        **ANSWERED,
        uploads=[png_upload()],
        is_final=False,
    )
    revision = Channel.objects.get(pk=channel.pk).revision

    with pytest.raises(Incomplete) as refused:
        channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)

    assert refused.value.errors == {"status": [FINAL_SCREENSHOT_NEEDED]}
    assert Channel.objects.values_list("status", "revision", "closed_at").get(pk=channel.pk) == (
        ChannelStatus.AVVECKLAS,
        revision,
        None,
    )


def test_close_channel_with_final_screenshot_closes(org, time_machine):
    channel = closing_channel(org)
    screenshot = record_screenshot(
        channel.pk,
        actor=org.medarbetare,
        taken_on=timezone.localdate(),
        url=channel.url,
        **ANSWERED,
        uploads=[png_upload("sista sidan.png", width=64, height=48)],
        is_final=True,
    )
    time_machine.move_to(datetime(2027, 5, 3, 16, 0, tzinfo=STOCKHOLM), tick=False)

    closed = channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)

    stored = Channel.objects.get(pk=channel.pk)
    assert (closed.status, stored.status, stored.closed_at) == (
        ChannelStatus.AVSLUTAD,
        ChannelStatus.AVSLUTAD,
        timezone.now(),
    )
    (file,) = Screenshot.objects.get(pk=screenshot.pk).files.all()
    with file.file.open("rb") as handle:
        stored_bytes = handle.read()
    assert (file.original_name, file.content_type, file.size, file.sha256) == (
        "sista sidan.png",
        "image/png",
        len(stored_bytes),
        hashlib.sha256(stored_bytes).hexdigest(),
    )


def test_close_active_channel_with_final_screenshot_not_allowed(org, channel):
    # Closing skips no step: without an approved closure request the channel stays active.
    final_screenshot(channel, org.medarbetare)

    with pytest.raises(NotAllowed):
        channel_transition(channel.pk, ChannelAction.CLOSE, actor=org.chef)

    assert status_of(channel) == ChannelStatus.AKTIV


def test_record_final_screenshot_html_as_png_refused(org):
    channel = closing_channel(org)

    with pytest.raises(Incomplete) as refused:
        record_screenshot(
            channel.pk,
            actor=org.medarbetare,
            taken_on=timezone.localdate(),
            url=channel.url,
            **ANSWERED,
            uploads=[SimpleUploadedFile("bild.png", b"<html><body>inte en bild</body></html>")],
            is_final=True,
        )

    assert refused.value.errors == {"files": [NOT_AN_ACCEPTED_KIND]}
    assert Screenshot.objects.filter(channel=channel).count() == 0
