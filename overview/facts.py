"""What the overview knows of a channel: the facts each column's light is judged from
(`lights`), read for many channels at once (`domain.standing`) and kept as JSON with the
channel's standing (`models.Standing.facts`), so that a cell's reason is said in the reader's
language when the page is shown.

Plain values only: dates, numbers, names. No database here.
"""

import datetime
from dataclasses import asdict, dataclass, fields

# The checks and horizons the facts are read for.
RHYTHM_PERIODS = 4  # the latest update-rhythm checks
ROSTER_DAYS = 28  # gaps from today to 27 days ahead: the next four weeks


@dataclass(frozen=True)
class Person:
    """Someone the channel names (owner, screenshot responsible, another of its people), and the
    last day of their valid training in social media law (None: no valid training)."""

    name: str
    trained_until: datetime.date | None


@dataclass(frozen=True)
class RhythmPeriod:
    """One update-rhythm check (channel_register.models.RhythmCheck): the week or month from
    `starts_on`, the updates the plan required and those logged."""

    period: str
    starts_on: datetime.date
    required: int
    actual: int

    @property
    def missed(self) -> bool:
        return self.actual < self.required


@dataclass(frozen=True)
class Facts:
    status: str  # channel_register.enums.ChannelStatus
    activated_on: datetime.date | None = None
    # The plan: the approved version in force (None: none), the latest deadline of its goals
    # (None: no goal has one), and a newer version being written or decided (None: none).
    plan_version: int | None = None
    plan_runs_out_on: datetime.date | None = None
    plan_pending_version: int | None = None
    # The rules the plan in force was approved before and does not meet (plans.enums.LATER_RULES keys).
    plan_missing_rules: tuple[str, ...] = ()
    # The latest RHYTHM_PERIODS update-rhythm checks, newest first.
    rhythm: tuple[RhythmPeriod, ...] = ()
    # The roster's gap days from today to ROSTER_DAYS - 1 days ahead, in order.
    roster_gap_days: tuple[datetime.date, ...] = ()
    # This half year's screenshot duty: the day it began (None: not opened), and whether a
    # screenshot taken in the half year fulfils it.
    screenshot_duty_starts_on: datetime.date | None = None
    screenshot_taken: bool = False
    # The day of the oldest major change (name, address, platform, a new plan version) whose
    # screenshot duty no record fulfils yet (None: none open).
    screenshot_change_on: datetime.date | None = None
    # The day the next inventory confirmation is due (channel_register.queries.inventory_due).
    inventory_due_on: datetime.date | None = None
    # The owner, and everyone the channel names (the owner included), each once.
    owner: Person | None = None
    people: tuple[Person, ...] = ()
    # The status (metrics.progress.Status value) of each goal of the plan in force, in order.
    goal_statuses: tuple[str, ...] = ()
    # The local date of the latest completed evaluation.
    last_evaluated_on: datetime.date | None = None

    def to_json(self) -> dict:
        """The facts as JSON-ready values (dates as ISO strings)."""
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict) -> "Facts":
        values = {}
        for item in fields(cls):
            if item.name not in data:
                continue
            value = data[item.name]
            if item.name == "rhythm":
                value = tuple(
                    RhythmPeriod(row["period"], _date(row["starts_on"]), row["required"], row["actual"])
                    for row in value
                )
            elif item.name == "roster_gap_days":
                value = tuple(_date(day) for day in value)
            elif item.name == "owner":
                value = None if value is None else Person(value["name"], _date(value["trained_until"]))
            elif item.name == "people":
                value = tuple(Person(row["name"], _date(row["trained_until"])) for row in value)
            elif item.name in ("goal_statuses", "plan_missing_rules"):
                value = tuple(value)
            elif item.name.endswith("_on"):
                value = _date(value)
            values[item.name] = value
        return cls(**values)


def _date(value) -> datetime.date | None:
    return None if value is None else datetime.date.fromisoformat(value)


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    return value
