"""The decision chain, tested through its one write path `transitions.transition`.

The first half is the whole table: every status × every action × every kind of person, with the
expectation written out by hand below (never read from `plans.enums.TRANSITIONS`, so that a
wrong table in the code is caught). The second half names the rules of DOMAIN.md one by one.
"""

import itertools

import pytest

from accounts.enums import Role
from accounts.tests.factories import make_user
from kob_social.errors import Conflict, Incomplete, NotAllowed
from kob_social.history import update_with_history
from notifications.models import Notification
from plans import rules
from plans.domain.drafts import create_draft, revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Decision, DiarieCounter, Goal, Plan
from plans.queries import plans_awaiting

from .factories import GOAL, complete_plan, plan_content

pytestmark = pytest.mark.django_db


FILL_IN = "Fyll i det här fältet innan du skickar in planen."
WRITE_A_COMMENT = "Skriv en kommentar: den som skrev ärendet behöver veta varför."

# --- The table ----------------------------------------------------------------------------------

STATES = [
    "utkast",
    "hos_chef",
    "hos_kommunikation",
    "hos_direktor",
    "godkand",
    "atersand",
    "avslagen",
    "aterkallad",
    "ersatt",
]
ACTIONS = [Action.SUBMIT, Action.APPROVE, Action.RETURN, Action.REJECT, Action.WITHDRAW, Action.SUPERSEDE]
# "author" is `medarbetare` of Länsbiblioteket, who writes every plan of the table.
ACTORS = ["author", "chef", "chef2", "kommunikator", "direktor", "admin", "medarbetare2"]

# Everything a person may do to a Länsbiblioteket plan written by `medarbetare`, and the status
# it leads to. Every other (state, action, actor) of the product must be refused.
ALLOWED = {
    ("utkast", Action.SUBMIT, "author"): "hos_chef",
    ("atersand", Action.SUBMIT, "author"): "hos_chef",
    ("utkast", Action.WITHDRAW, "author"): "aterkallad",
    ("atersand", Action.WITHDRAW, "author"): "aterkallad",
    ("hos_chef", Action.WITHDRAW, "author"): "aterkallad",
    ("hos_kommunikation", Action.WITHDRAW, "author"): "aterkallad",
    ("hos_direktor", Action.WITHDRAW, "author"): "aterkallad",
    ("hos_chef", Action.APPROVE, "chef"): "hos_kommunikation",
    ("hos_chef", Action.RETURN, "chef"): "atersand",
    ("hos_chef", Action.REJECT, "chef"): "avslagen",
    ("hos_kommunikation", Action.APPROVE, "kommunikator"): "hos_direktor",
    ("hos_kommunikation", Action.RETURN, "kommunikator"): "atersand",
    ("hos_kommunikation", Action.REJECT, "kommunikator"): "avslagen",
    ("hos_direktor", Action.APPROVE, "direktor"): "godkand",
    ("hos_direktor", Action.RETURN, "direktor"): "atersand",
    ("hos_direktor", Action.REJECT, "direktor"): "avslagen",
}
# For the decisions among them: the step decided, and the role the decider acts in.
STEP_OF_STATE = {"hos_chef": "chef", "hos_kommunikation": "kommunikation", "hos_direktor": "direktor"}
ROLE_OF_ACTOR = {"chef": "Chef", "kommunikator": "Kommunikationsansvarig", "direktor": "Kulturdirektör"}
COMMENT = {
    Action.APPROVE: "Bra genomtänkt plan.",
    Action.RETURN: "Komplettera tillsynen under semestern.",
    Action.REJECT: "Kanalen överlappar med förvaltningens befintliga konto.",
}

PRODUCT = list(itertools.product(STATES, ACTIONS, ACTORS))
ALLOWED_CASES = [case for case in PRODUCT if case in ALLOWED]
REFUSED_CASES = [case for case in PRODUCT if case not in ALLOWED]


def case_id(case) -> str:
    state, action, actor = case
    return f"{state}-{action.value}-{actor}"


