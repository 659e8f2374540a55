"""Where a channel stands in the SMILEY cycle: its eight steps, each done or not, derived from
what is stored (never ticked by hand), and the channel page's section that shows them with the
channel's latest evaluations.

The rules, one per step. "The channel's plan" is the newest version (the highest
version_number) of the channel's plans that is neither rejected (AVSLAGEN) nor withdrawn
(ATERKALLAD), whatever its state: being written, decided, approved or superseded. Without one,
steps 1–5 are not done.

1. Define purpose and goals: the plan states its purpose (not blank) and has at least one goal
   with a description (not blank).
2. Choose the social medium: the plan names a platform and its target groups (not blank).
3. Evaluate tools: the plan names its tools for publishing and measuring (not blank).
4. Estimate resources: the plan sets a working time per week above zero, and the channel has an
   agreement on hours confirmed by both the owner and the manager.
5. Obtain approval: a version of the channel's plan is approved (GODKAND).
6. Go live: the channel is active (AKTIV); paused, being closed or closed is not.
7. Execute and measure: a value is stored for the channel (a `Measurement`) dated on or after
   the first day of the previous calendar month: the last complete month or the current one.
8. Evaluate goal fulfilment: an evaluation of the channel was completed less than
   EVALUATION_VALID_DAYS days ago (local dates): on the day a year has passed, the yearly duty
   falls due (metrics.domain.duties.due_on) and the step is open again.

The next step is the first that is not done. With all eight done the cycle is complete, and it
starts again at step 1 after the next evaluation (which may revise the plan). A closed channel
(AVSLUTAD) still shows its steps, but its cycle has ended and there is no next step.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Trim
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from channel_register.enums import ChannelStatus
from channel_register.models import Agreement, Channel
from plans.enums import PENDING, PlanStatus
from plans.models import Goal, Plan

from .. import rules
from ..enums import EVALUATION_VALID_DAYS, EvaluationStatus
from ..models import Evaluation, Measurement
from ..progress import format_number

# The channel page lists this many evaluations, newest first (drafts too).
LATEST_EVALUATIONS = 5
SECTION_TEMPLATE = "metrics/includes/cycle.html"

# Rejected and withdrawn versions are not the channel's plan: the one before them is.
NOT_THE_PLAN = (PlanStatus.AVSLAGEN, PlanStatus.ATERKALLAD)

PLAN_FIELDS = ("status", "version_number", "purpose", "platform", "target_groups", "tools", "working_hours_per_week")

LABELS = {
    1: gettext_lazy("Define purpose and goals"),
    2: gettext_lazy("Choose the social medium"),
    3: gettext_lazy("Evaluate tools"),
    4: gettext_lazy("Estimate resources"),
    5: gettext_lazy("Obtain approval"),
    6: gettext_lazy("Go live"),
    7: gettext_lazy("Execute and measure"),
    8: gettext_lazy("Evaluate goal fulfilment"),
}

LIVE_REASONS = {
    ChannelStatus.PLANERAD: gettext_lazy("The channel has not gone live yet."),
    ChannelStatus.AKTIV: gettext_lazy("The channel is active."),
    ChannelStatus.PAUSAD: gettext_lazy("The channel is paused."),
    ChannelStatus.AVVECKLAS: gettext_lazy("The channel is being closed."),
    ChannelStatus.AVSLUTAD: gettext_lazy("The channel has been closed."),
}


@dataclass(frozen=True)
class Step:
    number: int
    label: str
    done: bool
    # One short sentence: what is there, or what is missing.
    reason: str


@dataclass(frozen=True)
class Cycle:
    steps: list[Step]
    # The first step not done; None when all are done or the channel is closed.
    next_step: Step | None
    closed: bool
    # Where the channel stands, in one sentence.
    summary: str


@dataclass(frozen=True)
class Facts:
    """What the steps are derived from: read by `facts_of` in two queries."""

    status: str
    # The channel's plan (see the module's docstring), with `has_goal` annotated; or None.
    plan: Plan | None
    agreement_confirmed: bool
    approved_version: int | None
    last_measured_on: datetime.date | None
    last_evaluated_at: datetime.datetime | None
    has_draft_evaluation: bool


FACT_NAMES = (
    "agreement_confirmed",
    "approved_version",
    "last_measured_on",
    "last_evaluated_at",
    "has_draft_evaluation",
)


def described_goals():
    return Goal.objects.filter(plan=OuterRef("pk")).annotate(text=Trim("description")).exclude(text="")


def the_plan(channel):
    """The channel's plan as the steps read it: its newest version that was not rejected or withdrawn."""
    return Plan.objects.filter(channel=channel).exclude(status__in=NOT_THE_PLAN).order_by("-version_number", "-pk")


