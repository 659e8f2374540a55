"""What a plan must contain before it can be submitted (a draft may be incomplete)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.queries import unit_and_descendant_ids
from kob_social.errors import field_errors

from ..enums import Metric
from ..models import Plan
from .drafts import CHECKED_FIELDS, GOAL_FIELDS

REQUIRED_TEXT = [
    "platform",
    "channel_name",
    "purpose",
    "activities",
    "supervision",
    "update_period",
    "target_groups",
    "case_routine",
    "records_reference",
    # Personal data: the page owner is joint controller with the platform (C-210/16).
    "statistics_use",
    "privacy_notice_url",
    "processing_register_entry",
    "data_requests_by",
    # Accessibility (DOS-lagen): the routine, and what it covers practice by practice.
    "accessibility_routine",
    "alt_texts",
    "captions",
    "readable_hashtags",
    "channel_information",
]
REQUIRED_VALUES = [
    "responsible",
    "update_count",
    "working_hours_per_week",
    "screenshot_responsible",
    "terms_reviewed_on",
    "terms_reviewed_by",
]
UNIT_PEOPLE = ["responsible", "screenshot_responsible"]
GOAL_REQUIRED = ["description", "metric", "target", "deadline"]


def submission_errors(plan: Plan, *, unit_ids: set[int] | None = None) -> dict[str, list[str]]:
    """Field name → messages. `goals` holds the errors about the goals as a whole, and
    `goal-<pk>-<field>` those of one goal. `unit_ids`: the plan's unit and those below it, when
    the caller has read them already (unit_and_descendant_ids).

    The models' own checks (length, range, date) are asked again of the stored values: a
    value saved before a limit existed (or past the form) cannot be submitted."""
    errors: dict[str, list[str]] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    for field in REQUIRED_TEXT:
        if not str(getattr(plan, field) or "").strip():
            add(field, _("Fill in this field before submitting the plan."))
    for field in REQUIRED_VALUES:
        attname = Plan._meta.get_field(field).attname  # responsible → responsible_id, no query
        if getattr(plan, attname) is None:
            add(field, _("Fill in this field before submitting the plan."))
    for field, messages in field_errors(plan, CHECKED_FIELDS).items():
        errors.setdefault(field, []).extend(messages)

    if unit_ids is None:
        unit_ids = unit_and_descendant_ids(plan.unit)
    for field in UNIT_PEOPLE:
        person = getattr(plan, field)
        if person is not None and person.unit_id not in unit_ids:
            add(field, _("%(name)s does not belong to %(unit)s.") % {"name": person, "unit": plan.unit})
    outsiders = [str(p) for p in plan.other_people.all() if p.unit_id not in unit_ids]
    if outsiders:
        add(
            "other_people",
            _("%(names)s do not belong to %(unit)s.") % {"names": ", ".join(outsiders), "unit": plan.unit},
        )

    today = timezone.localdate()
    goals = list(plan.goals.all())
    if not goals:
        add("goals", _("Add at least one goal, preferably a measurable one."))
    for goal in goals:
        for field in GOAL_REQUIRED:
            if getattr(goal, field) in (None, ""):
                add(f"goal-{goal.pk}-{field}", _("Fill in this field before submitting the plan."))
        for field, message in _start_errors(goal, today):
            add(f"goal-{goal.pk}-{field}", message)
        for field, messages in field_errors(goal, GOAL_FIELDS).items():
            errors.setdefault(f"goal-{goal.pk}-{field}", []).extend(messages)
    return errors


def _start_errors(goal, today) -> list[tuple[str, str]]:
    """Where a goal starts from: exactly one of a baseline and the day it is first measured
    (from today, by the deadline). A goal measured as something else cannot be measured by the
    application, so it needs its baseline written."""
    if goal.baseline is None and goal.first_measured_on is None:
        return [("baseline", _("Enter a baseline, or when it is measured for the first time."))]
    if goal.first_measured_on is None:
        return []
    if goal.baseline is not None:
        return [
            ("first_measured_on", _("Enter either a baseline or when it is measured for the first time, not both."))
        ]
    if goal.metric == Metric.OTHER:
        return [("baseline", _("A goal measured as something else needs a baseline."))]
    if goal.first_measured_on < today:
        return [("first_measured_on", _("This day has passed: enter the value measured then as the baseline."))]
    if goal.deadline is not None and goal.first_measured_on > goal.deadline:
        return [("first_measured_on", _("Measure for the first time on or before the deadline."))]
    return []
