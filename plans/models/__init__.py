"""Models of the plans app, one module per aggregate."""

from .plan import Decision, DiarieCounter, Goal, Plan

__all__ = ["Decision", "DiarieCounter", "Goal", "Plan"]
