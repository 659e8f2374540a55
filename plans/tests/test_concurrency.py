"""Two people doing the same thing at the same moment: exactly one wins, nothing happens twice.

Each test runs 20 trials of two threads released together by a barrier, on committed data
(`transaction=True`), each thread on its own database connection, closed when it is done. On
SQLite (IMMEDIATE transactions) the writers queue, so the loser usually reads the new state and
gets NotAllowed; on PostgreSQL both usually read the old state and the compare-and-set makes the
loser's update match no row (Conflict). Either is a correct answer; which one is recorded.
"""

from collections import Counter
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

import pytest

from accounts.enums import DeputyCondition, Role
from accounts.models import Deputy, User
from accounts.tests.factories import make_user
from kob_social.errors import Conflict, NotAllowed
from kob_social.testing.race import race
from notifications.models import Notification
from plans.domain.drafts import revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Decision, Plan

from .factories import GOAL, complete_plan, plan_content

pytestmark = pytest.mark.django_db(transaction=True)

TRIALS = 20
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def fresh(user: User) -> User:
    """Each thread gets its own instance: role and permission caches live on the object."""
    return User.objects.get(pk=user.pk)


def one_winner(outcomes) -> tuple[Plan, type]:
    winners = [outcome for outcome in outcomes if isinstance(outcome, Plan)]
    losers = [type(outcome) for outcome in outcomes if not isinstance(outcome, Plan)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    return winners[0], losers[0]


def waiting_notices(plan: Plan, recipient: User) -> int:
    return Notification.objects.filter(kind="plan_waiting", url=plan.get_absolute_url(), recipient=recipient).count()


def test_approve_simultaneously_by_same_chef_one_transition(org, record_property):
    loser_outcomes = Counter()
    for _trial in range(TRIALS):
        plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
        history_before = plan.history.count()
        first, second = fresh(org.chef), fresh(org.chef)

        outcomes = race(
            partial(transition, plan.pk, Action.APPROVE, actor=first),
            partial(transition, plan.pk, Action.APPROVE, actor=second),
        )

        winner, loser = one_winner(outcomes)
        assert loser in (Conflict, NotAllowed)
        loser_outcomes[loser.__name__] += 1
        stored = Plan.objects.get(pk=plan.pk)
        assert (winner.status, stored.status) == (PlanStatus.HOS_KOMMUNIKATION, PlanStatus.HOS_KOMMUNIKATION)
        assert stored.revision == plan.revision + 1
        assert plan.history.count() - history_before == 1
        assert list(Decision.objects.filter(plan=plan).values_list("step", "outcome", "decided_by")) == [
            ("chef", "godkann", org.chef.pk)
        ]
        assert waiting_notices(plan, org.kommunikator) == 1

    record_property("loser_outcomes", dict(loser_outcomes))
    print(f"chef approves twice at once, the loser got: {dict(loser_outcomes)}")
    assert sum(loser_outcomes.values()) == TRIALS


def test_approve_simultaneously_by_two_kommunikatorer_one_transition(org, record_property):
    kommunikator2 = make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, full_name="Nils Berg")
    loser_outcomes = Counter()
    for _trial in range(TRIALS):
        plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
        plan = transition(plan.pk, Action.APPROVE, actor=org.chef)
        history_before = plan.history.count()
        deciders = [fresh(org.kommunikator), fresh(kommunikator2)]

        outcomes = race(
            partial(transition, plan.pk, Action.APPROVE, actor=deciders[0], comment="OK"),
            partial(transition, plan.pk, Action.APPROVE, actor=deciders[1], comment="OK"),
        )

        winner, loser = one_winner(outcomes)
        assert loser in (Conflict, NotAllowed)
        loser_outcomes[loser.__name__] += 1
        assert (winner.status, Plan.objects.get(pk=plan.pk).status) == (
            PlanStatus.HOS_DIREKTOR,
            PlanStatus.HOS_DIREKTOR,
        )
        assert plan.history.count() - history_before == 1
        decisions = list(Decision.objects.filter(plan=plan, step="kommunikation").values_list("outcome", "decided_by"))
        assert len(decisions) == 1
        assert decisions[0][0] == "godkann"
        assert decisions[0][1] in {org.kommunikator.pk, kommunikator2.pk}
        assert waiting_notices(plan, org.direktor) == 1

    record_property("loser_outcomes", dict(loser_outcomes))
    print(f"two kommunikationsansvariga approve at once, the loser got: {dict(loser_outcomes)}")
    assert sum(loser_outcomes.values()) == TRIALS


