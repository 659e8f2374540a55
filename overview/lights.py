"""The overview's colour rules: the light of each column for one channel, and the reason in words,
judged from its `facts.Facts` on a given day. Pure: no database, no request. The reasons are said
in the active language when they are judged, so the pages judge again from the stored facts.

Every column of a channel being closed (avvecklas) or closed (avslutad) is NONE, and so is a
column that does not apply to the channel's status (APPLIES): the reason names the status.

PLAN (planned, active, paused). A planned channel with an approved version is GREEN (it has
not gone live yet); with a version being written or decided only, AMBER; with neither, RED. An
active or paused channel without an approved version in force is RED. With one, the latest
deadline of its goals decides: passed (before today) RED, within PLAN_WARNING_DAYS from today
(today up to today + PLAN_WARNING_DAYS, both included) AMBER, later or no deadline at all GREEN.
A version in force approved before rules it does not meet (Plan.missing_later_rules) is at least
AMBER, and the reason names what its next version must add. A newer version being written or
decided is named in the reason, whatever the light.

RHYTHM (active). The latest RHYTHM_PERIODS update-rhythm checks, newest first: none yet is
NONE; no period missed GREEN; a period missed (below RHYTHM_RED_MISSES) AMBER; RHYTHM_RED_MISSES
or more RED. The reason says how many weeks (or months) of how many were missed.

ROSTER (active). The gap days of the next four weeks (facts.ROSTER_DAYS): none GREEN; a gap
within ROSTER_URGENT_DAYS (today up to today + ROSTER_URGENT_DAYS - 1) RED; gaps later only
AMBER.

SCREENSHOTS (active). This half year's duty: not opened yet NONE; fulfilled by a screenshot
GREEN; open before the day the manager is told (channel_register.queries.screenshot_escalates_on)
AMBER; from that day on RED, overdue since it. A duty after a major change still open (the oldest
one) is judged by the same days, AMBER then RED, and the worse of the two lights is shown with both
reasons.

INVENTORY (active, paused). The day the next confirmation is due: unknown NONE; passed
(before today) RED; within INVENTORY_WARNING_DAYS (up to today + INVENTORY_WARNING_DAYS) AMBER;
later GREEN.

TRAINING (planned, active, paused). No owner RED; anyone the channel names without valid
training in social media law (none, or ended before today) RED, naming them; anyone whose
training expires soon (accounts.queries.expires_soon: within TRAINING_WARNING_DAYS) AMBER,
naming them and the day; else GREEN. At most TRAINING_NAMES_SHOWN names, then how many more.

GOALS (active, paused). The status of each goal of the plan in force (metrics.progress.Status):
no goals NONE; any off track RED; else any at risk or without data AMBER; all on track GREEN.

EVALUATION (active, paused). The channel falls due EVALUATION_VALID_DAYS after its latest
evaluation or, never evaluated, after its go-live (the rule of metrics.domain.duties.due_on);
the manager is told from metrics.domain.duties.escalates_on(due day). Before the due day GREEN
(evaluated on, or first evaluation due on); from the due day AMBER; from the escalation day RED,
overdue since it. Neither go-live nor evaluation known: NONE.
"""

import datetime
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from accounts.queries import expires_soon
from channel_register.enums import ChannelStatus, FrequencyPeriod
from channel_register.queries import screenshot_escalates_on
from metrics.domain.duties import escalates_on as evaluation_escalates_on
from metrics.enums import EVALUATION_VALID_DAYS
from metrics.progress import Status
from plans.enums import LATER_RULES

from .enums import WEIGHT, Column, Light
from .facts import RHYTHM_PERIODS, Facts, Person

PLAN_WARNING_DAYS = 60  # the plan's goals running out within this many days: amber
RHYTHM_RED_MISSES = 2  # this many missed periods among the latest checks: red (one: amber)
ROSTER_URGENT_DAYS = 7  # a gap day within this many days from today (today included): red
INVENTORY_WARNING_DAYS = 30  # the inventory due within this many days: amber
TRAINING_NAMES_SHOWN = 3  # people named in a training reason; the rest are counted

