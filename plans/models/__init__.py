"""Models of the plans app, one module per aggregate."""

from .archive import SignedPlan
from .channel import (
    Agreement,
    Channel,
    ChecklistTick,
    InventoryConfirmation,
    RemovalEntry,
    RosterWeek,
    Screenshot,
    ScreenshotFile,
)
from .closure import ClosureRequest
from .plan import Decision, DiarieCounter, Goal, Plan
from .upkeep import ChannelFeed, ChannelUpdate, RhythmCheck, ScreenshotDuty

__all__ = [
    "Agreement",
    "Channel",
    "ChannelFeed",
    "ChannelUpdate",
    "ChecklistTick",
    "ClosureRequest",
    "Decision",
    "DiarieCounter",
    "Goal",
    "InventoryConfirmation",
    "Plan",
    "RemovalEntry",
    "RhythmCheck",
    "RosterWeek",
    "Screenshot",
    "ScreenshotDuty",
    "ScreenshotFile",
    "SignedPlan",
]
