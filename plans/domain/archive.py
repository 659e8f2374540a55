"""The signed plan: freezing an approved version and rendering it once.

At the final approval `freeze` stores a snapshot of the plan (every field in the template's
order, the goals, every decision and the signer's details) with the SHA-256 of its canonical
JSON form, in the approving transaction, and queues the rendering after the commit. `render`
(the task's body) turns the snapshot, and only the snapshot, into a PDF/A document, signs it
digitally when a certificate is configured, and stores the bytes once: a second run, a retry or
a duplicate delivery finds them stored and changes nothing.

The draft preview of a plan that is not decided yet is never rendered in a web request either:
`request_preview` stores the content's snapshot as the plan's preview and queues one rendering,
which a worker does under a time limit (`render_preview`); the page polls until it is there.
"""

import datetime
import hashlib
import json
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from kob_social.jobs import queue

from ..enums import OUTCOME_NAMES, Action, Step
from ..models import Decision, Plan, PlanPreview, SignedPlan

SNAPSHOT_FORMAT = 1


def _outcome(action: str) -> str:
    """A decision as a record says it ("Godkänd"), not as the button says it ("Godkänn")."""
    return str(OUTCOME_NAMES.get(action, Action(action).label))


# A rendering claim older than this belongs to a worker that died (the task's hard limit is 90 s).
STALE_RENDER_CLAIM = timedelta(minutes=5)

# The task that renders a signed plan (plans.tasks), queued by name after the approval commits.
RENDER_TASK = "plans.tasks.render_signed_plan"

# The task that renders a draft preview, and how long after a preview was asked for without
# being made (its worker died, or it failed) the next request asks for it again.
PREVIEW_TASK = "plans.tasks.render_preview"
PREVIEW_RETRY_AFTER = timedelta(minutes=2)


def goal_number(value: Decimal | None) -> str:
    """A goal's baseline or target as the page and the PDF print it: a whole number without
    decimals ("2 000", not "2000,00"), others with the decimals they need ("12,5"), grouped in
    thousands as the active language does (Swedish: a non-breaking space). None is ""."""
    if value is None:
        return ""
    value = Decimal(value)
    decimals = max(0, -value.normalize().as_tuple().exponent)
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def canonical(snapshot: dict) -> bytes:
    """The one byte form of a snapshot that its fingerprint is computed over."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fingerprint(snapshot: dict) -> str:
    return hashlib.sha256(canonical(snapshot)).hexdigest()


def _person(user: User | None, acting_for: User | None = None) -> dict:
    """A decider's name and title, and whom they acted for as a deputy (only when they did: the
    snapshots of decisions in one's own right read as before)."""
    if user is None:
        return {"name": "", "title": ""}
    person = {"name": user.get_full_name(), "title": user.title}
    if acting_for is not None:
        person["acting_for"] = acting_for.get_full_name()
    return person


def _person_line(user: User | None) -> str:
    if user is None:
        return ""
    return f"{user.get_full_name()}, {user.title}" if user.title else user.get_full_name()


