from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..queries import plans_awaiting, plans_by, plans_returned_to

INBOX_LIMIT = 10


@login_required
@require_safe
def home(request):
    """The start page: what waits for my decision, my plans, and what was returned to me."""
    user = request.user
    boxes = [
        ("waiting", plans_awaiting(user)),
        ("mine", plans_by(user).order_by("-updated_at", "-pk")),
        ("returned", plans_returned_to(user).order_by("-status_changed_at", "-pk")),
    ]
    context = {}
    for name, queryset in boxes:
        items = list(queryset[: INBOX_LIMIT + 1])
        context[name] = items[:INBOX_LIMIT]
        context[f"{name}_count"] = len(items) if len(items) <= INBOX_LIMIT else queryset.count()
    return render(request, "plans/home.html", context)