# The way to each state, as (action, actor) steps from a fresh draft.
SUBMITTED = [(Action.SUBMIT, "author")]
PATHS = {
    "utkast": [],
    "hos_chef": SUBMITTED,
    "hos_kommunikation": [*SUBMITTED, (Action.APPROVE, "chef")],
    "hos_direktor": [*SUBMITTED, (Action.APPROVE, "chef"), (Action.APPROVE, "kommunikator")],
    "godkand": [*SUBMITTED, (Action.APPROVE, "chef"), (Action.APPROVE, "kommunikator"), (Action.APPROVE, "direktor")],
    "atersand": [*SUBMITTED, (Action.RETURN, "chef")],
    "avslagen": [*SUBMITTED, (Action.REJECT, "chef")],
    "aterkallad": [*SUBMITTED, (Action.WITHDRAW, "author")],
}


def person(org, actor: str):
    return org.medarbetare if actor == "author" else getattr(org, actor)


def walk(org, plan: Plan, steps) -> Plan:
    for action, actor in steps:
        plan = transition(plan.pk, action, actor=person(org, actor), comment=COMMENT.get(action, ""))
    return plan


def plan_in(org, state: str) -> Plan:
    """A Länsbiblioteket plan by `medarbetare` brought to `state` through the real chain."""
    plan = complete_plan(org.medarbetare)
    if state == "ersatt":
        # v1 approved, then v2 revised, submitted and approved: v1 is superseded.
        plan = walk(org, plan, PATHS["godkand"])
        v2 = revise(plan.pk, actor=org.medarbetare)
        walk(org, v2, PATHS["godkand"])
    else:
        plan = walk(org, plan, PATHS[state])
    plan.refresh_from_db()
    assert plan.status == state
    return plan


def snapshot(plan: Plan) -> dict:
    """Everything a refused request must leave as it was."""
    return {
        "row": Plan.objects.filter(pk=plan.pk).values().get(),
        "history": plan.history.count(),
        "decisions": Decision.objects.filter(plan=plan).count(),
        "notifications": Notification.objects.filter(url=plan.get_absolute_url()).count(),
        "counters": list(DiarieCounter.objects.values_list("year", "last")),
    }


# --- The whole table ----------------------------------------------------------------------------


def test_transition_table_covers_every_state_and_action():
    assert sorted(STATES) == sorted(PlanStatus.values)
    assert sorted(ACTIONS) == sorted(Action.values)
    assert len(PRODUCT) == 9 * 6 * 7
    assert len(ALLOWED_CASES) == len(ALLOWED)


@pytest.mark.parametrize("case", ALLOWED_CASES, ids=case_id)
def test_transition_allowed_by_table(org, case):
    state, action, actor = case
    plan = plan_in(org, state)
    history_before = plan.history.count()
    decisions_before = Decision.objects.filter(plan=plan).count()
    comment = COMMENT.get(action, "")

    result = transition(plan.pk, action, actor=person(org, actor), expected_revision=plan.revision, comment=comment)

    stored = Plan.objects.get(pk=plan.pk)
    assert (result.status, stored.status) == (ALLOWED[case], ALLOWED[case])
    assert stored.revision == plan.revision + 1
    assert plan.history.count() - history_before == 1
    decisions = Decision.objects.filter(plan=plan)
    if action in (Action.APPROVE, Action.RETURN, Action.REJECT):
        assert decisions.count() - decisions_before == 1
        assert decisions.order_by("-pk").values(
            "step", "outcome", "decided_by", "role", "comment", "signed_by_submission"
        ).first() == {
            "step": STEP_OF_STATE[state],
            "outcome": action.value,
            "decided_by": person(org, actor).pk,
            "role": ROLE_OF_ACTOR[actor],
            "comment": comment,
            "signed_by_submission": False,
        }
    else:
        assert decisions.count() - decisions_before == 0


@pytest.mark.parametrize("case", REFUSED_CASES, ids=case_id)
def test_transition_refused_by_table(org, case):
    state, action, actor = case
    plan = plan_in(org, state)
    before = snapshot(plan)

    with pytest.raises(NotAllowed):
        transition(
            plan.pk,
            action,
            actor=person(org, actor),
            expected_revision=plan.revision,
            comment=COMMENT.get(action, ""),
        )

    assert snapshot(plan) == before