def plan_expressions() -> dict:
    """The channel's plan (the_plan) as subqueries of a queryset of channels: its pk, each field
    a step reads and whether it has a goal, as `cycle_plan_<field>`."""
    plan = the_plan(OuterRef("pk"))
    return {
        "cycle_plan_pk": Subquery(plan.values("pk")[:1]),
        **{f"cycle_plan_{name}": Subquery(plan.values(name)[:1]) for name in PLAN_FIELDS},
        "cycle_plan_has_goal": Subquery(plan.annotate(has_goal=Exists(described_goals())).values("has_goal")[:1]),
    }


def fact_expressions() -> dict:
    """The facts besides the plan, one subquery each, for a queryset of channels."""
    return {
        "agreement_confirmed": Exists(
            Agreement.objects.filter(
                channel=OuterRef("pk"), owner_confirmed_at__isnull=False, chef_confirmed_at__isnull=False
            )
        ),
        "approved_version": Subquery(
            Plan.objects.filter(channel=OuterRef("pk"), status=PlanStatus.GODKAND)
            .order_by("-version_number")
            .values("version_number")[:1]
        ),
        "last_measured_on": Subquery(
            Measurement.objects.filter(channel=OuterRef("pk")).order_by("-on").values("on")[:1]
        ),
        "last_evaluated_at": Subquery(
            Evaluation.objects.filter(channel=OuterRef("pk"), status=EvaluationStatus.DONE)
            .order_by("-completed_at")
            .values("completed_at")[:1]
        ),
        "has_draft_evaluation": Exists(
            Evaluation.objects.filter(channel=OuterRef("pk"), status=EvaluationStatus.DRAFT)
        ),
    }


def with_facts(channels):
    """The channel page's query (channel_register.hooks.add_page_query): the facts and the plan's
    fields read with the channel, as `cycle_<fact>` and `cycle_plan_<field>`, so that facts_of
    costs no query."""
    facts = {f"cycle_{name}": expression for name, expression in fact_expressions().items()}
    return channels.annotate(**facts, **plan_expressions())


def facts_of(channel: Channel) -> Facts:
    """Everything the steps read, in two queries whatever the number of plans, goals,
    agreements, measurements or evaluations: the channel's plan (whether it has a goal as a
    subquery), and the channel with one subquery per other fact; none when the channel came with
    them (with_facts)."""
    if hasattr(channel, "cycle_plan_pk"):
        # The channel's page read the plan's fields with the channel (with_facts).
        plan = None
        if channel.cycle_plan_pk is not None:
            plan = Plan(
                pk=channel.cycle_plan_pk, **{name: getattr(channel, f"cycle_plan_{name}") for name in PLAN_FIELDS}
            )
            plan.has_goal = channel.cycle_plan_has_goal
    else:
        plan = (
            the_plan(channel.pk)
            .annotate(has_goal=Exists(described_goals()))
            # Every field a step reads, and no other: a deferred field read later would be a query.
            .only("pk", *PLAN_FIELDS)
            .first()
        )
    if hasattr(channel, "cycle_agreement_confirmed"):
        # The channel's page read the facts with the channel (with_facts, through the hooks).
        row = {"status": channel.status, **{name: getattr(channel, f"cycle_{name}") for name in FACT_NAMES}}
    else:
        row = Channel.objects.filter(pk=channel.pk).annotate(**fact_expressions()).values("status", *FACT_NAMES).get()
    return Facts(plan=plan, **row)


