"""Writing a plan: create a draft, save it (refusing a stale form), and revise an approved plan."""

from types import SimpleNamespace

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from guardian.shortcuts import assign_perm

from accounts.models import Unit, User
from audit import domain as audit
from channel_register.domain.channels import archive_unstarted_channel, describe_channel
from channel_register.enums import ChannelStatus
from channel_register.models import Channel
from kob_social.concurrency import claim_revision
from kob_social.errors import Conflict, Incomplete, NotAllowed, field_errors

from .. import hooks, rules
from ..enums import EDITABLE, MAX_GOALS, PlanStatus
from ..models import Goal, Plan
from ..queries import drafts_holding_a_channel, open_version_exists

# The fields a person writes; everything else belongs to the workflow.
CONTENT_FIELDS = [
    "unit",
    "platform",
    "channel_name",
    "channel_url",
    "purpose",
    "activities",
    "responsible",
    "supervision",
    "update_count",
    "update_period",
    "working_hours_per_week",
    "screenshot_responsible",
    "target_groups",
    "terms_reviewed_on",
    "terms_reviewed_by",
    "case_routine",
    "records_reference",
    "registration_number",
    "statistics_use",
    "privacy_notice_url",
    "processing_register_entry",
    "data_requests_by",
    "personal_data_note",
    "accessibility_routine",
    "alt_texts",
    "captions",
    "readable_hashtags",
    "channel_information",
    "tools",
]
GOAL_FIELDS = ["description", "metric", "baseline", "first_measured_on", "target", "deadline"]
# What the models check by themselves in the written values: length, range and date (the
# validators of models.plan). A relation is left to its own rule: checking it costs a query.
CHECKED_FIELDS = [field for field in CONTENT_FIELDS if not Plan._meta.get_field(field).is_relation]


# Said by the goals' formset as well (its max_num), before the domain is asked.
TOO_MANY_GOALS = ngettext_lazy("A plan has at most %(num)d goal.", "A plan has at most %(num)d goals.", "num")


def written_errors(plan: Plan, goals: list[Goal]) -> dict[str, list[str]]:
    """What the models refuse in a draft about to be saved, keyed as the plan form names its
    fields (a goal's under `goals-<row>-<field>`). The form checks the same, so this refuses
    only content that did not come through it: too long a text, -1 hours, year 9999."""
    errors = field_errors(plan, CHECKED_FIELDS)
    if len(goals) > MAX_GOALS:
        errors["goals"] = [TOO_MANY_GOALS % {"num": MAX_GOALS}]
    for row, goal in enumerate(goals):
        errors.update({f"goals-{row}-{field}": msgs for field, msgs in field_errors(goal, GOAL_FIELDS).items()})
    return errors


def create_draft(*, author: User, content: dict, other_people=(), goals: list[dict] = ()) -> Plan:
    """A new plan (version 1) as a draft. `content` maps CONTENT_FIELDS to values; `goals` is
    a list of dicts of GOAL_FIELDS; `content["channel"]` is an existing channel of the unit
    (linkable_channels) or None for a new one. A new channel enters the register only when the
    plan is first submitted (transitions._channel_at_submission): until then the draft has none."""
    unit: Unit = content["unit"]
    if not rules.can_create_plan_for(author, unit):
        raise NotAllowed(_("You can only write plans for your own unit."))
    with transaction.atomic(), audit.action("plans.plan.created", actor=author) as event:
        plan = Plan(author=author, **{field: content.get(field) for field in CONTENT_FIELDS if field in content})
        _blank_to_empty(plan)
        if errors := written_errors(plan, [Goal(**_goal_values(data)) for data in goals]):
            raise Incomplete(errors)
        if (chosen := content.get("channel")) is not None:
            _link(plan, chosen)
        plan._history_user = author
        plan.save()
        event.about = plan
        plan.other_people.set(other_people)
        _write_goals(plan, goals)
        assign_perm(rules.CHANGE_PLAN, author, plan)
    return plan


