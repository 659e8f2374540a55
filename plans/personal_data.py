"""What the plans store about a person, for the audit log's export of personal data
(audit.personal_data): the plans and closure requests they wrote or are named in, and the
decisions they made. Nothing here is purged: plans and decisions are public records.
Called from audited.register_with_audit."""

from django.db.models import Q

from audit.personal_data import register_provider

from .models import ClosureRequest, Decision, Plan

PLAN_ROLES = {
    "author": "author",
    "responsible": "responsible",
    "screenshot_responsible": "screenshot_responsible",
    "other": "other_people",
    "deciding_chef": "deciding_chef",
    "terms_reviewed_by": "terms_reviewed_by",
}


def register() -> None:
    register_provider("plans", plans_of)


def plans_of(person) -> dict:
    plans = [
        {
            "id": plan["id"],
            "role": role,
            "diarienummer": plan["diarienummer"],
            "version": plan["version_number"],
            "channel_name": plan["channel_name"],
            "status": plan["status"],
            "created_at": plan["created_at"],
            "decided_at": plan["decided_at"],
        }
        for role, field in PLAN_ROLES.items()
        for plan in Plan.objects.filter(**{field: person})
        .order_by("pk")
        .values("id", "diarienummer", "version_number", "channel_name", "status", "created_at", "decided_at")
    ]
    closures = list(
        ClosureRequest.objects.filter(Q(author=person) | Q(deciding_chef=person))
        .order_by("pk")
        .values("id", "channel_id", "author_id", "deciding_chef_id", "status", "created_at", "decided_at")
    )
    decisions = list(
        Decision.objects.filter(decided_by=person)
        .order_by("decided_at", "pk")
        .values("id", "plan_id", "closure_id", "step", "outcome", "role", "comment", "decided_at")
    )
    return {"plans": plans, "closure_requests": closures, "decisions": decisions}
