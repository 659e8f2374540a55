"""A Celery round trip through a real broker and a real worker: a real job's task against the
no-op task, interleaved (wall time: the time is spent in the broker and the worker).

Runs in a process of its own (`manage.py bench --celery-leg`, started by `make bench`), since the
measuring process sends its own tasks to an in-memory broker. The worker is a `celery worker`
subprocess with the benchmark's settings, on the broker of the environment (Redis when
`CELERY_BROKER_URL` names it, else the file-system broker in `<VAR_DIR>/bench/broker`), and the
same copy of the dataset.
"""

import statistics

from celery import current_app
from django.conf import settings
from django.db import connection

from kob_social.testing.services import CeleryWorker, database_url_for

from .measure import Result, p95, timed

# A real scheduled job that does its work in the task itself (one DELETE), so that the round
# trip is not the time of a fan-out: resend_due_emails, say, queues one task per due e-mail,
# and thousands are due in a fabricated dataset.
REAL_JOB = "accounts.tasks.purge_expired_sessions"


def measure(*, pairs: int) -> list[Result]:
    worker = CeleryWorker(
        settings.CELERY_BROKER_URL,
        database_url_for(connection.settings_dict),
        extra_env={"DJANGO_SETTINGS_MODULE": "kob_social.bench_settings"},
    )
    # Whatever an earlier, interrupted run left in the benchmark's broker is not this run's work.
    current_app.control.purge()
    worker.start()
    try:

        def round_trip(name: str):
            return lambda: current_app.send_task(name).get(timeout=120)

        noop, job = round_trip("ops.benchmarks.noop"), round_trip(REAL_JOB)
        noop()
        job()
        floor_wall, wall = [], []
        for _ in range(pairs):
            floor_wall.append(timed(noop)[1])
            wall.append(timed(job)[1])
    finally:
        worker.stop()
    broker = settings.CELERY_BROKER_URL.split(":", 1)[0]
    return [
        Result(
            "celery",
            f"tur och retur, {REAL_JOB}",
            "tur och retur, no-op",
            pairs,
            statistics.median(wall),
            p95(wall),
            statistics.median(wall),
            p95(wall),
            statistics.median(floor_wall),
            None,
            None,
            note=f"mäklare {broker}",
            basis="vägg",
        )
    ]
