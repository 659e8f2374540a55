"""Models of the plans app, one module per aggregate."""

from .archive import PlanPreview, SignedPlan
from .closure import ClosureRequest
from .escalation import Escalation
from .plan import Decision, DiarieCounter, Goal, Plan

__all__ = [
    "ClosureRequest",
    "Decision",
    "DiarieCounter",
    "Escalation",
    "Goal",
    "Plan",
    "PlanPreview",
    "SignedPlan",
]