# The statuses each column is judged for; in any other, the column is NONE.
_LIVE = frozenset({ChannelStatus.AKTIV, ChannelStatus.PAUSAD})
APPLIES: dict[Column, frozenset[ChannelStatus]] = {
    Column.PLAN: _LIVE | {ChannelStatus.PLANERAD},
    Column.RHYTHM: frozenset({ChannelStatus.AKTIV}),
    Column.ROSTER: frozenset({ChannelStatus.AKTIV}),
    Column.SCREENSHOTS: frozenset({ChannelStatus.AKTIV}),
    Column.INVENTORY: _LIVE,
    Column.TRAINING: _LIVE | {ChannelStatus.PLANERAD},
    Column.GOALS: _LIVE,
    Column.EVALUATION: _LIVE,
}


@dataclass(frozen=True)
class Cell:
    light: Light
    reason: str  # one short sentence (or two), in the language active when judged


def judge(column: Column, facts: Facts, *, today: datetime.date) -> Cell:
    """The light of `column` for the channel of `facts` on `today`, with its reason."""
    column = Column(column)
    status = ChannelStatus(facts.status)
    if status not in APPLIES[column]:
        return Cell(Light.NONE, _status_reason(status))
    return _RULES[column](facts, today)


def judge_all(facts: Facts, *, today: datetime.date) -> dict[Column, Cell]:
    """Every column's cell, in the columns' order."""
    return {column: judge(column, facts, today=today) for column in Column}


def problems(lights: Iterable[Light | str]) -> int:
    """enums.WEIGHT summed over `lights`: a red outweighs any number of ambers."""
    return sum(WEIGHT[Light(light)] for light in lights)


def _status_reason(status: ChannelStatus) -> str:
    return {
        ChannelStatus.PLANERAD: _("The channel has not gone live yet."),
        ChannelStatus.PAUSAD: _("The channel is paused."),
        ChannelStatus.AVVECKLAS: _("The channel is being closed."),
        ChannelStatus.AVSLUTAD: _("The channel is closed."),
    }[status]


def _day(day: datetime.date) -> str:
    return _day_in(day, get_language())


@functools.lru_cache(maxsize=4096)
def _day_in(day: datetime.date, language: str | None) -> str:
    # A page judges hundreds of cells, and a date's words take Django many lookups: said once
    # per day and language.
    return date_format(day, "j F Y")


# --- The columns ----------------------------------------------------------------------------------


def _plan(facts: Facts, today: datetime.date) -> Cell:
    light, reason = _plan_light(facts, today)
    missing = [str(LATER_RULES[key]) for key in facts.plan_missing_rules if key in LATER_RULES]
    if missing and facts.plan_version is not None:
        light = max(light, Light.AMBER, key=WEIGHT.__getitem__)
        later = _("Approved before newer rules: its next version must add %(rules)s.") % {
            "rules": get_text_list(missing, _("and"))
        }
        reason = f"{reason} {later}"
    if facts.plan_pending_version is not None:
        pending = _("Version %(version)d is being written or decided.") % {"version": facts.plan_pending_version}
        reason = f"{reason} {pending}"
    return Cell(light, reason)


def _plan_light(facts: Facts, today: datetime.date) -> tuple[Light, str]:
    version = {"version": facts.plan_version}
    if facts.status == ChannelStatus.PLANERAD:
        if facts.plan_version is not None:
            return Light.GREEN, _("Version %(version)d approved; the channel has not gone live yet.") % version
        if facts.plan_pending_version is not None:
            return Light.AMBER, _("No approved plan yet.")
        return Light.RED, _("No plan.")
    if facts.plan_version is None:
        return Light.RED, _("No approved plan.")
    runs_out = facts.plan_runs_out_on
    if runs_out is None:
        return Light.GREEN, _("Version %(version)d in force; its goals have no deadline.") % version
    if runs_out < today:
        return Light.RED, _("The last deadline of the plan's goals passed on %(day)s: revise the plan.") % {
            "day": _day(runs_out)
        }
    if runs_out <= today + datetime.timedelta(days=PLAN_WARNING_DAYS):
        return Light.AMBER, _("The plan's goals run out on %(day)s: revise the plan.") % {"day": _day(runs_out)}
    return Light.GREEN, _("Version %(version)d in force.") % version


def _rhythm(facts: Facts, today: datetime.date) -> Cell:
    checks = facts.rhythm[:RHYTHM_PERIODS]
    if not checks:
        return Cell(Light.NONE, _("Not checked yet."))
    count = len(checks)
    missed = sum(check.missed for check in checks)
    periods = {check.period for check in checks}
    period = periods.pop() if len(periods) == 1 else None
    values = {"count": count, "missed": missed}
    if missed == 0:
        return Cell(Light.GREEN, _rhythm_kept(period, count) % values)
    light = Light.RED if missed >= RHYTHM_RED_MISSES else Light.AMBER
    return Cell(light, _rhythm_missed(period, count) % values)