def hand_over_draft(plan_id: int, *, actor: User, leaver: User, successor: User) -> Plan:
    """A person leaves (audit.leaving): their draft or returned plan becomes the successor's, who
    must be able to write plans for its unit, with the right to change it. Inside the caller's
    transaction; the revision is claimed, so a save at the same moment loses whole."""
    plan = Plan.objects.select_related("unit").get(pk=plan_id)
    if not plan.is_editable or plan.author_id != leaver.pk:
        raise Conflict()
    if not successor.is_active or not rules.can_create_plan_for(successor, plan.unit):
        raise Incomplete(
            {"author": [_("%(name)s cannot write plans for %(unit)s.") % {"name": successor, "unit": plan.unit}]}
        )
    claim_revision(plan, status=plan.status)
    plan.author = successor
    plan._history_user = actor
    plan._change_reason = _("%(name)s left") % {"name": leaver.get_full_name()}
    plan.save(update_fields=["author", "revision", "updated_at"])
    assign_perm(rules.CHANGE_PLAN, successor, plan)
    return plan


def save_draft(
    plan_id: int, *, actor: User, expected_revision: int, content: dict, other_people=(), goals: list[dict] = ()
) -> Plan:
    """Save the editable plan, unless someone saved it since `expected_revision` (Conflict).

    `goals` lists the goals as the form shows them: a dict with `id` updates that goal, one
    without creates a new one, and saved goals missing from the list are removed. Content the
    models refuse (written_errors) is Incomplete, and nothing is saved.

    `content["channel"]`, if given, is the channel a first version is for: an existing channel
    of the unit (linkable_channels), or None for a new one (see _choose_channel).
    """
    with transaction.atomic(), audit.action("plans.plan.saved", actor=actor) as event:
        plan = Plan.objects.select_related("unit").get(pk=plan_id)
        event.about = plan
        if not rules.can_edit_plan(actor, plan):
            raise NotAllowed(_("You cannot edit this plan."))
        new_unit = content.get("unit", plan.unit)
        if new_unit.pk != plan.unit_id and not rules.can_create_plan_for(actor, new_unit):
            raise NotAllowed(_("You can only write plans for your own unit."))
        for field in CONTENT_FIELDS:
            if field in content:
                setattr(plan, field, content[field])
        _blank_to_empty(plan)
        if errors := written_errors(plan, [Goal(**_goal_values(data)) for data in goals]):
            raise Incomplete(errors)
        claim_revision(
            plan,
            revision=expected_revision,
            status__in=EDITABLE,
            message=_(
                "Someone else saved this plan while you were editing it, so your changes were not saved. "
                "Your text is still in the form: copy what you need, then reload the plan."
            ),
        )
        left = _choose_channel(plan, content, actor) if "channel" in content and plan.version_number == 1 else None
        plan._history_user = actor
        plan.save(update_fields=[*CONTENT_FIELDS, "channel", "revision", "updated_at"])
        plan.other_people.set(other_people)
        _write_goals(plan, goals)
        if left is not None:
            archive_if_unstarted(left, leaving=plan)
    return plan


# --- The channel a plan is for ----------------------------------------------------------------

# A plan that ended so: it never was, nor will be, the channel's plan.
NEVER_IN_FORCE = (PlanStatus.AVSLAGEN, PlanStatus.ATERKALLAD)


def linkable_channels(unit: Unit, *, plan: Plan | None = None) -> QuerySet[Channel]:
    """The channels a first plan of `unit` may be written for instead of a new channel: the
    unit's channels that are not closed and have no plan (other than `plan`'s own versions)
    that is, was or may become in force. A channel with a plan changes through a new version
    of that plan (revise), not through a second series."""
    live = Plan.objects.filter(channel=OuterRef("pk")).exclude(status__in=NEVER_IN_FORCE)
    if plan is not None:
        live = live.exclude(series=plan.series)
    return (
        Channel.objects.filter(unit=unit)
        .exclude(status=ChannelStatus.AVSLUTAD)
        .exclude(Exists(live))
        .order_by("platform", "name", "pk")
    )


