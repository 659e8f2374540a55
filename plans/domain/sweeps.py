"""The daily sweeps (stub: being written)."""

import datetime


def remind_waiting_approvals(*, today: datetime.date) -> dict:
    raise NotImplementedError


def warn_roster_gaps(*, today: datetime.date) -> dict:
    raise NotImplementedError


def warn_expiring_trainings(*, today: datetime.date) -> dict:
    raise NotImplementedError


def remind_overdue_inventories(*, today: datetime.date) -> dict:
    raise NotImplementedError
