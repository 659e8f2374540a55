"""The standing of every channel: its facts read in bulk, its lights judged, its row kept.

`read_facts` reads what the overview judges (facts.Facts) for a batch of channels in a fixed
number of grouped queries, whatever the number of channels, plans, goals, checks, roster weeks,
people, measurements or evaluations: never a query per channel. Every rule it applies is the one
the rest of the application applies, imported, not copied: the plan in force (the approved
version with the highest number, as plans.queries.update_rhythms reads it), the roster's gaps
(channel_register.queries.roster_gaps), the screenshot duty of the half year
(ScreenshotDuty.bounds, duties.half_of, queries.screenshot_taken_within), the inventory's due
day (queries.inventory_due), legal training (accounts.queries.valid_training_q), a goal's
progress (metrics.domain.goals.progress_of) and the latest completed evaluation
(metrics.domain.duties.last_evaluated_at).

`refresh_standings` judges the facts (lights.judge_all) and writes one Standing row per channel,
created or updated in place: every night for every channel (`run_refresh`, the daily job), and
for the channels a change touched (overview.signals). Running it twice changes nothing.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from accounts.models import TrainingRecord, User
from accounts.queries import valid_training_q
from channel_register.domain.duties import half_of
from channel_register.enums import ChannelStatus
from channel_register.models import Channel, InventoryConfirmation, RhythmCheck, ScreenshotDuty
from channel_register.queries import inventory_due, oldest_open_change_on, roster_gaps, screenshot_taken_within
from kob_social.jobs import in_batches
from metrics import queries as metric_queries
from metrics.domain.duties import last_evaluated_at, local_day
from metrics.domain.goals import progress_of
from metrics.enums import CATALOGUE
from metrics.progress import Status
from plans.enums import EDITABLE, PENDING, Metric, PlanStatus
from plans.models import Goal, Plan

from .. import lights
from ..enums import Column
from ..facts import RHYTHM_PERIODS, ROSTER_DAYS, Facts, Person, RhythmPeriod
from ..models import Standing

BATCH = 500

# The rhythm checks read per channel are bounded by time, not by number: RHYTHM_PERIODS monthly
# checks fit in five months, and weekly ones many times over.
RHYTHM_MONTHS = 5

# What a Standing row is updated with when it exists (everything but its channel).
STANDING_FIELDS = [
    *(column.value for column in Column),
    "problems",
    "goals_total",
    "goals_on_track",
    "facts",
    "judged_on",
    "refreshed_at",
]

# What read_facts reads of a channel given to it; a batch of the job is read with these only.
CHANNEL_FIELDS = ("status", "activated_at", "owner", "screenshot_responsible")

# A legal training without an end date (TrainingRecord.valid_until empty: "does not expire") is
# valid until this day: Person.trained_until has no other way to say so.
OPEN_ENDED = datetime.date.max


# --- Reading the facts -------------------------------------------------------------------------


def read_facts(channels: list[Channel], *, today: datetime.date) -> dict[int, Facts]:
    """The facts (facts.Facts) of each of `channels` on `today`, by channel id.

    `channels` need their status, activated_at, owner_id and screenshot_responsible_id
    (CHANNEL_FIELDS). At most eleven queries whatever their number and the number of rows
    behind them:
    1. the plans in force and the newer versions being written or decided;
    2. the goals of the plans in force;
    3. the goals' stored measurements since metrics.queries.series_start (only when a goal is
       measured in a stored metric);
    4. the posts per day from the update log (only when a goal counts posts);
    5. the rhythm checks of the last RHYTHM_MONTHS months, the latest RHYTHM_PERIODS kept;
    6–8. the roster's gap days of the active channels, today to ROSTER_DAYS - 1 days ahead
       (roster_gaps: the channels, their roster rows, their monitors' absences; a channel not
       active keeps no roster, and has none);
    9. per channel: the start of this half year's screenshot duty, whether a screenshot of the
       half year fulfils it, the oldest change whose screenshot duty is open, the latest inventory
       confirmation and the latest completed evaluation;
    10. the channels' other people;
    11. everyone named, with the last day of their valid legal training.
    """
    channels = list(channels)
    ids = [channel.pk for channel in channels]
    in_force, pending = _plans(ids)
    goals = _goals(in_force.values())
    statuses = _goal_statuses(goals, in_force, today=today)
    rhythm = _rhythm(ids, today)
    gaps = _roster_gap_days(ids, today)
    upkeep = _upkeep(ids, today)
    people = _people(channels, today)
    facts = {}
    for channel in channels:
        plan = in_force.get(channel.pk)
        duty_starts_on, screenshot_taken, change_on, last_confirmed, last_evaluated = upkeep.get(
            channel.pk, (None, False, None, None, None)
        )
        deadlines = [goal.deadline for goal in goals.get(plan.pk, ()) if goal.deadline] if plan else []
        owner, named = people.get(channel.pk, (None, ()))
        facts[channel.pk] = Facts(
            status=channel.status,
            activated_on=local_day(channel.activated_at) if channel.activated_at else None,
            plan_version=plan.version_number if plan else None,
            plan_runs_out_on=max(deadlines, default=None),
            plan_pending_version=pending.get(channel.pk),
            plan_missing_rules=tuple(plan.missing_later_rules) if plan else (),
            rhythm=rhythm.get(channel.pk, ()),
            roster_gap_days=gaps.get(channel.pk, ()),
            screenshot_duty_starts_on=duty_starts_on,
            screenshot_taken=bool(screenshot_taken),
            screenshot_change_on=change_on,
            inventory_due_on=inventory_due(channel, last_confirmed),
            owner=owner,
            people=named,
            goal_statuses=statuses.get(channel.pk, ()),
            last_evaluated_on=local_day(last_evaluated) if last_evaluated else None,
        )
    return facts


def _plans(channel_ids: list[int]) -> tuple[dict[int, Plan], dict[int, int]]:
    """The plan in force of each channel (the approved version with the highest number, as
    plans.queries.update_rhythms reads it), and the number of the newest version newer than it
    (than none, without a plan in force) being written or decided. One query."""
    rows = (
        Plan.objects.filter(channel_id__in=channel_ids, status__in={PlanStatus.GODKAND} | EDITABLE | PENDING)
        .order_by("channel_id", "version_number", "pk")
        .only("pk", "channel_id", "status", "version_number", "missing_later_rules")
    )
    in_force: dict[int, Plan] = {}
    open_versions: dict[int, list[int]] = defaultdict(list)
    for plan in rows:
        if plan.status == PlanStatus.GODKAND:
            in_force[plan.channel_id] = plan  # the highest version comes last
        else:
            open_versions[plan.channel_id].append(plan.version_number)
    pending = {}
    for channel_id, versions in open_versions.items():
        plan = in_force.get(channel_id)
        newer = [version for version in versions if plan is None or version > plan.version_number]
        if newer:
            pending[channel_id] = max(newer)
    return in_force, pending


def _goals(plans: Iterable[Plan]) -> dict[int, list[Goal]]:
    """The goals of `plans` in their order, by plan id. One query (none without plans)."""
    plan_ids = [plan.pk for plan in plans]
    goals: dict[int, list[Goal]] = defaultdict(list)
    if not plan_ids:
        return goals
    rows = Goal.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "position", "pk")
    for goal in rows.only("pk", "plan_id", "position", "metric", "baseline", "first_measured_on", "target", "deadline"):
        goals[goal.plan_id].append(goal)
    return goals


def _goal_statuses(
    goals: dict[int, list[Goal]], in_force: dict[int, Plan], *, today: datetime.date
) -> dict[int, tuple[str, ...]]:
    """The status of each goal of each channel's plan in force, in order (progress_of, on the
    series metrics.domain.goals.goal_series reads for one channel, here read for all at once: the
    stored metrics in one query, the posts counted from the update log in one more)."""
    goals_of = {channel_id: goals.get(plan.pk, []) for channel_id, plan in in_force.items()}
    followed = {
        channel_id: {goal.metric for goal in channel_goals if goal.metric in CATALOGUE}
        for channel_id, channel_goals in goals_of.items()
    }
    stored = set().union(*followed.values()) - {Metric.POSTS}
    with_stored = [channel_id for channel_id, metrics in followed.items() if metrics - {Metric.POSTS}]
    with_posts = [channel_id for channel_id, metrics in followed.items() if Metric.POSTS in metrics]
    series = metric_queries.series_for_channels(with_stored, stored, today=today)
    posts = metric_queries.updates_per_day_for_channels(with_posts, metric_queries.series_start(today), today)
    statuses = {}
    for channel_id, channel_goals in goals_of.items():
        channel_series = dict(series.get(channel_id, {}))
        if channel_id in posts:
            channel_series[Metric.POSTS] = posts[channel_id]
        statuses[channel_id] = tuple(
            str(progress_of(goal, channel_series, today=today).status) for goal in channel_goals
        )
    return statuses


def _rhythm(channel_ids: list[int], today: datetime.date) -> dict[int, tuple[RhythmPeriod, ...]]:
    """The latest RHYTHM_PERIODS rhythm checks of each channel, newest first. One query, bounded
    by RHYTHM_MONTHS."""
    since = today - relativedelta(months=RHYTHM_MONTHS)
    rows = (
        RhythmCheck.objects.filter(channel_id__in=channel_ids, starts_on__gte=since)
        .order_by("channel_id", "-starts_on", "-pk")
        .values_list("channel_id", "period", "starts_on", "required", "actual")
    )
    checks: dict[int, list[RhythmPeriod]] = defaultdict(list)
    for channel_id, period, starts_on, required, actual in rows:
        if len(checks[channel_id]) < RHYTHM_PERIODS:
            checks[channel_id].append(RhythmPeriod(period, starts_on, required, actual))
    return {channel_id: tuple(periods) for channel_id, periods in checks.items()}


def _roster_gap_days(channel_ids: list[int], today: datetime.date) -> dict[int, tuple[datetime.date, ...]]:
    """The roster's gap days of the active channels among `channel_ids`, from `today` to
    ROSTER_DAYS - 1 days ahead (roster_gaps, the rule the daily reminder applies). Three queries."""
    active = Channel.objects.filter(pk__in=channel_ids, status=ChannelStatus.AKTIV).only("pk")
    gaps = roster_gaps(active, today, today + datetime.timedelta(days=ROSTER_DAYS - 1))
    return {channel.pk: tuple(days) for channel, days in gaps.items()}


def _upkeep(channel_ids: list[int], today: datetime.date) -> dict[int, tuple]:
    """Per channel: (the first day of this half year's screenshot duty or None, whether a
    screenshot taken in the half year fulfils it, the day of the oldest change whose screenshot
    duty is open or None, the time of the latest inventory confirmation
    or None, the time of the latest completed evaluation or None). One query."""
    year, half = today.year, half_of(today)
    period_start, period_end = ScreenshotDuty.bounds(year, half)
    duty = ScreenshotDuty.objects.filter(channel=OuterRef("pk"), year=year, half=half)
    confirmed = InventoryConfirmation.objects.filter(channel=OuterRef("pk")).order_by("-confirmed_at")
    rows = (
        Channel.objects.filter(pk__in=channel_ids)
        .annotate(
            duty_starts_on=Subquery(duty.values("starts_on")[:1]),
            screenshot_taken=screenshot_taken_within(OuterRef("pk"), period_start, period_end),
            change_on=oldest_open_change_on(OuterRef("pk")),
            last_confirmed=Subquery(confirmed.values("confirmed_at")[:1]),
            last_evaluated=last_evaluated_at(OuterRef("pk")),
        )
        .order_by()
        .values_list("pk", "duty_starts_on", "screenshot_taken", "change_on", "last_confirmed", "last_evaluated")
    )
    return {pk: values for pk, *values in rows}


def _people(channels: list[Channel], today: datetime.date) -> dict[int, tuple[Person | None, tuple[Person, ...]]]:
    """Per channel: its owner, and everyone it names (owner, screenshot responsible, the others
    by name), each once, with the last day of their legal training valid on `today` (None: none
    valid; OPEN_ENDED: one that does not expire). Two queries: the others, and the people."""
    others: dict[int, list[int]] = defaultdict(list)
    through = Channel.others.through.objects.filter(channel_id__in=[channel.pk for channel in channels])
    for channel_id, user_id in through.values_list("channel_id", "user_id"):
        others[channel_id].append(user_id)
    named_ids = {pk for channel in channels for pk in (channel.owner_id, channel.screenshot_responsible_id) if pk}
    named_ids |= {pk for ids in others.values() for pk in ids}
    valid = TrainingRecord.objects.filter(valid_training_q(today), user=OuterRef("pk"))
    rows = (
        User.objects.filter(pk__in=named_ids)
        .annotate(
            open_ended=Subquery(valid.filter(valid_until__isnull=True).values("pk")[:1]),
            valid_until=Subquery(
                valid.filter(valid_until__isnull=False).order_by("-valid_until").values("valid_until")[:1]
            ),
        )
        .order_by("full_name", "pk")
        .values_list("pk", "full_name", "username", "open_ended", "valid_until")
    )
    persons: dict[int, Person] = {}
    for pk, full_name, username, open_ended, valid_until in rows:
        persons[pk] = Person(full_name or username, OPEN_ENDED if open_ended else valid_until)
    rank = {pk: n for n, pk in enumerate(persons)}  # by name
    result = {}
    for channel in channels:
        chosen = [channel.owner_id, channel.screenshot_responsible_id]
        chosen += sorted(others.get(channel.pk, ()), key=lambda pk: rank.get(pk, len(rank)))
        named = tuple(persons[pk] for pk in dict.fromkeys(pk for pk in chosen if pk in persons))
        owner = persons.get(channel.owner_id) if channel.owner_id else None
        result[channel.pk] = (owner, named)
    return result


# --- Keeping the standings ---------------------------------------------------------------------


def refresh_standings(*, today: datetime.date, channel_ids: Iterable[int] | None = None) -> dict:
    """Judge the channels given (every channel when None) on `today` and write each one's
    Standing: created if missing, else updated in place (one upsert per batch), with its lights
    (lights.judge_all), `problems` (lights.problems), the number of goals of its plan in force
    and how many are on track, its facts as JSON, `judged_on` and `refreshed_at`.

    In batches of BATCH channels (kob_social.jobs.in_batches), each in its own transaction, with
    the same number of queries per batch whatever its size. A channel id that is gone is passed
    over. Idempotent: a second run on the same day writes the same rows. Returns
    {"channels": how many were judged}."""
    channels = Channel.objects.only(*CHANNEL_FIELDS)
    if channel_ids is not None:
        channels = channels.filter(pk__in=list(channel_ids))
    now = timezone.now()
    return in_batches(channels, lambda batch: _refresh(batch, today, now), size=BATCH, totals={"channels": 0})


def _refresh(batch: list[Channel], today: datetime.date, now: datetime.datetime) -> dict:
    facts = read_facts(batch, today=today)
    rows = []
    for channel in batch:
        channel_facts = facts[channel.pk]
        cells = lights.judge_all(channel_facts, today=today)
        rows.append(
            Standing(
                channel=channel,
                **{column.value: cells[column].light for column in Column},
                problems=lights.problems(cell.light for cell in cells.values()),
                goals_total=len(channel_facts.goal_statuses),
                goals_on_track=sum(1 for status in channel_facts.goal_statuses if status == Status.ON_TRACK),
                facts=channel_facts.to_json(),
                judged_on=today,
                refreshed_at=now,
            )
        )
    Standing.objects.bulk_create(rows, update_conflicts=True, unique_fields=["channel"], update_fields=STANDING_FIELDS)
    return {"channels": len(rows)}


def run_refresh(*, today: datetime.date) -> dict:
    """The daily job (overview.tasks.refresh_standings): every channel's standing judged anew
    for `today`, since the lights are judged by the day and days pass."""
    return refresh_standings(today=today)
