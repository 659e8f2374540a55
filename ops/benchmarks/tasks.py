"""The floor of a Celery round trip: a task that does nothing (`kob_social.bench_settings` only)."""

from celery import shared_task


@shared_task(name="ops.benchmarks.noop")
def noop() -> None:
    return None
