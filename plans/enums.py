"""Vocabularies of the plans app, the limits of what a person writes in it, and the decision
chain declared as data.

The plan's life:

    utkast ──submit──▶ hos chef ──approve──▶ hos kommunikationsansvarig ──approve──▶
    hos kulturdirektör ──approve──▶ godkänd ──(next version approved)──▶ ersatt

At every step the decider may also send the plan back (återsänd: the author edits and submits
again) or reject it (avslagen, final). The author may withdraw it (återkallad) before the final
decision. A chef who submits their own unit's plan signs the chef step by submitting, so the
plan goes straight to the kommunikationsansvarig.
"""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.enums import Role

# --- What a person may write, once for the app ----------------------------------------------------
# The strategy's template is a Word form whose every answer is a paragraph or a few (DOMAIN.md,
# "The handlingsplan"): 3000 characters is a full page. The models validate these limits
# (full_clean), the forms show the refusal at the field and put `maxlength` on the textarea, the
# domain refuses content that did not come through a form (domain.drafts.written_errors,
# domain.closures), and a value stored before a limit existed cannot be submitted
# (domain.validation).
ANSWER_MAX_LENGTH = 3000  # an answer of the plan, or of a closure request's analysis
COMMENT_MAX_LENGTH = 2000  # a decision's comment
# Updates per week or month that a plan may require; the weekly check counts against it.
MIN_UPDATE_COUNT, MAX_UPDATE_COUNT = 1, 100
# Dates a person types: no social medium's terms or goal before 2000, no goal deadline further
# ahead than a plan can foresee (a plan is revised long before).
EARLIEST_DATE = datetime.date(2000, 1, 1)
DEADLINE_YEARS_AHEAD = 10
# Goals of one plan: the template's table has room for a handful; the limit keeps a plan (and
# its PDF) of a size that can be read and rendered.
MAX_GOALS = 20


class Metric(models.TextChoices):
    """What a goal is measured in (the strategy's list of things that are easy to measure)."""

    FOLLOWERS = "foljare", _("Followers")
    VISITS = "besok", _("Visits")
    UNIQUE_VISITORS = "unika_besokare", _("Unique visitors")
    PAGE_VIEWS = "sidvisningar", _("Page views")
    VIDEO_VIEWS = "videovisningar", _("Video views")
    COMMENTS = "kommentarer", _("Comments")
    REACTIONS = "reaktioner", _("Reactions")
    SHARES = "delningar", _("Shares")
    REGISTRATIONS = "anmalningar", _("Registrations to events")
    POSTS = "inlagg", _("Posts")
    RESPONSE_TIME = "svarstid", _("Response time (hours)")
    OTHER = "annat", _("Other")


class StatisticsUse(models.TextChoices):
    """Whether the unit uses the platform's statistics of the page (Insights and the like): the
    page owner is then joint controller with the platform for that processing (EU-domstolen
    C-210/16, Wirtschaftsakademie)."""

    USED = "ja", _("Yes, the platform's statistics are used")
    NOT_USED = "nej", _("No, the platform's statistics are not used")


class AccessibilityPractice(models.TextChoices):
    """How the plan's accessibility routine covers one practice (DOS-lagen asks third-party
    services to be accessible "as far as possible"): part of the routine, or not possible in
    this channel, which the routine then explains."""

    IN_ROUTINE = "ingar", _("Part of the routine")
    NOT_POSSIBLE = "ej_mojligt", _("Not possible in this channel (say why in the routine)")


# The rules added after plans had been approved without them (issue 19), by the key under which
# a plan approved before them records that it does not meet one (Plan.missing_later_rules).
LATER_RULES = {
    "records_reference": _("a reference to the records management plan"),
    "personal_data": _("the personal data section"),
    "accessibility": _("what the accessibility routine covers"),
    "measurable_goals": _("a baseline for every goal, or the day it is first measured"),
}


class PlanStatus(models.TextChoices):
    UTKAST = "utkast", _("Draft")
    HOS_CHEF = "hos_chef", _("With the manager")
    HOS_KOMMUNIKATION = "hos_kommunikation", _("With the communications officer")
    HOS_DIREKTOR = "hos_direktor", _("With the director of culture")
    GODKAND = "godkand", _("Approved")
    ATERSAND = "atersand", _("Returned for changes")
    AVSLAGEN = "avslagen", _("Rejected")
    ATERKALLAD = "aterkallad", _("Withdrawn")
    ERSATT = "ersatt", _("Superseded")


class Action(models.TextChoices):
    SUBMIT = "skicka_in", _("Submit")
    APPROVE = "godkann", _("Approve")
    RETURN = "atersand", _("Return for changes")
    REJECT = "avsla", _("Reject")
    WITHDRAW = "aterkalla", _("Withdraw")
    SUPERSEDE = "ersatt", _("Superseded by a new version")


