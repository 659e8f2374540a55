"""Vocabularies of the channel register: platforms, a channel's life (declared as data, with
the transitions beside it), the go-live checklist, the removal log's categories, where an
update came from and why a feed entry is not counted.

A channel's life: planerad → aktiv → (pausad → aktiv) → avvecklas → avslutad. A planned
channel whose first plan is rejected or withdrawn goes planerad → avslutad (ARCHIVE, "closed
without being started"): never active, so never official, its history kept.

Only `domain.channels.channel_transition` writes a channel's status. Starting the closure
happens when a closure request is approved through the plans' decision chain (the `plans` app
calls `channel_transition(…, START_CLOSURE, actor=None)`); nobody starts it by hand.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    X = "x", "X"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"
    TIKTOK = "tiktok", "TikTok"
    THREADS = "threads", "Threads"
    FLICKR = "flickr", "Flickr"
    BLOG = "blogg", _("Blog")
    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    OTHER = "annat", _("Other")


class FrequencyPeriod(models.TextChoices):
    WEEK = "vecka", _("per week")
    MONTH = "manad", _("per month")


class ChannelStatus(models.TextChoices):
    """A channel's life: planerad → aktiv → (pausad) → avvecklas → avslutad."""

    PLANERAD = "planerad", _("Planned")
    AKTIV = "aktiv", _("Active")
    PAUSAD = "pausad", _("Paused")
    AVVECKLAS = "avvecklas", _("Being closed")
    AVSLUTAD = "avslutad", _("Closed")


class ChannelAction(models.TextChoices):
    ACTIVATE = "aktivera", _("Activate")
    PAUSE = "pausa", _("Pause")
    RESUME = "ateruppta", _("Resume")
    START_CLOSURE = "avveckla", _("Start closing")
    CLOSE = "avsluta", _("Close")
    ARCHIVE = "arkivera", _("Closed without being started")


# Every allowed (channel status, action) → new status. START_CLOSURE happens only when a
# closure request (avvecklingsbegäran) is approved through the decision chain.
CHANNEL_TRANSITIONS: dict[tuple[ChannelStatus, ChannelAction], ChannelStatus] = {
    (ChannelStatus.PLANERAD, ChannelAction.ACTIVATE): ChannelStatus.AKTIV,
    (ChannelStatus.AKTIV, ChannelAction.PAUSE): ChannelStatus.PAUSAD,
    (ChannelStatus.PAUSAD, ChannelAction.RESUME): ChannelStatus.AKTIV,
    (ChannelStatus.AKTIV, ChannelAction.START_CLOSURE): ChannelStatus.AVVECKLAS,
    (ChannelStatus.PAUSAD, ChannelAction.START_CLOSURE): ChannelStatus.AVVECKLAS,
    (ChannelStatus.AVVECKLAS, ChannelAction.CLOSE): ChannelStatus.AVSLUTAD,
    (ChannelStatus.PLANERAD, ChannelAction.ARCHIVE): ChannelStatus.AVSLUTAD,
}
# What the system does, never a person by hand: START_CLOSURE (a closure request approved), and
# ARCHIVE, a planned channel that never started because its first plan was rejected or
# withdrawn (domain.channels.archive_unstarted_channel). ARCHIVE ends in AVSLUTAD without
# `activated_at`: the channel was never official, and its history (simple-history) is kept.
SYSTEM_ACTIONS = frozenset({ChannelAction.START_CLOSURE, ChannelAction.ARCHIVE})


class ChecklistItem(models.TextChoices):
    """The go-live checklist: every item must be ticked before a channel becomes active.

    Five of them are what the channel itself must state (BBS-lagen 3 §, E-delegationen's
    guidelines point 6), asked one by one: who runs it, its purpose, that posts become public
    records, what content is removed, and where to reach the administration for errands
    (INFORMATION_ITEMS). The half-yearly inventory asks the same five again."""

    LINKED_FROM_WEBSITE = "lankad", _("The channel is linked from the official website")
    STATES_WHO_RUNS_IT = "driver", _("The channel states who runs it")
    STATES_PURPOSE = "syfte", _("The channel states its purpose")
    STATES_PUBLIC_RECORDS = "handlingar", _("The channel states that posts become public records")
    STATES_WHAT_IS_REMOVED = "borttagning", _("The channel states what content is removed")
    STATES_CONTACT = "kontakt", _("The channel states where to reach the administration for errands")
    ADMIN_ACCOUNTS_DOCUMENTED = (
        "konton",
        _("The admin accounts are documented in the unit's safe place (never passwords in this app)"),
    )


# What the channel must state (BBS-lagen 3 §, E-delegationen point 6): each checklist item and
# the field of the inventory confirmation (models.InventoryConfirmation) that asks it again.
INFORMATION_ITEMS: dict[ChecklistItem, str] = {
    ChecklistItem.STATES_WHO_RUNS_IT: "states_who_runs_it",
    ChecklistItem.STATES_PURPOSE: "states_purpose",
    ChecklistItem.STATES_PUBLIC_RECORDS: "states_public_records",
    ChecklistItem.STATES_WHAT_IS_REMOVED: "states_what_is_removed",
    ChecklistItem.STATES_CONTACT: "states_contact",
}


class DutyReason(models.TextChoices):
    """Why a screenshot duty is open (SKR: "varje halvår eller vid en större förändring"): the
    half year, or a major change of the channel: its name, address or platform changed, or a new
    version of its plan was approved (domain.duties.open_change_duty)."""

    HALF_YEAR = "halvar", _("Half year")
    CHANNEL_CHANGED = "kanal", _("The channel's name, address or platform changed")
    NEW_PLAN_VERSION = "plan", _("A new version of the plan was approved")


class RemovalCategory(models.TextChoices):
    OFFENSIVE = "krankande", _("Offensive")
    UNLAWFUL = "olagligt", _("Unlawful")
    PERSONAL_DATA = "personuppgifter", _("Personal data")
    ADVERTISING = "reklam", _("Advertising")
    OTHER = "annat", _("Other")


class UpdateSource(models.TextChoices):
    """Where a logged update of a channel came from."""

    MANUAL = "manuell", _("Logged by hand")
    FEED = "flode", _("Read from the feed")


class NotCounted(models.TextChoices):
    """Why an entry read from a feed is in the update log but not counted as an update of its
    week (ChannelUpdate.objects.counted() is the one rule; see domain.feeds). Empty: counted."""

    UNDATED = "odaterad", _("Not counted: no date in the feed, read with the feed's history")
    FUTURE = "framtida", _("Not counted: dated in the future")
