from django.http import Http404
from django.shortcuts import render

from .. import rules
from ..models import Plan


def get_visible_plan(request, pk: int) -> Plan:
    """The plan, if the user may read it; otherwise 404 (another unit's plan does not exist)."""
    plan = (
        Plan.objects.select_related(
            "unit",
            "unit__parent",
            "author",
            "deciding_chef",
            "responsible",
            "screenshot_responsible",
            "terms_reviewed_by",
        )
        .filter(pk=pk)
        .first()
    )
    if plan is None or not rules.can_view_plan(request.user, plan):
        raise Http404
    return plan


def conflict_response(request, plan: Plan, message: str):
    return render(request, "plans/conflict.html", {"plan": plan, "message": message}, status=409)
