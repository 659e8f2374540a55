"""Every periodic job, declared in one place.

`manage.py setup_schedules` creates a django-celery-beat row for each entry that is missing;
existing rows are left alone, so times edited in the admin survive deploys. Times are
Europe/Stockholm wall-clock times (CELERY_TIMEZONE), so DST changes keep them at the same hour.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str = "0"
    hour: str = "*"
    day_of_week: str = "*"
    day_of_month: str = "*"
    month_of_year: str = "*"
    description: str = ""


SCHEDULES: list[Schedule] = [
    Schedule(
        name="Rensa utgångna sessioner",
        task="accounts.tasks.purge_expired_sessions",
        minute="15",
        hour="3",
        description="Removes expired sessions from the database every night.",
    ),
]