def owns_planned_channel(plan: Plan) -> bool:
    """Whether the plan's channel is its own planned one: still planerad, and no other plan
    links to it (the channel its first version created, or nobody's but this plan's)."""
    if plan.channel_id is None:
        return False
    others = Plan.objects.filter(channel_id=OuterRef("pk")).exclude(pk=plan.pk)
    return Channel.objects.filter(pk=plan.channel_id, status=ChannelStatus.PLANERAD).exclude(Exists(others)).exists()


def archive_if_unstarted(channel_id: int | None, *, leaving: Plan) -> None:
    """Close the planned channel `leaving` no longer stands for (rejected, withdrawn, or its
    draft now written for another channel), unless another plan that is, was or may become in
    force links to it (channel_register.domain.channels.archive_unstarted_channel)."""
    if channel_id is None:
        return
    others = Plan.objects.filter(channel_id=channel_id).exclude(pk=leaving.pk).exclude(status__in=NEVER_IN_FORCE)
    if not others.exists():
        archive_unstarted_channel(channel_id)


def release_drafts_channel(plan_id: int) -> int | None:
    """Take the planned channel away from a draft that holds one (drafts_holding_a_channel)
    and close it without it ever being started (archive_if_unstarted; its history is kept).
    The draft is written for a new channel as before; the channel enters the register again
    when the plan is submitted. Returns the closed channel's id, or None if the draft no longer
    qualifies (submitted, edited to another channel, or something recorded on the channel);
    a draft saved at the same moment wins (claim_revision: Conflict)."""
    with transaction.atomic():
        plan = drafts_holding_a_channel().filter(pk=plan_id).first()
        if plan is None:
            return None
        channel_id = plan.channel_id
        claim_revision(plan, status=PlanStatus.UTKAST)
        plan.channel = None
        plan._history_user = None
        plan._change_reason = _("A new channel enters the register when its plan is first submitted")
        plan.save(update_fields=["channel", "revision", "updated_at"])
        archive_if_unstarted(channel_id, leaving=plan)
    return channel_id


def _link(plan: Plan, channel: Channel) -> None:
    """Write the plan for an existing channel: it describes that channel as it is."""
    if not linkable_channels(plan.unit, plan=plan if plan.pk else None).filter(pk=channel.pk).exists():
        raise Incomplete({"channel": [_("Choose one of the unit's channels that has no plan.")]})
    plan.channel = channel
    plan.platform, plan.channel_name, plan.channel_url = channel.platform, channel.name, channel.url


def _choose_channel(plan: Plan, content: dict, actor: User) -> int | None:
    """Apply the channel choice of a first version's draft; return the id of a planned channel
    the plan leaves behind (to be archived once the plan is saved), if any.

    An existing channel links the plan to it. A new channel: a plan sent back that owns the
    planned channel its submission created describes it with the typed platform, name and
    address (a typo mended is mended in the register too); otherwise the plan has no channel
    until it is submitted (transitions._channel_at_submission)."""
    chosen = content["channel"]
    own = owns_planned_channel(plan)
    if chosen is not None:
        if chosen.pk == plan.channel_id and not own:
            _link(plan, chosen)
            return None
        if chosen.pk != plan.channel_id:
            left = plan.channel_id if own else None
            _link(plan, chosen)
            return left
    if own:
        channel = plan.channel
        wanted = (plan.platform or channel.platform, plan.channel_name or channel.name, plan.channel_url, plan.unit_id)
        if wanted != (channel.platform, channel.name, channel.url, channel.unit_id):
            describe_channel(
                channel.pk,
                platform=wanted[0],
                name=wanted[1],
                url=wanted[2],
                unit=plan.unit,
                actor=actor,
                reason=_("Described by the draft of its first plan"),
            )
        return None
    plan.channel = None
    return None


