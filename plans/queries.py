"""Reads of plans. Every list of plans goes through `plans_visible_to`."""

import datetime

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.enums import DeputyCondition, Role, UnitKind
from accounts.models import TrainingRecord, Unit, User
from accounts.queries import (
    deputyships_of,
    is_absent,
    is_overseer,
    readable_units,
    unit_and_descendant_ids,
    valid_training_q,
)
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

from .enums import EDITABLE, PENDING, Action, PlanStatus, Step
from .models import ClosureRequest, Decision, Escalation, Plan, SignedPlan


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """The one selector for lists: what `user` may read (see rules.can_view_plan)."""
    plans = Plan.objects.select_related("unit", "author")
    if not user.is_authenticated or not user.is_active:
        return plans.none()
    if is_overseer(user):
        return plans
    return plans.filter(Q(unit__in=readable_units(user).values("pk")) | Q(author=user) | Q(deciding_chef=user))


def plan_people(unit_ids, on: datetime.date, *, keep=()) -> QuerySet[User]:
    """Who may be named in a plan of a unit (`unit_ids`: the unit and those below it,
    accounts.queries.unit_and_descendant_ids) on `on`: as responsible, screenshot responsible,
    one of the other people, or the one who reviewed the platform's terms. The unit's active
    people with legal training valid on `on` (accounts.queries.valid_training_q): the strategy
    lets only them handle a channel, and the channel's appointment asks the same
    (channel_register.domain.channels.training_errors). `keep`: the people the plan names now,
    kept so that editing an older plan never drops a value unseen (the submission check still
    names those who are outside the unit). The plan form offers and accepts exactly these."""
    trained = Exists(TrainingRecord.objects.filter(valid_training_q(on), user=OuterRef("pk")))
    keep_ids = sorted({person_id for person_id in keep if person_id})
    return (
        User.objects.filter(Q(trained, is_active=True, unit_id__in=sorted(unit_ids)) | Q(pk__in=keep_ids))
        .select_related("unit")
        .order_by("full_name", "pk")
    )


def staben_unit_ids() -> QuerySet:
    return Unit.objects.filter(Q(kind=UnitKind.STAB) | Q(parent__kind=UnitKind.STAB)).values("pk")


def _waiting_for(user: User, model) -> Q:
    """Documents of `model` (plans or closure requests: the same fields) waiting at a step that
    `user` may decide now, in their own right or as a deputy (mirrors rules.authority)."""
    today = timezone.localdate()
    waiting = Q(status=PlanStatus.HOS_CHEF, deciding_chef=user)
    if user.is_kommunikationsansvarig:
        waiting |= Q(status=PlanStatus.HOS_KOMMUNIKATION)
    if user.is_kulturdirektor:
        waiting |= Q(status=PlanStatus.HOS_DIREKTOR)
    for arrangement in deputyships_of(user, today):
        holder = arrangement.person
        if arrangement.condition == DeputyCondition.ABSENT and not is_absent(holder, today):
            continue
        if arrangement.role == Role.CHEF:
            held = Q(
                status=PlanStatus.HOS_CHEF,
                deciding_chef=holder,
                unit__in=sorted(unit_and_descendant_ids(arrangement.unit)),
            )
        elif arrangement.role == Role.KOMMUNIKATIONSANSVARIG and holder.is_kommunikationsansvarig:
            held = Q(status=PlanStatus.HOS_KOMMUNIKATION)
        elif arrangement.role == Role.KULTURDIREKTOR and holder.is_kulturdirektor:
            held = Q(status=PlanStatus.HOS_DIREKTOR)
        else:
            continue
        if arrangement.condition == DeputyCondition.DISQUALIFIED:
            held &= Q(author=holder) | _second_step_q(model, holder)
        waiting |= held
    return waiting & ~Q(author=user) & ~_second_step_q(model, user)


def _second_step_q(model, person: User) -> Q:
    """Documents waiting at a step `person` may not decide because they approved another step of
    it in this round; the kulturdirektör's chef step of a Staben document does not count."""
    if not person.is_kulturdirektor:
        return approved_in_round_q(model, person)
    return approved_in_round_q(model, person, steps=[Step.KOMMUNIKATION]) | (
        approved_in_round_q(model, person, steps=[Step.CHEF]) & ~Q(unit__in=staben_unit_ids())
    )


