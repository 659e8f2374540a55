"""Two people completing or starting the same evaluation at the same moment: exactly one wins,
nothing happens twice (kob_social.testing.race: two threads released together on committed data,
each on its own connection). The loser gets NotAllowed (it read the completed evaluation) or
Conflict (the compare-and-set matched no row); either is a correct answer."""

import datetime
from decimal import Decimal
from functools import partial

import pytest

from accounts.models import User
from kob_social.errors import Conflict, NotAllowed
from kob_social.testing.race import race
from metrics.domain.evaluations import complete_evaluation, goal_key, start_evaluation
from metrics.enums import Conclusion, EvaluationStatus
from metrics.models import Evaluation
from plans.enums import PlanStatus
from plans.models import Plan

from .factories import measured_channel

pytestmark = pytest.mark.django_db(transaction=True)

TRIALS = 5
GOAL = {
    "description": "Fler följare",
    "metric": "foljare",
    "baseline": Decimal("1000"),
    "target": Decimal("2000"),
    "deadline": datetime.date(2027, 12, 31),
}


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def completion(evaluation, actor, conclusion):
    goal = evaluation.goals.get()
    return partial(
        complete_evaluation,
        evaluation.pk,
        actor=fresh(actor),
        expected_revision=evaluation.revision,
        summary="Klart.",
        answers={goal_key(goal, "went_well"): "Bra."},
        conclusion=conclusion,
    )


def one_winner(outcomes) -> type:
    winners = [outcome for outcome in outcomes if isinstance(outcome, Evaluation)]
    losers = [type(outcome) for outcome in outcomes if not isinstance(outcome, Evaluation)]
    assert (len(winners), losers in ([Conflict], [NotAllowed])) == (1, True), outcomes
    return losers[0]


def test_complete_simultaneously_one_completion(org):
    channel = measured_channel(org, goals=[GOAL])
    for _trial in range(TRIALS):
        evaluation = start_evaluation(channel.pk, actor=org.medarbetare)

        outcomes = race(
            completion(evaluation, org.medarbetare, Conclusion.CONTINUE),
            completion(evaluation, org.chef, Conclusion.CONTINUE),
        )

        one_winner(outcomes)
        stored = Evaluation.objects.get(pk=evaluation.pk)
        assert (stored.status, stored.revision) == (EvaluationStatus.DONE, evaluation.revision + 1)
        assert stored.history.count() == 3  # created, saved, completed


def test_complete_to_revise_simultaneously_one_new_plan_version(org):
    channel = measured_channel(org, goals=[GOAL])
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)

    outcomes = race(
        completion(evaluation, org.medarbetare, Conclusion.REVISE),
        completion(evaluation, org.medarbetare, Conclusion.REVISE),
    )

    one_winner(outcomes)
    draft = Plan.objects.get(status=PlanStatus.UTKAST)
    assert Evaluation.objects.get().revised_plan == draft


def test_start_simultaneously_one_draft(org):
    channel = measured_channel(org, goals=[GOAL])
    for _trial in range(TRIALS):
        outcomes = race(
            partial(start_evaluation, channel.pk, actor=fresh(org.medarbetare)),
            partial(start_evaluation, channel.pk, actor=fresh(org.chef)),
        )

        assert [type(outcome) for outcome in outcomes] == [Evaluation, Evaluation], outcomes
        draft = Evaluation.objects.get(status=EvaluationStatus.DRAFT)
        assert [outcome.pk for outcome in outcomes] == [draft.pk, draft.pk]
        assert draft.goals.count() == 1
        complete_evaluation(
            draft.pk,
            actor=org.medarbetare,
            expected_revision=draft.revision,
            summary="Klart.",
            answers={goal_key(draft.goals.get(), "went_well"): "Bra."},
            conclusion=Conclusion.CONTINUE,
        )
