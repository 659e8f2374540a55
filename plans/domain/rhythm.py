"""The weekly update-rhythm check (stub: being written)."""

import datetime


def run_weekly_check(*, today: datetime.date) -> dict:
    raise NotImplementedError
