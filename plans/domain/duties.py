"""The half-yearly screenshot duty (stub: being written)."""

import datetime


def run_screenshot_duties(*, today: datetime.date) -> dict:
    raise NotImplementedError
