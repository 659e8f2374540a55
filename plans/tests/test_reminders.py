"""The daily reminder about decisions waiting (plans.domain.reminders): a plan or closure
request that has waited more than WAITING_REMINDER_DAYS at one step reminds the people who may
decide that step.

The reminder is called with its `today`, as the Celery task and `run_job` call it; the clock is
moved only where the domain functions that build the data read "now" (transitions stamp
`status_changed_at`, activation stamps `activated_at`, appointments check training today).
Notifications are identified by their keys, which name the kind, the object, the period and
the recipient: the sets of keys are the sets of people told. The other daily reminders are
tested with their owners: channel_register/tests/test_reminders.py (roster gaps, overdue
inventories) and accounts/tests/test_reminders.py (expiring trainings).
"""

from datetime import date, timedelta

import pytest

from accounts.tests.reminder_helpers import (
    at,
    keys,
    officers_fixture,  # noqa: F401 (the `officers` fixture)
)
from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import active_channel, submitted_closure, trained
from notifications.models import Notification
from plans.domain.notices import next_deciders
from plans.domain.reminders import remind_waiting_approvals
from plans.domain.transitions import transition
from plans.enums import Action

from .factories import complete_plan, submitted_on

pytestmark = pytest.mark.django_db


# --- Decisions waiting ------------------------------------------------------------------------

# A Monday; a document waiting since before 8 March 00:00 has waited more than seven days.
WAITING_TODAY = date(2027, 3, 15)


def reminder_key(document, person) -> str:
    return f"{document._meta.model_name}:{document.pk}:r{document.revision}:waiting_reminder:{person.pk}"


@pytest.mark.parametrize("submitted", [at(date(2027, 3, 7), 0, 0), at(date(2027, 3, 7), 23, 59)])
def test_remind_waiting_approvals_eight_days_waiting_reminds_the_chef(org, time_machine, submitted):
    plan = submitted_on(org, time_machine, submitted)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(plan, org.chef)}


@pytest.mark.parametrize("submitted", [at(date(2027, 3, 8), 0, 0), at(date(2027, 3, 8), 23, 59)])
def test_remind_waiting_approvals_seven_days_waiting_reminds_nobody(org, time_machine, submitted):
    submitted_on(org, time_machine, submitted)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 0, "notified": 0}
    assert keys("waiting_reminder") == set()


@pytest.mark.parametrize(
    ("approvals", "deciders"),
    [(0, ["chef"]), (1, ["kommunikator", "kommunikator2"]), (2, ["direktor"])],
)
def test_remind_waiting_approvals_reminds_the_deciders_of_the_step(org, officers, time_machine, approvals, deciders):
    plan = submitted_on(org, time_machine, at(date(2027, 3, 1)), approvals=approvals)
    people = {"chef": org.chef, "kommunikator": officers[0], "kommunikator2": officers[1], "direktor": org.direktor}

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": len(deciders)}
    assert keys("waiting_reminder") == {reminder_key(plan, people[name]) for name in deciders}


def test_remind_waiting_approvals_recipients_are_next_deciders(org, officers, deputies, time_machine):
    # Every step, and the two own-document cases: a kommunikationsansvarig does not decide
    # their own plan, and the kulturdirektör's own Staben plan waits at the standing deputy.
    documents = [submitted_on(org, time_machine, at(date(2027, 3, 1)), approvals=n) for n in range(3)]
    documents.append(submitted_on(org, time_machine, at(date(2027, 3, 1)), author=org.kommunikator))
    documents[-1] = transition(documents[-1].pk, Action.APPROVE, actor=org.direktor)
    own_staben = submitted_on(org, time_machine, at(date(2027, 3, 1)), author=org.direktor)
    documents.append(transition(own_staben.pk, Action.APPROVE, actor=org.kommunikator))
    expected = {reminder_key(document, person) for document in documents for person in next_deciders(document)}

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 5, "notified": 7}
    assert keys("waiting_reminder") == expected
    assert {key.split(":")[-1] for key in keys("waiting_reminder")} == {
        str(person.pk)
        for person in (org.chef, officers[0], officers[1], org.direktor, deputies.stabschef, deputies.webbredaktor)
    }


