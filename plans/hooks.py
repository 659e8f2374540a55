"""What the plans ask of the apps above them, without importing them.

A goal of an approved plan may start from the day it is first measured (Goal.first_measured_on)
instead of a baseline. When the plan is revised after that day, its new version should start from
the value measured then; the measurements are the `metrics` app's, above the plans. It answers by
connecting `first_values` when Django starts (metrics.apps.MetricsConfig.ready), so that the import
arrow keeps pointing one way: `metrics` → `plans`.

Without it (the plans on their own, in a test that wants it so) a revision copies the day as it is,
and submitting the new version asks for the value measured then.
"""

import datetime
from collections.abc import Callable, Sequence
from decimal import Decimal

# (channel id, goals: anything with metric, baseline, first_measured_on, target and deadline,
# today) -> the value each goal was first measured at, None where it has not been: in the goals'
# order. At most two queries.
FirstValues = Callable[[int, Sequence, datetime.date], list[Decimal | None]]

_source: FirstValues | None = None


def connect_first_values(source: FirstValues) -> None:
    global _source
    _source = source


def first_values(channel_id: int, goals: Sequence, today: datetime.date) -> list[Decimal | None]:
    """The value each of `goals` was first measured at, from the connected source (None each
    without one)."""
    if _source is None or not goals:
        return [None] * len(goals)
    return _source(channel_id, goals, today)
