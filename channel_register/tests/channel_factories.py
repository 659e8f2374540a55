"""Channels brought to a state through the domain functions, never by assigning `.status`.

Every helper takes the `org` fixture of plans/tests/conftest.py: the channels belong to
Länsbiblioteket, whose chef is `org.chef`, and their plans are written by `org.medarbetare`.
"""

import io
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.tests.factories import TrainingRecordFactory
from channel_register.domain.channels import appoint, channel_transition, record_screenshot, set_checklist_item
from channel_register.enums import ChannelAction, ChecklistItem
from channel_register.models import Channel, Screenshot
from plans.domain import closures
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import ClosureRequest, Plan
from plans.tests.factories import complete_plan

# The decision chain for a Länsbiblioteket document written by someone other than the chef.
CHAIN_APPROVAL = [("chef", Action.APPROVE), ("kommunikator", Action.APPROVE), ("direktor", Action.APPROVE)]

ANALYSIS = {
    "reason": "Kanalen når inte målgruppen; räckvidden har minskat två år i rad.",
    "measures_tried": "Fler inlägg, annonsering av evenemang och samarbete med folkbiblioteken.",
    "visitor_figures": "Följare 2024: 310, 2025: 295. Räckvidd per inlägg under 40.",
    "followers_notice": "Ett sista inlägg hänvisar till bibliotekets webbplats och nyhetsbrev.",
    "account_fate": "Kontot avpubliceras efter slutlig skärmdump och raderas efter sex månader.",
}


def trained(person, **kwargs):
    """Give `person` valid legal-basics training (or the record described by `kwargs`)."""
    TrainingRecordFactory(user=person, **kwargs)
    return person


def approved_plan(org, **overrides) -> Plan:
    """A Länsbiblioteket plan by `medarbetare`, approved through the whole chain; its channel
    was created as planerad with the draft."""
    plan = complete_plan(org.medarbetare, **overrides)
    plan = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    for actor, action in CHAIN_APPROVAL:
        plan = transition(plan.pk, action, actor=getattr(org, actor))
    plan.refresh_from_db()
    return plan


def tick_all(channel: Channel, actor) -> None:
    for item in ChecklistItem:
        set_checklist_item(channel.pk, item, actor=actor, ticked=True)


def planned_channel_ready(org, **overrides) -> Channel:
    """A planned channel with an approved plan and the whole checklist ticked."""
    channel = approved_plan(org, **overrides).channel
    tick_all(channel, org.chef)
    channel.refresh_from_db()
    return channel


def active_channel(org, **overrides) -> Channel:
    channel = planned_channel_ready(org, **overrides)
    return channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=org.chef)


def png_bytes(width=40, height=30, color=(20, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def png_upload(name="skärmdump.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(**kwargs), content_type="image/png")


def final_screenshot(channel: Channel, actor) -> Screenshot:
    return record_screenshot(
        channel.pk,
        actor=actor,
        taken_on=timezone.localdate(),
        url=channel.url or "https://www.facebook.com/lansbiblioteketuppsala",
        uploads=[png_upload("slutlig.png")],
        is_final=True,
    )


def submitted_closure(org, channel: Channel, author=None) -> ClosureRequest:
    """A complete closure request for `channel`, written by `author` (the owner,
    `medarbetare`, unless given), and submitted."""
    author = author or org.medarbetare
    closure = closures.create_closure_request(channel.pk, actor=author, analysis=ANALYSIS)
    return closures.transition(closure.pk, Action.SUBMIT, actor=author)


def closing_channel(org, **overrides) -> Channel:
    """An active channel owned by `medarbetare`, whose closure the chain has approved
    (avvecklas)."""
    channel = active_channel(org, **overrides)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    closure = submitted_closure(org, channel)
    for actor, action in CHAIN_APPROVAL:
        closure = closures.transition(closure.pk, action, actor=getattr(org, actor))
    channel.refresh_from_db()
    return channel


def iso_monday(year: int, week: int) -> date:
    return date.fromisocalendar(year, week, 1)


def friday_of(monday: date) -> date:
    return monday + timedelta(days=4)
