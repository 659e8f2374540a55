"""Benchmarks: speed goals measured, never a timed test.

Each benchmark builds its data in a throwaway database, runs the code under test and a *floor*
(the least work any implementation must do, measured in the same run on the same data), and
reports wall time, queries and the ratio to the floor. Ratios are comparable between machines;
seconds are not. Run them with `python manage.py benchmark` (see README.md).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    benchmark: str
    case: str
    seconds: float
    queries: int | None
    floor_seconds: float | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if not self.floor_seconds:
            return None
        return self.seconds / self.floor_seconds