def test_remind_waiting_approvals_author_kommunikator_is_not_reminded(org, officers, time_machine):
    plan = submitted_on(org, time_machine, at(date(2027, 3, 1)), author=org.kommunikator)
    plan = transition(plan.pk, Action.APPROVE, actor=org.direktor)

    remind_waiting_approvals(today=WAITING_TODAY)

    assert keys("waiting_reminder") == {reminder_key(plan, officers[1])}


def test_remind_waiting_approvals_closure_request_reminds_the_chef(org, time_machine):
    time_machine.move_to(at(date(2027, 2, 1)), tick=False)
    channel = active_channel(org)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    closure = submitted_closure(org, channel)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(closure, org.chef)}


def test_remind_waiting_approvals_only_pending_documents_remind(org, time_machine):
    waiting = submitted_on(org, time_machine, at(date(2027, 3, 1)), approvals=2)
    returned = submitted_on(org, time_machine, at(date(2027, 3, 1)))
    transition(returned.pk, Action.RETURN, actor=org.chef, comment="Beskriv tillsynen under semestern.")
    approved = submitted_on(org, time_machine, at(date(2027, 3, 1)), approvals=2)
    transition(approved.pk, Action.APPROVE, actor=org.direktor)
    complete_plan(org.medarbetare)  # a draft

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(waiting, org.direktor)}


def test_remind_waiting_approvals_twice_creates_no_new_notification(org, time_machine):
    plan = submitted_on(org, time_machine, at(date(2027, 3, 1)))
    remind_waiting_approvals(today=WAITING_TODAY)
    before = Notification.objects.count()

    counts = remind_waiting_approvals(today=WAITING_TODAY)
    next_day = remind_waiting_approvals(today=WAITING_TODAY + timedelta(days=1))

    assert counts == {"candidates": 1, "notified": 0}
    assert next_day == {"candidates": 1, "notified": 0}
    assert Notification.objects.count() == before
    assert keys("waiting_reminder") == {reminder_key(plan, org.chef)}


def test_remind_waiting_approvals_next_step_gets_a_new_reminder(org, time_machine):
    at_chef = submitted_on(org, time_machine, at(date(2027, 3, 1)))
    first = remind_waiting_approvals(today=date(2027, 3, 10))
    time_machine.move_to(at(date(2027, 3, 10), 10), tick=False)
    at_kommunikation = transition(at_chef.pk, Action.APPROVE, actor=org.chef)

    too_early = remind_waiting_approvals(today=date(2027, 3, 17))
    due = remind_waiting_approvals(today=date(2027, 3, 18))

    assert (first, too_early, due) == (
        {"candidates": 1, "notified": 1},
        {"candidates": 0, "notified": 0},
        {"candidates": 1, "notified": 1},
    )
    assert keys("waiting_reminder") == {
        reminder_key(at_chef, org.chef),
        reminder_key(at_kommunikation, org.kommunikator),
    }


def test_remind_waiting_approvals_returned_and_resubmitted_gets_a_new_reminder(org, time_machine):
    first = submitted_on(org, time_machine, at(date(2027, 2, 1)))
    remind_waiting_approvals(today=date(2027, 2, 10))
    time_machine.move_to(at(date(2027, 2, 10), 10), tick=False)
    transition(first.pk, Action.RETURN, actor=org.chef, comment="Beskriv tillsynen under semestern.")
    again = transition(first.pk, Action.SUBMIT, actor=org.medarbetare)

    counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 1, "notified": 1}
    assert keys("waiting_reminder") == {reminder_key(first, org.chef), reminder_key(again, org.chef)}


@pytest.mark.parametrize("per_step", [1, 3])
def test_remind_waiting_approvals_query_count_constant(org, time_machine, django_assert_num_queries, per_step):
    for approvals in range(3):
        for _ in range(per_step):
            submitted_on(org, time_machine, at(date(2027, 3, 1)), approvals=approvals)

    # Plans and closure requests with their decisions (4); each role's holders and their roles,
    # and each role's deputy arrangements, once; notify_many's four.
    with django_assert_num_queries(14):
        counts = remind_waiting_approvals(today=WAITING_TODAY)

    assert counts == {"candidates": 3 * per_step, "notified": 3 * per_step}
