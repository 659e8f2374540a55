"""Celery tasks of the plans app: thin wrappers around the domain functions of the reminder of
waiting decisions, the signed PDF and the draft preview (the periodic ones declared in kob_social/schedules.py).
Each takes keyword-only arguments, loads what it needs and calls one domain function; all of
them are safe to run twice."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from kob_social.jobs import RELIABLE, job_day

from .domain import archive, escalation, reminders
from .models import SignedPlan


@shared_task(name="plans.tasks.remind_waiting_approvals", **RELIABLE)
def remind_waiting_approvals(*, on: str | None = None) -> dict:
    return reminders.remind_waiting_approvals(today=job_day(on))


@shared_task(name="plans.tasks.escalate_waiting", **RELIABLE)
def escalate_waiting(*, on: str | None = None) -> dict:
    return escalation.escalate_waiting(today=job_day(on))


@shared_task(
    bind=True,
    name=archive.RENDER_TASK,
    soft_time_limit=60,
    time_limit=90,
    max_retries=5,
    **RELIABLE,
)
def render_signed_plan(self, *, signed_plan_id: int) -> bool:
    """Render and store the signed plan's PDF once; a failure (or the time limit) is retried
    with backoff, and the error is kept on the row for the administrators."""
    if not SignedPlan.objects.filter(pk=signed_plan_id).exists():
        return False
    try:
        return archive.render(signed_plan_id)
    except SoftTimeLimitExceeded as exc:
        archive.release(signed_plan_id, "Rendering took longer than the time limit (60 s).")
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc
    except Exception as exc:
        raise self.retry(exc=exc, countdown=60 * 2**self.request.retries) from exc


@shared_task(name="plans.tasks.render_missing_pdfs", **RELIABLE)
def render_missing_pdfs() -> int:
    """Every ten minutes: queue signed plans whose PDF is not stored and nobody is rendering."""
    ids = archive.unrendered()
    for signed_plan_id in ids:
        render_signed_plan.delay(signed_plan_id=signed_plan_id)
    return len(ids)


@shared_task(
    name=archive.PREVIEW_TASK,
    soft_time_limit=settings.PDF_PREVIEW_TIME_LIMIT,
    time_limit=settings.PDF_PREVIEW_TIME_LIMIT + 10,
    # Not acknowledged late and never retried: a preview that is lost is asked for again by the
    # next request for it (archive.PREVIEW_RETRY_AFTER), and one that runs out of time would only
    # run out of time again.
    acks_late=False,
)
def render_preview(*, plan_id: int, fingerprint: str) -> bool:
    """Render a plan's draft preview of this content, within the time limit; when it cannot be
    made, the reason is kept for the page that waits for it."""
    try:
        return archive.render_preview(plan_id, fingerprint)
    except SoftTimeLimitExceeded:
        archive.fail_preview(plan_id, fingerprint, f"Rendering took longer than {settings.PDF_PREVIEW_TIME_LIMIT} s.")
        return False
    except Exception as exc:
        archive.fail_preview(plan_id, fingerprint, f"{type(exc).__name__}: {exc}")
        raise