def revise(plan_id: int, *, actor: User, reason: str = "") -> Plan:
    """Start version n+1 of an approved plan as a draft with the content copied.

    The approved version stays in force (and read-only) until the new one is approved. `reason`,
    if given, is the draft's first history entry's reason (an evaluation that started it).
    """
    with transaction.atomic(), audit.action("plans.plan.revised", actor=actor, reason=reason) as event:
        current = Plan.objects.select_related("unit").get(pk=plan_id)
        if not rules.can_revise(actor, current):
            raise NotAllowed(_("Only an approved plan can be revised, by its unit."))
        if open_version_exists(current):
            raise Conflict(_("A new version of this plan is already being drafted or decided."))
        # Fix: after a rejected or withdrawn version, `current` (the approved version in force)
        # is no longer the newest of the series. Numbering from `current` repeated that
        # version's number and pointed a second version at `current` through the one-to-one
        # `previous_version` (IntegrityError). The draft follows the newest version instead,
        # and its content is still copied from `current`; transitions._supersede retires the
        # approved version of the series, wherever it is.
        latest = Plan.objects.filter(series=current.series).order_by("-version_number").first()
        draft = Plan(
            author=actor,
            series=current.series,
            version_number=latest.version_number + 1,
            previous_version=latest,
            diarienummer=current.diarienummer,
            channel_id=current.channel_id,
            status=PlanStatus.UTKAST,
            **{field: getattr(current, field) for field in CONTENT_FIELDS},
        )
        draft._history_user = actor
        draft._change_reason = reason or None
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError as exc:
            # Fix: two simultaneous "revise" clicks both pass the check above on PostgreSQL;
            # the database's constraints (one open version per series, unique version
            # number) stop the second, which gets the clear message instead of an error 500.
            raise Conflict(_("A new version of this plan is already being drafted or decided.")) from exc
        event.about = draft
        draft.other_people.set(current.other_people.all())
        goals = [{field: getattr(goal, field) for field in GOAL_FIELDS} for goal in current.goals.all()]
        _write_goals(draft, _from_first_values(current.channel_id, goals))
        assign_perm(rules.CHANGE_PLAN, actor, draft)
    return draft


def _from_first_values(channel_id: int | None, goals: list[dict]) -> list[dict]:
    """A copied goal that was to be measured for the first time on a day now come, and has been
    measured, starts the new version from the value measured then (hooks.first_values): it becomes
    the goal's baseline, as the goal's progress already read it. A goal not measured yet keeps its
    day; submitting asks for the value if the day has passed. No query without such a goal."""
    today = timezone.localdate()
    measured = [
        goal
        for goal in goals
        if goal["baseline"] is None and goal["first_measured_on"] is not None and goal["first_measured_on"] <= today
    ]
    if channel_id is None or not measured:
        return goals
    values = hooks.first_values(channel_id, [SimpleNamespace(**goal) for goal in measured], today)
    for goal, value in zip(measured, values, strict=True):
        if value is not None:
            goal["baseline"], goal["first_measured_on"] = value, None
    return goals


def _blank_to_empty(plan: Plan) -> None:
    # Forms give None for an empty choice; the model stores text fields as "".
    for field in ("platform", "update_period", "channel_name", "channel_url"):
        if getattr(plan, field) is None:
            setattr(plan, field, "")


def _goal_values(data: dict) -> dict:
    values = {field: data.get(field) for field in GOAL_FIELDS}
    values["description"] = values["description"] or ""
    values["metric"] = values["metric"] or ""
    return values


def _write_goals(plan: Plan, goals) -> None:
    """Create, update and delete the plan's goals as listed; their history rows name the person
    who saved the plan (its `_history_user`)."""
    existing = {goal.pk: goal for goal in plan.goals.all()}
    actor = getattr(plan, "_history_user", None)
    keep = set()
    for position, data in enumerate(goals):
        values = _goal_values(data)
        goal = existing.get(data.get("id"))
        if goal is None:
            goal = Goal(plan=plan)
        for field, value in values.items():
            setattr(goal, field, value)
        goal.position = position
        goal._history_user = actor
        goal.save()
        keep.add(goal.pk)
    for pk, goal in existing.items():
        if pk not in keep:
            goal._history_user = actor
            goal.delete()
