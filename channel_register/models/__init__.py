"""Models of the channel register, one module per aggregate: the channel and what hangs off
it (channel), and what the scheduled jobs read and write about it (upkeep)."""

from .channel import (
    Agreement,
    Channel,
    ChecklistTick,
    InventoryConfirmation,
    RemovalEntry,
    RosterWeek,
    Screenshot,
    ScreenshotFile,
    inventory_due_on,
)
from .upkeep import ChannelFeed, ChannelUpdate, RhythmCheck, ScreenshotDuty

__all__ = [
    "Agreement",
    "Channel",
    "ChannelFeed",
    "ChannelUpdate",
    "ChecklistTick",
    "InventoryConfirmation",
    "RemovalEntry",
    "RhythmCheck",
    "RosterWeek",
    "Screenshot",
    "ScreenshotDuty",
    "ScreenshotFile",
    "inventory_due_on",
]
