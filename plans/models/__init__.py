"""Models of the plans app, one module per aggregate."""

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

__all__ = [
    "Agreement",
    "Channel",
    "ChecklistTick",
    "ClosureRequest",
    "Decision",
    "DiarieCounter",
    "Goal",
    "InventoryConfirmation",
    "Plan",
    "RemovalEntry",
    "RosterWeek",
    "Screenshot",
    "ScreenshotFile",
]
