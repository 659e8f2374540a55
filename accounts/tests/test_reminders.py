"""The daily reminder about legal training that expires (accounts.domain.reminders): the
person and their chef are told when it expires within 60 days, once per expiry.

The reminder is called with its `today`, as the Celery task and `run_job` call it. Who is due
is accounts.queries.people_with_expiring_training. Notifications are identified by their keys,
which name the kind, the object, the period and the recipient: the sets of keys are the sets
of people told.
"""

from datetime import date, timedelta

import pytest

from accounts.domain.reminders import warn_expiring_trainings
from accounts.enums import Role

from .factories import TrainingRecordFactory, make_user
from .reminder_helpers import keys

pytestmark = pytest.mark.django_db


# --- Trainings --------------------------------------------------------------------------------

TRAINING_TODAY = date(2027, 3, 1)


def training_key(person, valid_until: date, recipient) -> str:
    return f"training_expiring:{person.pk}:{valid_until.isoformat()}:{recipient.pk}"


def expiring(person, valid_until: date, completed_on: date = date(2024, 5, 1), **kwargs):
    return TrainingRecordFactory(user=person, completed_on=completed_on, valid_until=valid_until, **kwargs)


@pytest.mark.parametrize(("days", "warned"), [(0, True), (60, True), (61, False)])
def test_warn_expiring_trainings_within_60_days_tells_person_and_chef(org, days, warned):
    valid_until = TRAINING_TODAY + timedelta(days=days)
    expiring(org.medarbetare, valid_until)

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    expected = {training_key(org.medarbetare, valid_until, person) for person in (org.medarbetare, org.chef)}
    assert counts == ({"candidates": 1, "notified": 2} if warned else {"candidates": 0, "notified": 0})
    assert keys("training_expiring") == (expected if warned else set())


def test_warn_expiring_trainings_expired_yesterday_tells_nobody(org):
    expiring(org.medarbetare, TRAINING_TODAY - timedelta(days=1))

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}


def test_warn_expiring_trainings_chef_is_told_once_about_own_training(org):
    valid_until = TRAINING_TODAY + timedelta(days=20)
    expiring(org.chef, valid_until)

    warn_expiring_trainings(today=TRAINING_TODAY)

    assert keys("training_expiring") == {training_key(org.chef, valid_until, org.chef)}


def test_warn_expiring_trainings_staben_person_tells_the_director(org):
    valid_until = TRAINING_TODAY + timedelta(days=20)
    expiring(org.kommunikator, valid_until)

    warn_expiring_trainings(today=TRAINING_TODAY)

    assert keys("training_expiring") == {
        training_key(org.kommunikator, valid_until, org.kommunikator),
        training_key(org.kommunikator, valid_until, org.direktor),
    }


@pytest.mark.parametrize(
    "renewal",
    [
        {"completed_on": date(2027, 2, 20), "valid_until": date(2030, 2, 20)},
        # Registered ahead of its completion (only the admin can): still a renewal.
        {"completed_on": date(2027, 4, 1), "valid_until": date(2030, 4, 1)},
        {"completed_on": date(2027, 2, 20), "valid_until": None},
        {"completed_on": date(2027, 4, 1), "valid_until": None},
    ],
)
def test_warn_expiring_trainings_renewal_tells_nobody(org, renewal):
    expiring(org.medarbetare, TRAINING_TODAY + timedelta(days=30))
    expiring(org.medarbetare, **renewal)

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}


def test_warn_expiring_trainings_renewal_also_expiring_warns_of_the_later_date(org):
    expiring(org.medarbetare, TRAINING_TODAY + timedelta(days=10))
    renewal = expiring(org.medarbetare, TRAINING_TODAY + timedelta(days=50), completed_on=date(2024, 6, 1))

    warn_expiring_trainings(today=TRAINING_TODAY)

    assert keys("training_expiring") == {
        training_key(org.medarbetare, renewal.valid_until, person) for person in (org.medarbetare, org.chef)
    }


def test_warn_expiring_trainings_inactive_person_tells_nobody(org):
    leaver = make_user(Role.MEDARBETARE, unit=org.library, is_active=False)
    expiring(leaver, TRAINING_TODAY + timedelta(days=10))

    counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}


def test_warn_expiring_trainings_twice_creates_no_new_notification(org):
    valid_until = TRAINING_TODAY + timedelta(days=10)
    expiring(org.medarbetare, valid_until)
    warn_expiring_trainings(today=TRAINING_TODAY)

    again = warn_expiring_trainings(today=TRAINING_TODAY)
    next_day = warn_expiring_trainings(today=TRAINING_TODAY + timedelta(days=1))

    assert again == {"candidates": 1, "notified": 0}
    assert next_day == {"candidates": 1, "notified": 0}
    assert keys("training_expiring") == {
        training_key(org.medarbetare, valid_until, person) for person in (org.medarbetare, org.chef)
    }


@pytest.mark.parametrize("n", [1, 3])
def test_warn_expiring_trainings_query_count_constant(org, django_assert_num_queries, n):
    for _ in range(n):
        expiring(make_user(Role.MEDARBETARE, unit=org.library), TRAINING_TODAY + timedelta(days=10))

    # The people with their expiry, the units' chefs; notify_many's four.
    with django_assert_num_queries(6):
        counts = warn_expiring_trainings(today=TRAINING_TODAY)

    assert counts == {"candidates": n, "notified": 2 * n}
