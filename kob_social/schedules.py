"""Every periodic job, declared in one place.

`manage.py setup_schedules` creates a django-celery-beat row for each entry that is missing;
existing rows are left alone, so times edited in the admin survive deploys. Times are
Europe/Stockholm wall-clock times (CELERY_TIMEZONE), so DST changes keep them at the same hour.

Each entry with a `job` name can also be run by hand, synchronously, for a given day:
`python manage.py run_job weekly_check --date 2026-11-23` calls `function(today=…)`, the same
domain function the task wraps. Every job is idempotent: a second run for the same day finds
its rows and notification keys already there and changes nothing.
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
    job: str = ""
    function: str = ""


SCHEDULES: list[Schedule] = [
    Schedule(
        name="Översiktens läge",
        task="overview.tasks.refresh_standings",
        minute="45",
        hour="0,6",
        description="Twice a day: after midnight every channel's lights in the overview are judged anew, since "
        "they are judged by the day; at 06:45 again, after the morning jobs (the rhythm check, the screenshot "
        "duties) that write in bulk. A change to a channel refreshes its row at once.",
        job="refresh_standings",
        function="overview.domain.standing.run_refresh",
    ),
    Schedule(
        name="Rensa personuppgifter efter avslut",
        task="audit.tasks.purge_personal_data",
        minute="30",
        hour="2",
        description="Nightly: deletes the roster weeks and absences of people who have left (inactive) that "
        "ended more than PERSONAL_DATA_RETENTION_DAYS ago, with their field history, and records one event per "
        "person. Decisions and the audit log are public records and are kept.",
        job="purge_personal_data",
        function="audit.personal_data.purge_departed",
    ),
    Schedule(
        name="Rensa utgångna sessioner",
        task="accounts.tasks.purge_expired_sessions",
        minute="15",
        hour="3",
        description="Removes expired sessions from the database every night.",
        job="purge_sessions",
        function="accounts.domain.purge_expired_sessions",
    ),
    Schedule(
        name="Uppdateringskontroll (veckovis)",
        task="channel_register.tasks.weekly_rhythm_check",
        minute="0",
        hour="6",
        day_of_week="1",
        description="Monday morning: updates in the last completed week (or month) against the plan, for "
        "every active channel; tells the owner of a miss and the manager after two misses in a row.",
        job="weekly_check",
        function="channel_register.domain.rhythm.run_weekly_check",
    ),
    Schedule(
        name="Skärmdumpsplikt (halvår)",
        task="channel_register.tasks.screenshot_duties",
        minute="15",
        hour="6",
        description="Daily, so also on 1 January and 1 July: opens the half-year's screenshot duty for every "
        "active channel, reminds the screenshot responsible, and tells the manager after 30 days.",
        job="screenshot_duties",
        function="channel_register.domain.duties.run_screenshot_duties",
    ),
    Schedule(
        name="Utvärderingsplikt (årlig)",
        task="metrics.tasks.evaluation_duties",
        minute="30",
        hour="6",
        description="Daily: opens the yearly evaluation duty of every active channel a year after its last "
        "completed evaluation (or its go-live), reminds the owner, and tells the manager after 30 days.",
        job="evaluation_duties",
        function="metrics.domain.duties.run_evaluation_duties",
    ),
    Schedule(
        name="Första mätningen av mål",
        task="metrics.tasks.first_measurement_duties",
        minute="35",
        hour="6",
        description="Daily: reminds the owner of an active channel, once, to record the first value of a goal of "
        "its approved plan that is measured for the first time that day (instead of a baseline), until a value "
        "is recorded.",
        job="first_measurements",
        function="metrics.domain.first_measurements.run_first_measurement_duties",
    ),
    Schedule(
        name="Läs kanalernas flöden",
        task="channel_register.tasks.read_feeds",
        minute="20",
        hour="*/3",
        description="Every three hours: reads the RSS/Atom feed of every active channel that has one.",
        job="read_feeds",
        function="channel_register.domain.feeds.read_all_feeds",
    ),
    Schedule(
        name="Påminn om väntande beslut",
        task="plans.tasks.remind_waiting_approvals",
        minute="0",
        hour="7",
        description="Daily: reminds the decider of plans and closure requests waiting more than 7 days.",
        job="waiting_approvals",
        function="plans.domain.reminders.remind_waiting_approvals",
    ),
    Schedule(
        name="Dagens sammanfattning",
        task="notifications.tasks.send_digests",
        minute="30",
        hour="7",
        description="Daily, after the morning reminders: one e-mail per person who chose a daily digest for some "
        "kinds of notice, listing them; once per person and day.",
        job="send_digests",
        function="notifications.domain.send_digests",
    ),
    Schedule(
        name="Eskalera det som ingen kan besluta",
        task="plans.tasks.escalate_waiting",
        minute="2",
        hour="7",
        description="Daily: a plan or closure request that nobody active can decide, or that has waited more "
        "than 14 days, is shown to the communications officer and the administrators on their start page, and "
        "they are told once.",
        job="escalate_waiting",
        function="plans.domain.escalation.escalate_waiting",
    ),
    Schedule(
        name="Luckor i tillsynsschemat",
        task="channel_register.tasks.warn_roster_gaps",
        minute="5",
        hour="7",
        description="Daily: tells the manager of roster gaps in the next 30 days.",
        job="roster_gaps",
        function="channel_register.domain.reminders.warn_roster_gaps",
    ),
    Schedule(
        name="Utbildningar som löper ut",
        task="accounts.tasks.warn_expiring_trainings",
        minute="10",
        hour="7",
        description="Daily: tells the person and their manager of legal training that expires within 60 days.",
        job="expiring_trainings",
        function="accounts.domain.reminders.warn_expiring_trainings",
    ),
    Schedule(
        name="Försenade inventeringar",
        task="channel_register.tasks.remind_overdue_inventories",
        minute="15",
        hour="7",
        description="Daily: reminds the owner of an overdue inventory confirmation, then the communications officer.",
        job="overdue_inventories",
        function="channel_register.domain.reminders.remind_overdue_inventories",
    ),
    Schedule(
        name="Skapa saknade plan-PDF:er",
        task="plans.tasks.render_missing_pdfs",
        minute="*/10",
        description="Every ten minutes: renders signed plans whose PDF is missing (a worker died, the broker "
        "was down when the plan was approved).",
        job="render_pdfs",
        function="plans.domain.archive.render_missing",
    ),
    Schedule(
        name="Skicka e-post som väntar",
        task="notifications.tasks.resend_due_emails",
        minute="*/5",
        description="Every five minutes: queues notification e-mails that are due but have no task "
        "(a broker that was down, a worker that died while sending, a retry whose time has come).",
        job="resend_emails",
        function="notifications.domain.resend_due",
    ),
]

JOBS: dict[str, Schedule] = {schedule.job: schedule for schedule in SCHEDULES if schedule.job}
