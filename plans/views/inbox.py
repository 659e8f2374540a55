from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.text import capfirst
from django.views.decorators.http import require_safe

from .. import rules
from ..queries import closures_awaiting, escalations, plans_awaiting, plans_by, plans_returned_to

INBOX_LIMIT = 10


@login_required
@require_safe
def home(request):
    """The start page: what waits for my decision (plans and closure requests, in one list,
    the longest-waiting first), my plans, and what was returned to me."""
    user = request.user
    context = escalation_box(user)
    waiting, context["waiting_count"] = _first_and_count(plans_awaiting(user), closures_awaiting(user))
    # Each kind is read in waiting order, so the first INBOX_LIMIT of both together are among
    # the first INBOX_LIMIT of each.
    context["waiting"] = sorted(waiting, key=lambda document: (document.status_changed_at, document.pk))[:INBOX_LIMIT]
    for document in context["waiting"]:
        document.kind = capfirst(document._meta.verbose_name)
    for name, queryset in [
        ("mine", plans_by(user).order_by("-updated_at", "-pk")),
        ("returned", plans_returned_to(user).order_by("-status_changed_at", "-pk")),
    ]:
        context[name], context[f"{name}_count"] = _first_and_count(queryset)
    return render(request, "plans/home.html", context)


def escalation_box(user) -> dict:
    """The escalated documents for the start page of those who can fix them (rules.sees_escalations):
    the INBOX_LIMIT longest-waiting and how many there are; nothing (and no query) for others."""
    if not rules.sees_escalations(user):
        return {}
    rows, count = _first_and_count(escalations())
    for row in rows:
        row.kind = capfirst(row.document._meta.verbose_name)
    return {"escalations": rows, "escalation_count": count, "shows_escalations": True}


def _first_and_count(*querysets) -> tuple[list, int]:
    """The first INBOX_LIMIT rows of each queryset, and how many there are in all: one query
    per queryset, and a COUNT only for one that has more than fits."""
    first, count = [], 0
    for queryset in querysets:
        items = list(queryset[: INBOX_LIMIT + 1])
        first += items[:INBOX_LIMIT]
        count += len(items) if len(items) <= INBOX_LIMIT else queryset.count()
    return first, count