def _local(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _date(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _label(field: str) -> str:
    return str(Plan._meta.get_field(field).verbose_name)


def build_snapshot(plan: Plan) -> dict:
    """Everything the document shows, as text, in Swedish, in the template's order.

    Used for the frozen record at approval and for the draft preview."""
    with translation.override(settings.LANGUAGE_CODE):
        others = ", ".join(_person_line(person) for person in plan.other_people.order_by("full_name", "pk"))
        frequency = (
            f"{plan.update_count} {plan.get_update_period_display()}"
            if plan.update_count and plan.update_period
            else ""
        )
        hours = formats.number_format(plan.working_hours_per_week, use_l10n=True) if plan.working_hours_per_week else ""
        fields = [
            ("unit", _label("unit"), str(plan.unit)),
            ("deciding_chef", _label("deciding_chef"), _person_line(plan.deciding_chef)),
            ("platform", _label("platform"), plan.get_platform_display() if plan.platform else ""),
            ("channel_name", _label("channel_name"), plan.channel_name),
            ("channel_url", _label("channel_url"), plan.channel_url),
            ("purpose", _label("purpose"), plan.purpose),
            ("activities", _label("activities"), plan.activities),
            ("tools", _label("tools"), plan.tools),
            ("responsible", _label("responsible"), _person_line(plan.responsible)),
            ("other_people", _label("other_people"), others),
            ("supervision", _label("supervision"), plan.supervision),
            ("update_frequency", _("How often the channel is updated"), frequency),
            ("working_hours_per_week", _label("working_hours_per_week"), hours and _("%s hours per week") % hours),
            ("screenshot_responsible", _label("screenshot_responsible"), _person_line(plan.screenshot_responsible)),
            ("target_groups", _label("target_groups"), plan.target_groups),
            ("terms_reviewed", _("The platform's terms reviewed"), _terms(plan)),
            ("case_routine", _label("case_routine"), plan.case_routine),
            ("records_reference", _label("records_reference"), plan.records_reference),
            ("registration_number", _label("registration_number"), plan.registration_number),
            (
                "statistics_use",
                _label("statistics_use"),
                plan.get_statistics_use_display() if plan.statistics_use else "",
            ),
            ("privacy_notice_url", _label("privacy_notice_url"), plan.privacy_notice_url),
            ("processing_register_entry", _label("processing_register_entry"), plan.processing_register_entry),
            ("data_requests_by", _label("data_requests_by"), plan.data_requests_by),
            ("personal_data_note", _label("personal_data_note"), plan.personal_data_note),
            ("accessibility_routine", _label("accessibility_routine"), plan.accessibility_routine),
            *(
                (name, _label(name), getattr(plan, f"get_{name}_display")() if getattr(plan, name) else "")
                for name in ("alt_texts", "captions", "readable_hashtags")
            ),
            ("channel_information", _label("channel_information"), plan.channel_information),
        ]
        goals = [
            {
                "description": goal.description,
                "metric": goal.get_metric_display() if goal.metric else "",
                "baseline": goal_number(goal.baseline),
                "target": goal_number(goal.target),
                "deadline": _date(goal.deadline),
                # Only when set: the snapshots of goals with a baseline read as they always have.
                **({"first_measured_on": _date(goal.first_measured_on)} if goal.first_measured_on else {}),
            }
            for goal in plan.goals.order_by("position", "pk")
        ]
        decisions = list(plan.decisions.select_related("decided_by", "acting_for").order_by("decided_at", "pk"))
        chef_decision = _last(decisions, Step.CHEF)
        director_decision = _last(decisions, Step.DIREKTOR)
        return {
            "format": SNAPSHOT_FORMAT,
            "title": _("Plan for the use of a social medium within Kultur och bildning"),
            "plan": {
                "id": plan.pk,
                "series": str(plan.series),
                "version": plan.version_number,
                "diarienummer": plan.diarienummer,
                "status": plan.get_status_display(),
            },
            "fields": [{"key": key, "label": label, "value": value} for key, label, value in fields],
            "goals": goals,
            "decisions": [
                {
                    "step": decision.get_step_display(),
                    "outcome": _outcome(decision.outcome),
                    **_person(decision.decided_by, decision.acting_for),
                    "role": decision.get_role_display(),
                    "at": _local(decision.decided_at),
                    "comment": decision.comment,
                    "signed_by_submission": decision.signed_by_submission,
                }
                for decision in decisions
            ],
            "signature": signature(plan, chef_decision),
            "director_decision": (
                {
                    "outcome": _outcome(director_decision.outcome),
                    "at": _local(director_decision.decided_at),
                    "comment": director_decision.comment,
                    "role": director_decision.get_role_display(),
                    **_person(director_decision.decided_by, director_decision.acting_for),
                }
                if director_decision
                else None
            ),
        }


def signature(plan: Plan, chef_decision: Decision | None) -> dict:
    """The signature block of the template, as the signed PDF prints it and the plan's page
    shows it: the statement, the place (the unit's, or the installation's: Unit.place), the
    date and the name of the chef who approved the chef step; no date or name before that."""
    with translation.override(settings.LANGUAGE_CODE):
        return {
            "statement": _("I have read, and approve, this action plan"),
            "place": plan.unit.place,
            "date": timezone.localdate(chef_decision.decided_at).isoformat() if chef_decision else "",
            "signed_at": _local(chef_decision.decided_at) if chef_decision else "",
            **(_person(chef_decision.decided_by, chef_decision.acting_for) if chef_decision else _person(None)),
        }


def chef_signature(decisions: list[Decision]) -> Decision | None:
    """The decision that signs the plan: the last approval at the chef step."""
    return _last(decisions, Step.CHEF)


def _terms(plan: Plan) -> str:
    parts = [_date(plan.terms_reviewed_on), _person_line(plan.terms_reviewed_by)]
    return ", ".join(part for part in parts if part)


def _last(decisions: list[Decision], step: Step) -> Decision | None:
    matching = [decision for decision in decisions if decision.step == step and decision.outcome == Action.APPROVE]
    return matching[-1] if matching else None


def freeze(plan: Plan, now: datetime.datetime) -> SignedPlan:
    """Store the approved version's snapshot (inside the approving transaction) and render it
    after the commit. Called once per version: the final approval happens once."""
    snapshot = build_snapshot(plan)
    signed = SignedPlan.objects.create(
        plan=plan, snapshot=snapshot, snapshot_sha256=fingerprint(snapshot), frozen_at=now
    )
    transaction.on_commit(lambda: queue(RENDER_TASK, signed_plan_id=signed.pk))
    return signed


def claim_render(signed_plan_id: int) -> bool:
    """Take the right to render: nobody has stored the PDF, and no live worker is rendering."""
    now = timezone.now()
    claimed = (
        SignedPlan.objects.filter(pk=signed_plan_id, pdf_sha256="")
        .filter(Q(render_claimed_at__isnull=True) | Q(render_claimed_at__lt=now - STALE_RENDER_CLAIM))
        .update(render_claimed_at=now, render_attempts=F("render_attempts") + 1)
    )
    return claimed == 1


def render(signed_plan_id: int) -> bool:
    """Render, sign if configured, and store the PDF once. True when this call stored it."""
    # Lazy: WeasyPrint and pyHanko take a second to import; only the process that renders pays.
    from ..pdf import render_plan_pdf
    from ..signing import sign_pdf

    if not claim_render(signed_plan_id):
        return False
    signed = SignedPlan.objects.get(pk=signed_plan_id)
    try:
        pdf = render_plan_pdf(signed.snapshot, fingerprint=signed.snapshot_sha256)
        # The snapshot's place: the unit's when it had one (older snapshots: the installation's).
        signed_pdf = sign_pdf(pdf, location=signed.snapshot.get("signature", {}).get("place", ""))
    except Exception as exc:
        release(signed_plan_id, f"{type(exc).__name__}: {exc}")
        raise
    data = signed_pdf if signed_pdf is not None else pdf
    stored = SignedPlan.objects.filter(pk=signed_plan_id, pdf_sha256="").update(
        pdf=data,
        pdf_sha256=hashlib.sha256(data).hexdigest(),
        digitally_signed=signed_pdf is not None,
        rendered_at=timezone.now(),
        render_error="",
    )
    return stored == 1


def release(signed_plan_id: int, error: str) -> None:
    """Give up the rendering claim after a failure, keeping the error for the administrators."""
    SignedPlan.objects.filter(pk=signed_plan_id, pdf_sha256="").update(
        render_claimed_at=None, render_error=error[:2000]
    )


def unrendered() -> list[int]:
    """Signed plans without a stored PDF that nobody is rendering now (at most 500)."""
    stale = timezone.now() - STALE_RENDER_CLAIM
    rows = SignedPlan.objects.filter(pdf_sha256="").filter(
        Q(render_claimed_at__isnull=True) | Q(render_claimed_at__lt=stale)
    )
    return list(rows.order_by("pk").values_list("pk", flat=True)[:500])


def draft_pdf(snapshot: dict) -> bytes:
    """A snapshot as a PDF marked "UTKAST – ej beslutad", rendered in this process (the
    preview task, and tests); a web request asks for it with request_preview instead."""
    # Lazy: WeasyPrint takes a second to import; only the process that renders pays.
    from ..pdf import render_plan_pdf

    return render_plan_pdf(snapshot, fingerprint=fingerprint(snapshot), draft=True)


def request_preview(plan: Plan) -> PlanPreview:
    """The draft preview of the plan's content as it is now, without rendering it here.

    The content's snapshot and fingerprint are stored as the plan's preview, and one rendering
    is queued after the commit, however many ask at once: only the request whose conditional
    update replaced the stored fingerprint queues. A stored preview of the same content is
    returned as it is; one that no worker has finished PREVIEW_RETRY_AFTER after it was asked
    for (the worker died, or the rendering failed) is asked for again."""
    snapshot = build_snapshot(plan)
    digest = fingerprint(snapshot)
    now = timezone.now()
    with transaction.atomic():
        current, created = PlanPreview.objects.defer("pdf").get_or_create(
            plan=plan, defaults={"snapshot": snapshot, "snapshot_sha256": digest, "requested_at": now}
        )
        lost = not current.is_rendered and current.requested_at < now - PREVIEW_RETRY_AFTER
        ask = created
        if not created and (current.snapshot_sha256 != digest or lost):
            # Only one of several simultaneous requests replaces the row; the others find it
            # replaced (and its rendering queued) when they read it again.
            ask = (
                PlanPreview.objects.filter(
                    pk=current.pk, snapshot_sha256=current.snapshot_sha256, requested_at=current.requested_at
                ).update(
                    snapshot=snapshot,
                    snapshot_sha256=digest,
                    requested_at=now,
                    claimed_at=None,
                    pdf=None,
                    rendered_at=None,
                    error="",
                )
                == 1
            )
            current = PlanPreview.objects.defer("pdf").get(pk=current.pk)
        if ask:
            transaction.on_commit(lambda: queue(PREVIEW_TASK, plan_id=plan.pk, fingerprint=digest))
    return current


def render_preview(plan_id: int, digest: str) -> bool:
    """Render the stored preview of this content once (the task's body). False when it is
    gone, replaced by newer content, stored already, or being rendered by a live worker."""
    now = timezone.now()
    waiting = PlanPreview.objects.filter(plan_id=plan_id, snapshot_sha256=digest, rendered_at__isnull=True)
    claimed = waiting.filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_RENDER_CLAIM)).update(
        claimed_at=now
    )
    snapshot = waiting.values_list("snapshot", flat=True).first() if claimed else None
    if snapshot is None:
        return False
    pdf = draft_pdf(snapshot)
    return waiting.update(pdf=pdf, rendered_at=timezone.now(), error="") == 1


def fail_preview(plan_id: int, digest: str, error: str) -> None:
    """Keep why the preview of this content could not be made; the page says so."""
    PlanPreview.objects.filter(plan_id=plan_id, snapshot_sha256=digest, rendered_at__isnull=True).update(
        claimed_at=None, error=error[:500]
    )


def find_by_fingerprint(value: str) -> SignedPlan | None:
    """The signed plan whose PDF bytes or whose content has this SHA-256 (hex, any case)."""
    value = value.strip().lower()
    if len(value) != 64:
        return None
    matches = SignedPlan.objects.filter(Q(pdf_sha256=value) | Q(snapshot_sha256=value))
    return matches.select_related("plan").defer("pdf", "snapshot").first()


def render_missing() -> dict:
    """Render, in this process, every signed plan whose PDF is missing (run_job render_pdfs)."""
    rendered = sum(1 for signed_plan_id in unrendered() if render(signed_plan_id))
    return {"rendered": rendered}
