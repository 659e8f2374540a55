"""Reads of plans. Every list of plans goes through `plans_visible_to`."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.enums import UnitKind
from accounts.models import Unit, User
from accounts.queries import is_overseer, readable_units
from channel_register.enums import ChannelStatus
from channel_register.models import (
    Agreement,
    Channel,
    ChannelUpdate,
    ChecklistTick,
    RemovalEntry,
    RosterWeek,
    Screenshot,
)

from .enums import EDITABLE, PENDING, Action, PlanStatus
from .models import ClosureRequest, Decision, Plan


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """The one selector for lists: what `user` may read (see rules.can_view_plan)."""
    plans = Plan.objects.select_related("unit", "author")
    if not user.is_authenticated or not user.is_active:
        return plans.none()
    if is_overseer(user):
        return plans
    return plans.filter(Q(unit__in=readable_units(user).values("pk")) | Q(author=user) | Q(deciding_chef=user))


def staben_unit_ids() -> QuerySet:
    return Unit.objects.filter(Q(kind=UnitKind.STAB) | Q(parent__kind=UnitKind.STAB)).values("pk")


def _waiting_for(user: User) -> Q:
    """Documents of the chain (plans, closure requests: the same fields) waiting at a step
    that `user` may decide now (mirrors rules.decidable_step)."""
    waiting = Q(status=PlanStatus.HOS_CHEF, deciding_chef=user) & ~Q(author=user)
    if user.is_kommunikationsansvarig:
        waiting |= Q(status=PlanStatus.HOS_KOMMUNIKATION) & ~Q(author=user)
    if user.is_kulturdirektor:
        waiting |= Q(status=PlanStatus.HOS_DIREKTOR) & (~Q(author=user) | Q(unit__in=staben_unit_ids()))
    return waiting


def plans_awaiting(user: User) -> QuerySet[Plan]:
    """Plans waiting at a step that `user` may decide now, the longest-waiting first."""
    if not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    return Plan.objects.filter(_waiting_for(user)).select_related("unit", "author").order_by("status_changed_at", "pk")


def closures_awaiting(user: User) -> QuerySet[ClosureRequest]:
    """Closure requests waiting at a step that `user` may decide now, the longest-waiting first."""
    if not user.is_authenticated or not user.is_active:
        return ClosureRequest.objects.none()
    return (
        ClosureRequest.objects.filter(_waiting_for(user))
        .select_related("channel", "unit", "author")
        .order_by("status_changed_at", "pk")
    )


def plans_by(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(author=user).select_related("unit", "author")


def plans_returned_to(user: User) -> QuerySet[Plan]:
    return plans_by(user).filter(status=PlanStatus.ATERSAND)


def open_version_exists(plan: Plan) -> bool:
    """Whether the plan's series already has a version being drafted or decided."""
    return Plan.objects.filter(series=plan.series, status__in=EDITABLE | PENDING).exclude(pk=plan.pk).exists()


def versions_of(plan: Plan) -> QuerySet[Plan]:
    return Plan.objects.filter(series=plan.series).order_by("version_number")


# --- The plan of a channel (what the channel register asks through its hooks) ---------------


def plan_in_force(channel: Channel) -> Plan | None:
    return Plan.objects.filter(channel=channel, status=PlanStatus.GODKAND).order_by("-version_number").first()


def has_approved_plan(channel: Channel) -> bool:
    return Plan.objects.filter(channel=channel, status=PlanStatus.GODKAND).exists()


def update_rhythms(channel_ids: list[int]) -> dict[int, tuple[int | None, str]]:
    """The update count and period of the plan in force (the approved version with the
    highest number) of each channel among `channel_ids` that has one. One query.

    The plans are read apart from the channels, not as correlated Subquery annotations: with
    those, PostgreSQL, before its statistics had caught up with a bulk load, scanned the plans'
    status index once per channel, about a second per batch of 500."""
    in_force: dict[int, tuple[int | None, str]] = {}
    plans = (
        Plan.objects.filter(channel_id__in=channel_ids, status=PlanStatus.GODKAND)
        .order_by("channel_id", "version_number")
        .values_list("channel_id", "update_count", "update_period")
    )
    for channel_id, count, period in plans:
        in_force[channel_id] = (count, period)  # the highest version comes last
    return in_force


def drafts_holding_a_channel() -> QuerySet[Plan]:
    """First-version drafts, never submitted, that hold a planned channel their draft created
    (before a new channel waited for the first submission) and that nothing was recorded on:
    no people, checklist tick, agreement, roster week, screenshot, removal, update or closure
    request, and no other plan: what `domain.drafts.release_drafts_channel` gives back."""
    elsewhere = Plan.objects.filter(channel=OuterRef("channel")).exclude(pk=OuterRef("pk"))
    recorded = [
        ChecklistTick,
        Agreement,
        RosterWeek,
        Screenshot,
        RemovalEntry,
        ChannelUpdate,
        ClosureRequest,
    ]
    drafts = Plan.objects.filter(
        status=PlanStatus.UTKAST,
        version_number=1,
        submitted_at__isnull=True,
        channel__status=ChannelStatus.PLANERAD,
        channel__owner__isnull=True,
        channel__screenshot_responsible__isnull=True,
        channel__others__isnull=True,
    ).exclude(Exists(elsewhere))
    for model in recorded:
        drafts = drafts.exclude(Exists(model.objects.filter(channel=OuterRef("channel"))))
    return drafts.order_by("pk")


def last_return(document: Plan | ClosureRequest, decisions: list[Decision] | None = None) -> Decision | None:
    """Why a document of the chain sent back for changes came back: its latest RETURN decision,
    or None when it is not returned now. `decisions`: the document's decisions in order, when the
    page has them already (no query)."""
    if document.status != PlanStatus.ATERSAND:
        return None
    if decisions is None:
        field = "plan" if isinstance(document, Plan) else "closure"
        decisions = list(
            Decision.objects.filter(**{field: document}, outcome=Action.RETURN)
            .select_related("decided_by")
            .order_by("decided_at", "pk")
        )
    return next((decision for decision in reversed(decisions) if decision.outcome == Action.RETURN), None)