def _filled(text: str) -> bool:
    return bool(text and text.strip())


def _plan_steps(plan: Plan | None, agreement_confirmed: bool) -> list[Step]:
    """Steps 1–4, from the channel's plan (and, for 4, the agreement)."""
    if plan is None:
        missing = _("The channel has no plan (a rejected or withdrawn plan does not count).")
        return [Step(number, str(LABELS[number]), False, missing) for number in (1, 2, 3, 4)]

    purpose, goal = _filled(plan.purpose), plan.has_goal
    if purpose and goal:
        first = _("The plan states its purpose and has at least one goal.")
    elif goal:
        first = _("The plan does not state its purpose.")
    elif purpose:
        first = _("The plan has no goal with a description.")
    else:
        first = _("The plan states neither its purpose nor any goal.")

    platform, targets = bool(plan.platform), _filled(plan.target_groups)
    if platform and targets:
        second = _("The plan chooses %(platform)s and names its target groups.") % {
            "platform": plan.get_platform_display()
        }
    elif platform:
        second = _("The plan does not name its target groups.")
    elif targets:
        second = _("The plan does not choose the social medium.")
    else:
        second = _("The plan names neither the social medium nor its target groups.")

    tools = _filled(plan.tools)
    third = (
        _("The plan names the tools for publishing and measuring.")
        if tools
        else _("The plan does not name the tools for publishing and measuring.")
    )

    hours = plan.working_hours_per_week
    hours_set = hours is not None and hours > 0
    if hours_set and agreement_confirmed:
        # A whole number of hours takes its own plural form; a fraction is plural ("1,5 timmar").
        count = int(hours) if hours == hours.to_integral_value() else 2
        fourth = ngettext(
            "The plan sets %(hours)s hour a week, and the owner and the manager have confirmed an agreement.",
            "The plan sets %(hours)s hours a week, and the owner and the manager have confirmed an agreement.",
            count,
        ) % {"hours": format_number(Decimal(hours))}
    elif hours_set:
        fourth = _("No agreement on hours has been confirmed by both the owner and the manager.")
    elif agreement_confirmed:
        fourth = _("The plan does not set the working time per week.")
    else:
        fourth = _(
            "The plan does not set the working time per week, and no agreement on hours has been confirmed "
            "by both the owner and the manager."
        )
    return [
        Step(1, str(LABELS[1]), purpose and goal, first),
        Step(2, str(LABELS[2]), platform and targets, second),
        Step(3, str(LABELS[3]), tools, third),
        Step(4, str(LABELS[4]), hours_set and agreement_confirmed, fourth),
    ]


def _approval_step(facts: Facts) -> Step:
    if facts.approved_version is not None:
        reason = _("Version %(version)d of the plan has been approved.") % {"version": facts.approved_version}
    elif facts.plan is not None and facts.plan.status in PENDING:
        reason = _("The plan is waiting for a decision: no version has been approved yet.")
    else:
        reason = _("No version of the plan has been approved yet.")
    return Step(5, str(LABELS[5]), facts.approved_version is not None, reason)