@pytest.mark.parametrize(("state", "actor"), list(itertools.product(STATES, ACTORS)))
def test_offered_actions_and_inbox_match_table(org, state, actor):
    plan = plan_in(org, state)
    expected = {action for (s, action, a) in ALLOWED if (s, a) == (state, actor)}
    decides = bool(expected & {Action.APPROVE, Action.RETURN, Action.REJECT})

    offered = rules.allowed_actions(person(org, actor), plan)
    awaiting = list(plans_awaiting(person(org, actor)))

    assert offered == expected
    assert awaiting == ([plan] if decides else [])


# --- The rules, one by one ----------------------------------------------------------------------


def test_decide_own_plan_at_kommunikation_step_refused(org):
    plan = complete_plan(org.kommunikator, unit=org.staben)
    plan = transition(plan.pk, Action.SUBMIT, actor=org.kommunikator)
    plan = transition(plan.pk, Action.APPROVE, actor=org.direktor)
    before = snapshot(plan)

    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.kommunikator, expected_revision=plan.revision)

    assert plan.status == PlanStatus.HOS_KOMMUNIKATION
    assert snapshot(plan) == before


def test_decide_own_plan_at_kommunikation_step_by_another_kommunikator_allowed(org):
    colleague = make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, full_name="Nils Berg")
    plan = complete_plan(org.kommunikator, unit=org.staben)
    plan = transition(plan.pk, Action.SUBMIT, actor=org.kommunikator)
    plan = transition(plan.pk, Action.APPROVE, actor=org.direktor)

    plan = transition(plan.pk, Action.APPROVE, actor=colleague, expected_revision=plan.revision)

    assert plan.status == PlanStatus.HOS_DIREKTOR
    # Staben has no chef of its own: the kulturdirektör decides its chef step, in that role.
    assert list(plan.decisions.values_list("step", "decided_by", "role", "signed_by_submission")) == [
        ("chef", org.direktor.pk, "Kulturdirektör", False),
        ("kommunikation", colleague.pk, "Kommunikationsansvarig", False),
    ]


def test_decide_own_plan_outside_staben_as_direktor_refused(org):
    plan = complete_plan(org.direktor, unit=org.library, responsible=org.medarbetare)
    plan = transition(plan.pk, Action.SUBMIT, actor=org.direktor)
    plan = transition(plan.pk, Action.APPROVE, actor=org.chef)
    plan = transition(plan.pk, Action.APPROVE, actor=org.kommunikator)
    before = snapshot(plan)

    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.direktor, expected_revision=plan.revision)

    assert plan.status == PlanStatus.HOS_DIREKTOR
    assert snapshot(plan) == before


def test_submit_own_unit_plan_as_chef_signs_chef_step(org):
    plan = complete_plan(org.chef)
    history_before = plan.history.count()

    plan = transition(plan.pk, Action.SUBMIT, actor=org.chef, expected_revision=plan.revision)

    plan.refresh_from_db()
    assert plan.status == PlanStatus.HOS_KOMMUNIKATION
    assert plan.deciding_chef == org.chef
    assert plan.history.count() - history_before == 1
    assert list(
        plan.decisions.values("step", "outcome", "decided_by", "role", "comment", "signed_by_submission", "decided_at")
    ) == [
        {
            "step": "chef",
            "outcome": "godkann",
            "decided_by": org.chef.pk,
            "role": "Chef",
            "comment": "",
            "signed_by_submission": True,
            "decided_at": plan.submitted_at,
        }
    ]


