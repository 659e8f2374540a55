from django import template

from plans.domain import archive
from plans.enums import (
    EDITABLE,
    EVENT_NAMES,
    OUTCOME_NAMES,
    PENDING,
    STATUS_STEP,
    TRANSITIONS,
    Action,
    PlanStatus,
    Step,
)

register = template.Library()

STATUS_TONE = {
    "utkast": "neutral",
    "atersand": "amber",
    "hos_chef": "amber",
    "hos_kommunikation": "amber",
    "hos_direktor": "amber",
    "godkand": "green",
    "avslagen": "red",
    "aterkallad": "neutral",
    "ersatt": "neutral",
}


@register.filter
def get(mapping, key):
    """`{{ errors|get:field.name }}`: a dict lookup by a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.inclusion_tag("plans/includes/status.html")
def plan_status(plan):
    return {"label": plan.get_status_display(), "tone": STATUS_TONE.get(plan.status, "neutral")}


@register.filter
def goal_number(value):
    """`{{ goal.target|goal_number }}`: as the signed PDF prints it (archive.goal_number)."""
    return archive.goal_number(value)


@register.filter
def outcome_name(decision):
    """`{{ decision|outcome_name }}`: "Godkänd", not the button's "Godkänn"."""
    return OUTCOME_NAMES.get(decision.outcome, decision.get_outcome_display())


def _event(previous, record):
    """The past-tense name of the change a historical record made (None: no change of status).

    The record keeps the status after the change; the one before it says at which step, and
    TRANSITIONS which action leads from one to the other."""
    before = PlanStatus(previous.status) if previous is not None else None
    after = PlanStatus(record.status)
    if before == after or before is None:
        return None
    step = STATUS_STEP.get(before)
    if before in EDITABLE and after in PENDING:
        # A manager who submits their own unit's plan signs the chef step by submitting.
        return EVENT_NAMES[(Action.SUBMIT, None if after == PlanStatus.HOS_CHEF else Step.CHEF)]
    for (status, action), target in TRANSITIONS.items():
        if status == before and target == after:
            return EVENT_NAMES.get((action, step)) or EVENT_NAMES.get((action, None))
    return None


@register.simple_tag
def timeline_events(records):
    """`{% timeline_events timeline as events %}`: each historical record of a plan (oldest
    first) with the name of what happened, or None where the record changed no status."""
    events, previous = [], None
    for record in records:
        events.append((record, _event(previous, record)))
        previous = record
    return events
