"""Where the goals of a channel stand: each goal's series read once for all of them, and its
progress (progress.goal_progress). The measuring page and the evaluation read goals through
here, so that both say the same of a goal on the same day."""

import datetime
from decimal import Decimal

from plans.enums import Metric

from .. import queries
from ..enums import CATALOGUE
from ..progress import Progress, goal_progress

Series = dict[str, list[tuple[datetime.date, Decimal]]]


def goal_series(channel, goals, *, today: datetime.date) -> Series:
    """The values of every metric the `goals` are measured in, up to `today`, oldest first: one
    query for the stored metrics, and one for the posts (counted from the update log) when a goal
    counts posts. A goal measured as something else has no series."""
    metrics = {goal.metric for goal in goals if goal.metric in CATALOGUE}
    series = queries.series_by_metric(channel, metrics - {Metric.POSTS}, today=today)
    if Metric.POSTS in metrics:
        series[Metric.POSTS] = queries.updates_per_day(channel, queries.series_start(today), today)
    return series


def progress_of(goal, series: Series, *, today: datetime.date) -> Progress:
    """Where `goal` (anything with metric, baseline, first_measured_on, target and deadline)
    stands on `today`."""
    return goal_progress(
        spec=CATALOGUE.get(goal.metric),
        baseline=goal.baseline,
        first_measured_on=goal.first_measured_on,
        target=goal.target,
        deadline=goal.deadline,
        points=series.get(goal.metric, []),
        today=today,
    )


def first_values(channel_id: int, goals, today: datetime.date) -> list[Decimal | None]:
    """The value each of `goals` measured for the first time on a day (first_measured_on) was first
    measured at: the baseline its progress reads (progress.first_measured); None before it is
    measured, and for a goal with a baseline. Connected as plans.hooks.first_values. At most two
    queries (goal_series)."""
    series = goal_series(channel_id, goals, today=today)
    return [
        progress_of(goal, series, today=today).baseline if goal.baseline is None and goal.first_measured_on else None
        for goal in goals
    ]