class Step(models.TextChoices):
    """The steps of the decision chain, in order."""

    CHEF = "chef", _("Manager")
    KOMMUNIKATION = "kommunikation", _("Communications officer")
    DIREKTOR = "direktor", _("Director of culture")


# An action once it is done, as a record names it ("Godkänd"), not as its button says it
# ("Godkänn"). OUTCOME_NAMES: a decision beside its step (the decision tables, the signed PDF);
# EVENT_NAMES: an event of the plan's timeline, by action and the step it was taken at (None: the
# step does not matter). (Action.SUBMIT, Step.CHEF) is a manager's own plan, signed by submitting.
OUTCOME_NAMES: dict[Action, str] = {
    Action.APPROVE: _("Approved"),
    Action.RETURN: _("Returned for changes"),
    Action.REJECT: _("Rejected"),
}
EVENT_NAMES: dict[tuple[Action, Step | None], str] = {
    (Action.SUBMIT, None): _("Submitted"),
    (Action.SUBMIT, Step.CHEF): _("Submitted and signed by the manager"),
    (Action.APPROVE, Step.CHEF): _("Approved by the manager"),
    (Action.APPROVE, Step.KOMMUNIKATION): _("Approved by the communications officer"),
    (Action.APPROVE, Step.DIREKTOR): _("Approved by the director of culture"),
    (Action.RETURN, Step.CHEF): _("Returned for changes by the manager"),
    (Action.RETURN, Step.KOMMUNIKATION): _("Returned for changes by the communications officer"),
    (Action.RETURN, Step.DIREKTOR): _("Returned for changes by the director of culture"),
    (Action.REJECT, Step.CHEF): _("Rejected by the manager"),
    (Action.REJECT, Step.KOMMUNIKATION): _("Rejected by the communications officer"),
    (Action.REJECT, Step.DIREKTOR): _("Rejected by the director of culture"),
    (Action.WITHDRAW, None): _("Withdrawn"),
    (Action.SUPERSEDE, None): _("Superseded by a new version"),
}


# The chain as data: each step, the status a plan has while it waits there, and the role
# that decides it. The chef step is decided by the plan's deciding chef, whatever their role.
CHAIN: list[Step] = [Step.CHEF, Step.KOMMUNIKATION, Step.DIREKTOR]
STEP_STATUS: dict[Step, PlanStatus] = {
    Step.CHEF: PlanStatus.HOS_CHEF,
    Step.KOMMUNIKATION: PlanStatus.HOS_KOMMUNIKATION,
    Step.DIREKTOR: PlanStatus.HOS_DIREKTOR,
}
STATUS_STEP: dict[PlanStatus, Step] = {status: step for step, status in STEP_STATUS.items()}
STEP_ROLE: dict[Step, Role] = {
    Step.CHEF: Role.CHEF,
    Step.KOMMUNIKATION: Role.KOMMUNIKATIONSANSVARIG,
    Step.DIREKTOR: Role.KULTURDIREKTOR,
}

PENDING = frozenset(STEP_STATUS.values())
EDITABLE = frozenset({PlanStatus.UTKAST, PlanStatus.ATERSAND})
FINAL = frozenset({PlanStatus.AVSLAGEN, PlanStatus.ATERKALLAD, PlanStatus.ERSATT})
DECISIONS = frozenset({Action.APPROVE, Action.RETURN, Action.REJECT})
COMMENT_REQUIRED = frozenset({Action.RETURN, Action.REJECT})


def _next_after(step: Step) -> PlanStatus:
    index = CHAIN.index(step)
    return STEP_STATUS[CHAIN[index + 1]] if index + 1 < len(CHAIN) else PlanStatus.GODKAND


# Every allowed (status, action) → new status. Anything not listed is refused.
TRANSITIONS: dict[tuple[PlanStatus, Action], PlanStatus] = {
    (PlanStatus.UTKAST, Action.SUBMIT): PlanStatus.HOS_CHEF,
    (PlanStatus.ATERSAND, Action.SUBMIT): PlanStatus.HOS_CHEF,
    (PlanStatus.UTKAST, Action.WITHDRAW): PlanStatus.ATERKALLAD,
    (PlanStatus.ATERSAND, Action.WITHDRAW): PlanStatus.ATERKALLAD,
    **{(status, Action.WITHDRAW): PlanStatus.ATERKALLAD for status in PENDING},
    **{(STEP_STATUS[step], Action.APPROVE): _next_after(step) for step in CHAIN},
    **{(status, Action.RETURN): PlanStatus.ATERSAND for status in PENDING},
    **{(status, Action.REJECT): PlanStatus.AVSLAGEN for status in PENDING},
    (PlanStatus.GODKAND, Action.SUPERSEDE): PlanStatus.ERSATT,
}


class EscalationReason(models.TextChoices):
    """Why a waiting document is shown to the kommunikationsansvarig and the administrators
    (domain.escalation)."""

    NOBODY = "ingen", _("Nobody active can decide this step")
    OVERDUE = "for_lange", _("Has waited too long")
