"""Timing for `make bench`: a target and its floor, interleaved, in CPU time and wall time.

A page on a loaded two-core machine takes longer in wall time whenever something else runs; its
CPU time (this process's) moves far less. So each case is measured as A B A B …: the floor, then
the target, `pairs` times after one warm-up of each, and the ratio is the target's median CPU
time over the floor's median CPU time in the same rounds. Wall times are reported beside it.
Queries are counted in one more, separate call (counting them costs time of its own).
"""

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Result:
    group: str
    case: str
    floor: str
    runs: int
    cpu_median: float
    cpu_p95: float
    wall_median: float
    wall_p95: float
    floor_cpu_median: float | None
    queries: int | None
    bytes: int | None
    goal: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)
    # "vägg" where only wall time means anything (a round trip through a worker, a job measured
    # by its own benchmark): the CPU columns then hold wall time and the ratio is of wall times.
    basis: str = "cpu"

    @property
    def ratio(self) -> float | None:
        if not self.floor_cpu_median:
            return None
        return self.cpu_median / self.floor_cpu_median

    def as_json(self) -> dict:
        return {**asdict(self), "ratio": self.ratio}


def p95(values: list[float]) -> float:
    """The 95th percentile by the nearest-rank rule (for a handful of runs: the slowest but one)."""
    ordered = sorted(values)
    return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def timed(call: Callable[[], object]) -> tuple[float, float, object]:
    cpu, wall = time.process_time(), time.perf_counter()
    value = call()
    return time.process_time() - cpu, time.perf_counter() - wall, value


def count_queries(call: Callable[[], object]) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        value = call()
    return len(queries), value


@dataclass
class Floor:
    name: str
    call: Callable[[], object]


def interleaved(
    group: str,
    case: str,
    target: Callable[[], object],
    floor: Floor,
    *,
    pairs: int,
    size: Callable[[object], int | None] = lambda value: None,
    goal: str = "",
    note: str = "",
) -> Result:
    """Measure `target` against `floor`, A B A B after one warm-up of each."""
    floor.call()
    value = target()
    floor_cpu, cpu, wall = [], [], []
    for _ in range(pairs):
        floor_cpu.append(timed(floor.call)[0])
        spent_cpu, spent_wall, value = timed(target)
        cpu.append(spent_cpu)
        wall.append(spent_wall)
    queries, value = count_queries(target)
    return Result(
        group,
        case,
        floor.name,
        pairs,
        statistics.median(cpu),
        p95(cpu),
        statistics.median(wall),
        p95(wall),
        statistics.median(floor_cpu),
        queries,
        size(value),
        goal,
        note,
    )


def once(group: str, case: str, target: Callable[[], object], *, goal: str = "", note: str = "") -> Result:
    """A call that changes what it measures (a daily job, a transition): measured once, queries
    counted in the same call."""
    with CaptureQueriesContext(connection) as queries:
        cpu, wall, _value = timed(target)
    return Result(group, case, "", 1, cpu, cpu, wall, wall, None, len(queries), None, goal, note)