def _rhythm_kept(period: str | None, count: int) -> str:
    if period == FrequencyPeriod.WEEK:
        return ngettext("Kept in the last week.", "Kept in the last %(count)d weeks.", count)
    if period == FrequencyPeriod.MONTH:
        return ngettext("Kept in the last month.", "Kept in the last %(count)d months.", count)
    # The plan's rhythm changed between weeks and months within the checks.
    return ngettext("Kept in the last period.", "Kept in the last %(count)d periods.", count)


def _rhythm_missed(period: str | None, count: int) -> str:
    if period == FrequencyPeriod.WEEK:
        return ngettext(
            "Missed in the last week.",
            "Missed in %(missed)d of the last %(count)d weeks.",
            count,
        )
    if period == FrequencyPeriod.MONTH:
        return ngettext(
            "Missed in the last month.",
            "Missed in %(missed)d of the last %(count)d months.",
            count,
        )
    return ngettext(
        "Missed in the last period.",
        "Missed in %(missed)d of the last %(count)d periods.",
        count,
    )


def _roster(facts: Facts, today: datetime.date) -> Cell:
    gaps = sorted(facts.roster_gap_days)
    if not gaps:
        return Cell(Light.GREEN, _("No gaps in the next four weeks."))
    first = gaps[0]
    urgent = first < today + datetime.timedelta(days=ROSTER_URGENT_DAYS)
    reason = ngettext("%(count)d gap day, on %(day)s.", "%(count)d gap days, the first on %(day)s.", len(gaps)) % {
        "count": len(gaps),
        "day": _day(first),
    }
    return Cell(Light.RED if urgent else Light.AMBER, reason)


def _screenshots(facts: Facts, today: datetime.date) -> Cell:
    half_year = _half_year_screenshots(facts, today)
    changed_on = facts.screenshot_change_on
    if changed_on is None:
        return half_year
    escalation = screenshot_escalates_on(changed_on)
    days = {"change": _day(changed_on), "day": _day(escalation)}
    if today < escalation:
        after = Cell(Light.AMBER, _("Due after the change on %(change)s; the manager is told on %(day)s.") % days)
    else:
        after = Cell(Light.RED, _("Overdue after the change on %(change)s, since %(day)s.") % days)
    if half_year.light == Light.NONE:
        return after
    light = max(half_year.light, after.light, key=WEIGHT.__getitem__)
    return Cell(light, f"{half_year.reason} {after.reason}")


def _half_year_screenshots(facts: Facts, today: datetime.date) -> Cell:
    starts_on = facts.screenshot_duty_starts_on
    if starts_on is None:
        return Cell(Light.NONE, _("No screenshot is due yet this half year."))
    if facts.screenshot_taken:
        return Cell(Light.GREEN, _("A screenshot has been taken this half year."))
    escalation = screenshot_escalates_on(starts_on)
    if today < escalation:
        return Cell(Light.AMBER, _("Due this half year; the manager is told on %(day)s.") % {"day": _day(escalation)})
    return Cell(Light.RED, _("Overdue since %(day)s.") % {"day": _day(escalation)})


def _inventory(facts: Facts, today: datetime.date) -> Cell:
    due = facts.inventory_due_on
    if due is None:
        return Cell(Light.NONE, _("No inventory date yet."))
    if due < today:
        return Cell(Light.RED, _("Overdue since %(day)s.") % {"day": _day(due)})
    if due <= today + datetime.timedelta(days=INVENTORY_WARNING_DAYS):
        return Cell(Light.AMBER, _("Due on %(day)s.") % {"day": _day(due)})
    return Cell(Light.GREEN, _("Next due on %(day)s.") % {"day": _day(due)})


