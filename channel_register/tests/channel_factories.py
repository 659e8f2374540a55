"""Channels brought to a state through the domain functions, never by assigning `.status`.

Every helper takes the `org` fixture of plans/tests/conftest.py: the channels belong to
Länsbiblioteket, whose chef is `org.chef`, and their plans are written by `org.medarbetare`.
"""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.enums import Role
from accounts.models import User
from accounts.tests.factories import TrainingRecordFactory, make_user
from channel_register.domain.channels import (
    appoint,
    assign_roster,
    channel_transition,
    confirm_agreement,
    propose_agreement,
    record_screenshot,
    roster_activation_start,
    set_checklist_item,
)
from channel_register.enums import INFORMATION_ITEMS, ChannelAction, ChecklistItem
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


# Every item the channel must state, confirmed (domain.channels.confirm_inventory), and as a form posts it.
STATED = dict.fromkeys(INFORMATION_ITEMS.values(), True)
STATED_POSTED = dict.fromkeys(INFORMATION_ITEMS.values(), "on")
# A screenshot record's answers on accessibility (domain.channels.record_screenshot requires them).
ANSWERED = {"alt_texts_checked": True, "captions_checked": True}


def tick_all(channel: Channel, actor) -> None:
    for item in ChecklistItem:
        set_checklist_item(channel.pk, item, actor=actor, ticked=True)


def supervision_secured(channel: Channel, chef) -> User:
    """What go-live requires besides the checklist (domain.channels.supervision_conditions): an
    agreement confirmed by `chef` and the owner, and the next CHANNEL_ACTIVATION_ROSTER_WEEKS
    weeks rostered. The owner and monitor is a trained person of the channel's unit made for
    it, so that the org's people keep their own training and duties; returned."""
    monitor = trained(make_user(Role.MEDARBETARE, unit=channel.unit, full_name="Tove Tillsyn"))
    agreement = propose_agreement(
        channel.pk, actor=chef, owner=monitor, tasks="Tillsyn och publicering.", hours_per_week=Decimal("2.0")
    )
    confirm_agreement(agreement.pk, actor=monitor)
    first = roster_activation_start(timezone.localdate())
    last = first + timedelta(weeks=settings.CHANNEL_ACTIVATION_ROSTER_WEEKS - 1)
    assign_roster(channel.pk, actor=chef, first=first.isocalendar()[:2], last=last.isocalendar()[:2], primary=monitor)
    return monitor


def planned_channel_ready(org, **overrides) -> Channel:
    """A planned channel ready to go live: an approved plan, the whole checklist ticked and
    supervision secured (`supervision_secured`)."""
    channel = approved_plan(org, **overrides).channel
    tick_all(channel, org.chef)
    supervision_secured(channel, org.chef)
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
        **ANSWERED,
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