def test_decide_staben_plan_written_by_direktor_signs_and_is_decided_by_standing_deputy(org, deputies):
    # The kulturdirektör is Staben's chef: writing a Staben plan signs the chef step. The last
    # step is not theirs to decide (never one's own document): the standing deputy decides it,
    # and the decision records whom the deputy acted for.
    plan = complete_plan(org.direktor, unit=org.staben)

    plan = transition(plan.pk, Action.SUBMIT, actor=org.direktor)
    plan = transition(plan.pk, Action.APPROVE, actor=org.kommunikator)
    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.direktor, comment="Eget beslut.")
    plan = transition(plan.pk, Action.APPROVE, actor=deputies.stabschef, comment="Beslutat.")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.GODKAND
    assert plan.decided_at is not None
    rows = plan.decisions.values_list("step", "outcome", "decided_by", "acting_for", "role", "signed_by_submission")
    assert list(rows) == [
        ("chef", "godkann", org.direktor.pk, None, "Kulturdirektör", True),
        ("kommunikation", "godkann", org.kommunikator.pk, None, "Kommunikationsansvarig", False),
        ("direktor", "godkann", deputies.stabschef.pk, org.direktor.pk, "Kulturdirektör", False),
    ]
    assert plan.decisions.last().decider_label == "Eva Lund för Anders Ekholm"


@pytest.mark.parametrize("actor", ["direktor", "kommunikator"])
def test_approve_skipping_chef_step_refused(org, actor):
    plan = walk(org, complete_plan(org.medarbetare), SUBMITTED)
    before = snapshot(plan)

    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=getattr(org, actor), expected_revision=plan.revision)

    assert snapshot(plan) == before
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.HOS_CHEF


def test_approve_twice_with_old_revision_conflict(org):
    plan = walk(org, complete_plan(org.medarbetare), SUBMITTED)
    seen_revision = plan.revision
    transition(plan.pk, Action.APPROVE, actor=org.chef, expected_revision=seen_revision)
    before = snapshot(plan)

    with pytest.raises(Conflict):
        transition(plan.pk, Action.APPROVE, actor=org.chef, expected_revision=seen_revision)

    assert snapshot(plan) == before
    assert list(plan.decisions.values_list("step", "decided_by")) == [("chef", org.chef.pk)]


def test_approve_twice_without_revision_not_allowed(org):
    plan = walk(org, complete_plan(org.medarbetare), SUBMITTED)
    transition(plan.pk, Action.APPROVE, actor=org.chef)
    before = snapshot(plan)

    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.chef)

    assert snapshot(plan) == before
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.HOS_KOMMUNIKATION


@pytest.mark.parametrize("action", [Action.APPROVE, Action.RETURN, Action.REJECT])
def test_decide_other_units_plan_as_chef2_refused(org, action):
    plan = walk(org, complete_plan(org.medarbetare), SUBMITTED)
    before = snapshot(plan)

    with pytest.raises(NotAllowed):
        transition(plan.pk, action, actor=org.chef2, expected_revision=plan.revision, comment="Nej.")

    assert snapshot(plan) == before


def test_transition_replayed_old_form_conflict(org):
    draft = complete_plan(org.medarbetare)
    form_revision = draft.revision
    plan = walk(org, draft, SUBMITTED)
    before = snapshot(plan)

    with pytest.raises(Conflict):
        transition(plan.pk, Action.RETURN, actor=org.chef, expected_revision=form_revision, comment="Gammalt formulär.")

    assert snapshot(plan) == before


@pytest.mark.parametrize("action", [Action.RETURN, Action.REJECT])
@pytest.mark.parametrize("comment", ["", "   \n\t "])
def test_decide_without_comment_incomplete(org, action, comment):
    plan = walk(org, complete_plan(org.medarbetare), SUBMITTED)
    before = snapshot(plan)

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, action, actor=org.chef, expected_revision=plan.revision, comment=comment)

    assert refused.value.errors == {"comment": [WRITE_A_COMMENT]}
    assert snapshot(plan) == before


def test_decide_return_stores_stripped_comment(org):
    plan = walk(org, complete_plan(org.medarbetare), SUBMITTED)

    transition(plan.pk, Action.RETURN, actor=org.chef, comment="  Komplettera målen.\n")

    assert list(plan.decisions.values_list("comment", flat=True)) == ["Komplettera målen."]