def test_approve_simultaneously_by_chef_and_deputy_one_decision(org, record_property):
    # The library's chef and their deputy (throughout the period) approve the same plan at once.
    Deputy.objects.create(
        person=org.chef,
        deputy=org.chef2,
        role=Role.CHEF,
        unit=org.library,
        condition=DeputyCondition.ALWAYS,
        starts_on=datetime(2020, 1, 1).date(),
    )
    loser_outcomes = Counter()
    for _trial in range(TRIALS):
        plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
        history_before = plan.history.count()

        outcomes = race(
            partial(transition, plan.pk, Action.APPROVE, actor=fresh(org.chef)),
            partial(transition, plan.pk, Action.APPROVE, actor=fresh(org.chef2)),
        )

        winner, loser = one_winner(outcomes)
        assert loser in (Conflict, NotAllowed)
        loser_outcomes[loser.__name__] += 1
        assert (winner.status, Plan.objects.get(pk=plan.pk).status) == (
            PlanStatus.HOS_KOMMUNIKATION,
            PlanStatus.HOS_KOMMUNIKATION,
        )
        assert plan.history.count() - history_before == 1
        decisions = list(Decision.objects.filter(plan=plan).values_list("decided_by", "acting_for"))
        assert decisions in ([(org.chef.pk, None)], [(org.chef2.pk, org.chef.pk)])
        assert waiting_notices(plan, org.kommunikator) == 1

    record_property("loser_outcomes", dict(loser_outcomes))
    print(f"a chef and their deputy approve at once, the loser got: {dict(loser_outcomes)}")
    assert sum(loser_outcomes.values()) == TRIALS


def test_submit_two_plans_simultaneously_distinct_sequential_diarienummer(org, time_machine):
    time_machine.move_to(datetime(2026, 3, 2, 10, 0, tzinfo=STOCKHOLM))
    numbers = []
    for _trial in range(TRIALS):
        plans = [complete_plan(org.medarbetare), complete_plan(org.medarbetare)]
        authors = [fresh(org.medarbetare), fresh(org.medarbetare)]

        outcomes = race(
            partial(transition, plans[0].pk, Action.SUBMIT, actor=authors[0]),
            partial(transition, plans[1].pk, Action.SUBMIT, actor=authors[1]),
        )

        assert [type(outcome) for outcome in outcomes] == [Plan, Plan], outcomes
        pair = list(Plan.objects.filter(pk__in=[p.pk for p in plans]).values_list("diarienummer", flat=True))
        assert len(set(pair)) == 2
        numbers += pair

    assert sorted(numbers) == [f"KOB-2026-{seq:04d}" for seq in range(1, 2 * TRIALS + 1)]


def test_save_draft_simultaneously_same_revision_one_wins(org):
    loser_outcomes = Counter()
    for trial in range(TRIALS):
        plan = complete_plan(org.medarbetare)
        goal_id = plan.goals.get().pk
        history_before = plan.history.count()
        names = [f"Försök {trial} – A", f"Försök {trial} – B"]
        authors = [fresh(org.medarbetare), fresh(org.medarbetare)]

        saves = [
            partial(
                save_draft,
                plan.pk,
                actor=author,
                expected_revision=plan.revision,
                content=plan_content(org.library, org.medarbetare, channel_name=name),
                goals=[{**GOAL, "id": goal_id, "description": name}],
            )
            for author, name in zip(authors, names, strict=True)
        ]

        outcomes = race(*saves)

        winner, loser = one_winner(outcomes)
        assert loser == Conflict
        loser_outcomes[loser.__name__] += 1
        stored = Plan.objects.get(pk=plan.pk)
        assert stored.channel_name == winner.channel_name
        assert stored.revision == plan.revision + 1
        assert list(stored.goals.values_list("pk", "description")) == [(goal_id, winner.channel_name)]
        assert plan.history.count() - history_before == 1

    assert loser_outcomes == Counter({"Conflict": TRIALS})


def test_revise_simultaneously_one_new_version(org, record_property):
    loser_outcomes = Counter()
    for _trial in range(TRIALS):
        v1 = complete_plan(org.medarbetare)
        for action, actor in [
            (Action.SUBMIT, org.medarbetare),
            (Action.APPROVE, org.chef),
            (Action.APPROVE, org.kommunikator),
            (Action.APPROVE, org.direktor),
        ]:
            transition(v1.pk, action, actor=actor)
        revisers = [fresh(org.medarbetare), fresh(org.chef)]

        outcomes = race(partial(revise, v1.pk, actor=revisers[0]), partial(revise, v1.pk, actor=revisers[1]))

        winner, loser = one_winner(outcomes)
        assert loser == Conflict
        loser_outcomes[loser.__name__] += 1
        assert list(Plan.objects.filter(series=v1.series).order_by("version_number").values_list("pk", "status")) == [
            (v1.pk, "godkand"),
            (winner.pk, "utkast"),
        ]

    record_property("loser_outcomes", dict(loser_outcomes))
    assert loser_outcomes == Counter({"Conflict": TRIALS})
