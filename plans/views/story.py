"""A plan's whole story for those who read the audit log (Beslutshistorik): the versions of its
series, the decisions on them, every change of the plan's and its goals' fields (old → new,
who, when, from which address, why), and the audit events about every version of it, which
include who downloaded the signed PDF.

Read by the Systemadministratör and the kulturdirektör only (audit.rules): anyone else signed
in is refused (403) whether or not the plan exists; for a reader, a plan that does not exist is
a 404. The history rows and the events are each one page at a time (channel_register.views.story,
which the channel's story shares).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from audit.models import Event
from channel_register.views.story import (
    EVENTS_BEFORE,
    HISTORY_PAGE,
    event_page,
    history_page,
    page_links,
    refuse_unless_auditor,
)

from ..models import Decision, Goal, Plan
from ..queries import versions_of


@login_required
@require_safe
def plan_story(request, pk):
    refuse_unless_auditor(request.user)
    plan = Plan.objects.select_related("unit", "channel").filter(pk=pk).first()
    if plan is None:
        raise Http404
    versions = list(versions_of(plan))
    version_of = {version.pk: version for version in versions}
    decisions = list(
        Decision.objects.filter(plan__series=plan.series)
        .select_related("decided_by", "acting_for")
        .order_by("decided_at", "pk")
    )
    for decision in decisions:
        decision.version = version_of.get(decision.plan_id)
    page, entries = history_page(
        [
            (Plan.history.filter(id=plan.pk), lambda record: _("The plan")),
            (
                Goal.history.filter(plan_id=plan.pk),
                lambda record: _("Goal: %(goal)s") % {"goal": record.description or "–"},
            ),
        ],
        request.GET.get(HISTORY_PAGE),
    )
    events, next_before = event_page(Event.objects.filter(plan_id__in=list(version_of)), request.GET.get(EVENTS_BEFORE))
    for event in events:
        event.version = version_of.get(event.plan_id)
    context = {
        "plan": plan,
        "versions": versions,
        "decisions": decisions,
        "entries": entries,
        "events": events,
        **page_links(request, history_page_obj=page, next_before=next_before),
    }
    return render(request, "plans/story.html", context)