def test_resubmit_after_return_goes_to_chef_keeps_diarienummer(org):
    plan = walk(org, complete_plan(org.medarbetare), [*SUBMITTED, (Action.RETURN, "chef")])
    diarienummer = plan.diarienummer
    edited = save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content=plan_content(org.library, org.medarbetare, supervision="Ersättaren har tillsyn även på helger."),
        goals=[{**GOAL, "id": plan.goals.get().pk}],
    )

    resubmitted = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare, expected_revision=edited.revision)

    resubmitted.refresh_from_db()
    assert resubmitted.status == PlanStatus.HOS_CHEF
    assert resubmitted.diarienummer == diarienummer
    assert resubmitted.supervision == "Ersättaren har tillsyn även på helger."
    assert DiarieCounter.objects.get().last == 1
    assert (
        list(Notification.objects.filter(recipient=org.chef, kind="plan_waiting").values_list("url", flat=True))
        == [plan.get_absolute_url()] * 2
    )


@pytest.mark.parametrize("state", ["hos_chef", "hos_kommunikation", "hos_direktor"])
def test_withdraw_pending_by_author_tells_waiting_decider(org, state):
    plan = plan_in(org, state)
    waiting = {"hos_chef": org.chef, "hos_kommunikation": org.kommunikator, "hos_direktor": org.direktor}[state]

    plan = transition(plan.pk, Action.WITHDRAW, actor=org.medarbetare, expected_revision=plan.revision)

    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.ATERKALLAD
    assert list(
        Notification.objects.filter(kind="plan_withdrawn", url=plan.get_absolute_url()).values_list(
            "recipient", flat=True
        )
    ) == [waiting.pk]
    assert plan.decisions.filter(step=state).count() == 0


# --- Submitting an incomplete plan --------------------------------------------------------------

REQUIRED = {
    "platform": "",
    "channel_name": "",
    "purpose": "   ",
    "activities": "",
    "responsible": None,
    "supervision": "",
    "update_count": None,
    "update_period": "",
    "working_hours_per_week": None,
    "screenshot_responsible": None,
    "target_groups": "",
    "terms_reviewed_on": None,
    "terms_reviewed_by": None,
    "case_routine": "",
    "records_reference": "",
    "statistics_use": "",
    "privacy_notice_url": "",
    "processing_register_entry": "",
    "data_requests_by": "",
    "accessibility_routine": "",
    "alt_texts": "",
    "captions": "",
    "readable_hashtags": "",
    "channel_information": "",
}


@pytest.mark.parametrize("field", list(REQUIRED))
def test_submit_missing_field_incomplete(org, field):
    content = {**plan_content(org.library, org.medarbetare), field: REQUIRED[field]}
    plan = create_draft(author=org.medarbetare, content=content, goals=[GOAL])
    before = snapshot(plan)

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare, expected_revision=plan.revision)

    assert refused.value.errors == {field: [FILL_IN]}
    assert snapshot(plan) == before


def test_submit_without_goals_incomplete(org):
    plan = complete_plan(org.medarbetare, goals=[])
    before = snapshot(plan)

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert refused.value.errors == {"goals": ["Lägg till minst ett mål, gärna ett mätbart."]}
    assert snapshot(plan) == before


def test_submit_goal_missing_fields_incomplete(org):
    plan = complete_plan(org.medarbetare, goals=[{**GOAL, "metric": "", "target": None}])
    goal = Goal.objects.get(plan=plan)

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert refused.value.errors == {f"goal-{goal.pk}-metric": [FILL_IN], f"goal-{goal.pk}-target": [FILL_IN]}


def test_submit_zero_updates_incomplete(org):
    plan = complete_plan(org.medarbetare)
    # Stored before the limit existed: a draft can no longer be saved with 0 (test_limits.py).
    update_with_history(Plan.objects.filter(pk=plan.pk), update_count=0)

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert refused.value.errors == {"update_count": ["Kanalen måste uppdateras minst en gång per period."]}


def test_submit_people_from_another_unit_incomplete(org):
    plan = complete_plan(
        org.medarbetare,
        responsible=org.medarbetare2,
        terms_reviewed_by=org.medarbetare,
        screenshot_responsible=org.medarbetare,
        other_people=[org.chef2],
    )
    before = snapshot(plan)

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert refused.value.errors == {
        "responsible": ["Oskar Åberg hör inte till Länsbiblioteket."],
        "other_people": ["Erik Nyström hör inte till Länsbiblioteket."],
    }
    assert snapshot(plan) == before