def _training(facts: Facts, today: datetime.date) -> Cell:
    if facts.owner is None:
        return Cell(Light.RED, _("No owner appointed."))
    people = facts.people if facts.owner in facts.people else (facts.owner, *facts.people)
    untrained = [person for person in people if person.trained_until is None or person.trained_until < today]
    if untrained:
        reason = ngettext(
            "%(count)d person lacks valid training: %(names)s.",
            "%(count)d people lack valid training: %(names)s.",
            len(untrained),
        ) % {"count": len(untrained), "names": _names([person.name for person in untrained])}
        return Cell(Light.RED, reason)
    soon = sorted(
        (person for person in people if expires_soon(person.trained_until, today)),
        key=lambda person: (person.trained_until, person.name),
    )
    if soon:
        reason = ngettext(
            "Training runs out soon for %(count)d person: %(names)s.",
            "Training runs out soon for %(count)d people: %(names)s.",
            len(soon),
        ) % {"count": len(soon), "names": _names([_named_until(person) for person in soon])}
        return Cell(Light.AMBER, reason)
    reason = ngettext(
        "The person named has valid training.", "All %(count)d people named have valid training.", len(people)
    ) % {"count": len(people)}
    return Cell(Light.GREEN, reason)


def _named_until(person: Person) -> str:
    return _("%(name)s on %(day)s") % {"name": person.name, "day": _day(person.trained_until)}


def _names(names: list[str]) -> str:
    """At most TRAINING_NAMES_SHOWN names, then how many more."""
    shown, more = names[:TRAINING_NAMES_SHOWN], len(names) - TRAINING_NAMES_SHOWN
    if more <= 0:
        return str(get_text_list(shown, _("and")))
    return ngettext("%(names)s and %(count)d more person", "%(names)s and %(count)d more people", more) % {
        "names": ", ".join(shown),
        "count": more,
    }


def _goals(facts: Facts, today: datetime.date) -> Cell:
    statuses = [Status(status) for status in facts.goal_statuses]
    total = len(statuses)
    if not total:
        return Cell(Light.NONE, _("The plan in force has no goals."))
    off_track, at_risk, no_data = (statuses.count(each) for each in (Status.OFF_TRACK, Status.AT_RISK, Status.NO_DATA))
    if off_track:
        reason = ngettext(
            "%(count)d of %(total)d goals is off track.", "%(count)d of %(total)d goals are off track.", off_track
        ) % {"count": off_track, "total": total}
        return Cell(Light.RED, reason)
    if at_risk or no_data:
        sentences = []
        if at_risk:
            sentences.append(
                ngettext(
                    "%(count)d of %(total)d goals is at risk.", "%(count)d of %(total)d goals are at risk.", at_risk
                )
                % {"count": at_risk, "total": total}
            )
        if no_data:
            sentences.append(
                ngettext(
                    "%(count)d of %(total)d goals has no data yet.",
                    "%(count)d of %(total)d goals have no data yet.",
                    no_data,
                )
                % {"count": no_data, "total": total}
            )
        return Cell(Light.AMBER, " ".join(sentences))
    reason = ngettext("The plan's goal is on track.", "All %(count)d goals are on track.", total) % {"count": total}
    return Cell(Light.GREEN, reason)


def evaluation_due_on(facts: Facts) -> datetime.date | None:
    """The day the channel is to be evaluated (again): metrics.domain.duties.due_on's arithmetic
    on the local dates the facts hold (due_on takes the moments themselves)."""
    since = facts.last_evaluated_on or facts.activated_on
    if since is None:
        return None
    return since + datetime.timedelta(days=EVALUATION_VALID_DAYS)


def _evaluation(facts: Facts, today: datetime.date) -> Cell:
    due = evaluation_due_on(facts)
    if due is None:
        return Cell(Light.NONE, _("No go-live date and no evaluation yet."))
    if today < due:
        if facts.last_evaluated_on is not None:
            return Cell(Light.GREEN, _("Evaluated on %(day)s.") % {"day": _day(facts.last_evaluated_on)})
        return Cell(Light.GREEN, _("First evaluation due on %(day)s.") % {"day": _day(due)})
    escalation = evaluation_escalates_on(due)
    if today < escalation:
        return Cell(Light.AMBER, _("Due since %(day)s.") % {"day": _day(due)})
    return Cell(Light.RED, _("Overdue since %(day)s.") % {"day": _day(escalation)})


_RULES: dict[Column, Callable[[Facts, datetime.date], Cell]] = {
    Column.PLAN: _plan,
    Column.RHYTHM: _rhythm,
    Column.ROSTER: _roster,
    Column.SCREENSHOTS: _screenshots,
    Column.INVENTORY: _inventory,
    Column.TRAINING: _training,
    Column.GOALS: _goals,
    Column.EVALUATION: _evaluation,
}