def plans_awaiting(user: User) -> QuerySet[Plan]:
    """Plans waiting at a step that `user` may decide now, the longest-waiting first."""
    if not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    return (
        Plan.objects.filter(_waiting_for(user, Plan))
        .select_related("unit", "author")
        .order_by("status_changed_at", "pk")
    )


def closures_awaiting(user: User) -> QuerySet[ClosureRequest]:
    """Closure requests waiting at a step that `user` may decide now, the longest-waiting first."""
    if not user.is_authenticated or not user.is_active:
        return ClosureRequest.objects.none()
    return (
        ClosureRequest.objects.filter(_waiting_for(user, ClosureRequest))
        .select_related("channel", "unit", "author")
        .order_by("status_changed_at", "pk")
    )


def escalations() -> QuerySet[Escalation]:
    """The escalations in force (domain.escalation): their document still waits at the revision
    it was escalated at. The longest-waiting first."""
    current = Q(plan__status__in=PENDING, plan__revision=F("revision")) | Q(
        closure__status__in=PENDING, closure__revision=F("revision")
    )
    return (
        Escalation.objects.filter(current)
        .select_related("plan__unit", "closure__unit", "closure__channel")
        .annotate(waiting_since=Coalesce("plan__status_changed_at", "closure__status_changed_at"))
        .order_by("waiting_since", "pk")
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
        decisions = list(
            Decision.objects.filter(**{decision_field(document): document}, outcome=Action.RETURN)
            .select_related("decided_by")
            .order_by("decided_at", "pk")
        )
    return next((decision for decision in reversed(decisions) if decision.outcome == Action.RETURN), None)


# --- The current round of the chain -------------------------------------------------------------------
# A round runs from a submission to the document's next return for changes (or its end). Nobody
# decides two steps of one document in a round (rules.decidable_step); earlier rounds do not count:
# a document sent back and submitted again is decided afresh.


def decision_field(document_or_model) -> str:
    """The Decision foreign key that points at this kind of document."""
    model = document_or_model if isinstance(document_or_model, type) else type(document_or_model)
    return "plan" if issubclass(model, Plan) else "closure"


def round_approvals(document: Plan | ClosureRequest, decisions: list[Decision] | None = None) -> dict[int, set[str]]:
    """Who approved which steps of `document` in its current round: {person id: {steps}}. Read
    once per revision of the document object (a decision changes the revision). `decisions`: the
    document's decisions in order, when the page has them already (no query)."""
    cached = getattr(document, "_round_approvals", None)
    if decisions is None and cached is not None and cached[0] == document.revision:
        return cached[1]
    approvals: dict[int, set[str]] = {}
    if decisions is not None:
        rows = [(decision.decided_by_id, decision.step, decision.outcome) for decision in decisions]
    elif document.pk is not None:
        query = Decision.objects.filter(**{decision_field(document): document}).order_by("decided_at", "pk")
        rows = list(query.values_list("decided_by_id", "step", "outcome"))
    else:
        rows = []
    for person_id, step, outcome in rows:
        if outcome == Action.RETURN:
            approvals = {}
        elif outcome == Action.APPROVE:
            approvals.setdefault(person_id, set()).add(step)
    document._round_approvals = (document.revision, approvals)
    return approvals


def approved_in_round_q(model, person, steps=None) -> Q:
    """Documents of `model` (for a filter) whose current round holds an approval by `person`
    (at one of `steps`, if given): the same rule as `round_approvals`, in SQL."""
    field = decision_field(model)
    approvals = Decision.objects.filter(**{field: OuterRef("pk")}, decided_by=person, outcome=Action.APPROVE)
    if steps is not None:
        approvals = approvals.filter(step__in=steps)
    later_return = Decision.objects.filter(**{field: OuterRef(field)}, outcome=Action.RETURN, pk__gt=OuterRef("pk"))
    return Q(Exists(approvals.exclude(Exists(later_return))))


def signed_record(plan: Plan) -> SignedPlan | None:
    """The signed record of a decided version (approved or superseded since), or None, for its
    page: the state and fingerprints of its PDF, and `signature`, the signature block its PDF
    prints (the snapshot's: the place and signer as they were at the approval). The PDF's bytes and
    the rest of the snapshot stay in the database: a PDF may be hundreds of kilobytes. One query."""
    if plan.status not in {PlanStatus.GODKAND, PlanStatus.ERSATT}:
        return None
    return (
        SignedPlan.objects.defer("pdf", "snapshot")
        .annotate(signature=KeyTransform("signature", "snapshot"))
        .filter(plan=plan)
        .first()
    )
