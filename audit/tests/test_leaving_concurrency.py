"""Two administrators end the same person at the same moment (audit.leaving.end_person): exactly
one hands over and ends the account; the other is told it was already ended, and nothing is
handed over twice. Two threads released together, on committed data, as in
plans/tests/test_concurrency.py."""

from collections import Counter
from functools import partial

import pytest

from accounts.enums import Role
from accounts.models import User
from accounts.tests.factories import make_user
from audit import leaving
from audit.models import Event
from kob_social.errors import Conflict
from kob_social.testing.race import race
from plans.models import Plan
from plans.tests.factories import complete_plan

pytestmark = pytest.mark.django_db(transaction=True)

TRIALS = 10


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_two_administrators_end_the_same_person_once(org, record_property):
    other_admin = make_user(Role.SYSTEMADMINISTRATOR, unit=org.staben, username="admin2")
    first, second = (make_user(Role.MEDARBETARE, unit=org.library, username=f"eftertradare{i}") for i in (1, 2))
    loser_outcomes = Counter()
    for trial in range(TRIALS):
        leaver = make_user(Role.MEDARBETARE, unit=org.library, username=f"slutar{trial}")
        draft = complete_plan(leaver)
        key = f"plan:{draft.pk}"

        outcomes = race(
            partial(leaving.end_person, leaver.pk, actor=fresh(org.admin), successors={key: first}),
            partial(leaving.end_person, leaver.pk, actor=fresh(other_admin), successors={key: second}),
        )

        ended = [outcome for outcome in outcomes if isinstance(outcome, User)]
        refused = [type(outcome) for outcome in outcomes if not isinstance(outcome, User)]
        assert (len(ended), refused) == (1, [Conflict]), outcomes
        loser_outcomes[refused[0].__name__] += 1
        author = Plan.objects.get(pk=draft.pk).author_id
        assert author in (first.pk, second.pk)
        assert Plan.history.filter(id=draft.pk, author_id__in=[first.pk, second.pk]).count() == 1
        assert not User.objects.get(pk=leaver.pk).is_active
        assert Event.objects.filter(action="person.ended", person_id=leaver.pk).count() == 1

    record_property("loser_outcomes", dict(loser_outcomes))
    assert sum(loser_outcomes.values()) == TRIALS