def measured_since(today: datetime.date) -> datetime.date:
    """The first day of the previous calendar month: a value dated from it on counts for step 7."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _measuring_step(last_on: datetime.date | None, today: datetime.date) -> Step:
    since = measured_since(today)
    done = last_on is not None and last_on >= since
    if done:
        reason = _("The latest value stored is from %(date)s.") % {"date": date_format(last_on, "j F Y")}
    elif last_on is not None:
        reason = _("No value has been stored since %(date)s: the latest is from %(latest)s.") % {
            "date": date_format(since, "j F Y"),
            "latest": date_format(last_on, "j F Y"),
        }
    else:
        reason = _("No value has been stored for the channel yet.")
    return Step(7, str(LABELS[7]), done, reason)


def evaluated_since(today: datetime.date) -> datetime.date:
    """The first day an evaluation completed on still counts for step 8: the day after the one a
    year before today, when the yearly duty fell due again."""
    return today - datetime.timedelta(days=EVALUATION_VALID_DAYS - 1)


def _evaluation_step(last_at: datetime.datetime | None, today: datetime.date) -> Step:
    last_on = timezone.localdate(last_at) if last_at is not None else None
    done = last_on is not None and last_on >= evaluated_since(today)
    if done:
        reason = _("The channel was evaluated on %(date)s.") % {"date": date_format(last_on, "j F Y")}
    elif last_on is not None:
        reason = _("The latest evaluation was completed on %(date)s, a year ago or more.") % {
            "date": date_format(last_on, "j F Y")
        }
    else:
        reason = _("The channel has not been evaluated yet.")
    return Step(8, str(LABELS[8]), done, reason)


def steps_from(facts: Facts, *, today: datetime.date) -> list[Step]:
    """The eight steps of the module's rules, from facts already read: no query."""
    live = facts.status == ChannelStatus.AKTIV
    return [
        *_plan_steps(facts.plan, facts.agreement_confirmed),
        _approval_step(facts),
        Step(6, str(LABELS[6]), live, str(LIVE_REASONS[facts.status])),
        _measuring_step(facts.last_measured_on, today),
        _evaluation_step(facts.last_evaluated_at, today),
    ]


def cycle_of(steps: list[Step], status: str) -> Cycle:
    """The steps with the next one and a summary in one sentence."""
    closed = status == ChannelStatus.AVSLUTAD
    next_step = None if closed else next((step for step in steps if not step.done), None)
    if closed:
        summary = _("The channel is closed: its cycle has ended.")
    elif next_step is None:
        summary = _("Every step is done: the cycle starts again at step 1 after the next evaluation.")
    else:
        summary = _("Next step: %(number)d. %(label)s.") % {"number": next_step.number, "label": next_step.label}
    return Cycle(steps=steps, next_step=next_step, closed=closed, summary=summary)


def cycle_steps(channel: Channel, *, today: datetime.date) -> list[Step]:
    """The channel's eight steps as of `today`, in order. Two queries."""
    return steps_from(facts_of(channel), today=today)


def channel_cycle(channel: Channel, *, today: datetime.date) -> Cycle:
    """Where the channel stands as of `today`: its steps, the next one and a summary. Two queries."""
    facts = facts_of(channel)
    return cycle_of(steps_from(facts, today=today), facts.status)


def latest_evaluations(channel: Channel) -> list[Evaluation]:
    """The channel's newest LATEST_EVALUATIONS evaluations, newest first, drafts too (author
    joined). One query."""
    return list(
        Evaluation.objects.filter(channel_id=channel.pk)
        .select_related("author")
        .order_by("-created_at", "-pk")[:LATEST_EVALUATIONS]
    )


def channel_page_section(request, channel: Channel) -> dict:
    """The channel page's section "Where the channel stands" (channel_register.hooks.add_page_sections):
    the cycle, the latest evaluations and whether the person may evaluate the channel (and would
    continue a draft). Three queries whatever the channel's history, one (the evaluations) when
    the channel came with its facts (with_facts); asking the rule costs what
    it costs everywhere on the page (nothing for the channel's owner, its unit's manager or an
    overseer; one query for another of the channel's people)."""
    facts = facts_of(channel)
    return {
        "cycle": cycle_of(steps_from(facts, today=timezone.localdate()), facts.status),
        "evaluations": latest_evaluations(channel),
        "can_evaluate": rules.can_evaluate(request.user, channel),
        "has_draft_evaluation": facts.has_draft_evaluation,
        "page_sections": {"cycle": SECTION_TEMPLATE},
    }
