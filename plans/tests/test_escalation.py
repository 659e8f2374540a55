"""Nothing waits unseen (plans.domain.escalation): a document that nobody active can decide, or
that has waited more than ESCALATE_AFTER_DAYS, is shown to the kommunikationsansvarig and the
administrators on their start page and they are told once; it leaves the list when it moves on
or someone can decide it again.

Each hole the issue names is a test here: a vacant kommunikationsansvarig, the kulturdirektör's
own plan without a standing deputy, a document waiting at someone who left."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.enums import DeputyCondition, Role
from accounts.models import Deputy
from accounts.tests.factories import make_user
from accounts.tests.reminder_helpers import at, keys
from channel_register.tests.channel_factories import active_channel, submitted_closure
from plans.domain.escalation import ESCALATE_AFTER_DAYS, escalate_waiting
from plans.domain.transitions import transition
from plans.enums import Action, EscalationReason
from plans.models import Escalation
from plans.queries import escalations

from .factories import complete_plan, submitted_on

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 15)


def escalation_keys() -> set[str]:
    return keys("waiting_escalation")


def key(document, reason, person) -> str:
    return f"{document._meta.model_name}:{document.pk}:r{document.revision}:escalation:{reason}:{person.pk}"


def shown() -> list:
    return [(row.document, row.reason) for row in escalations()]


def leave(person) -> None:
    person.is_active = False
    person.save()


# --- Nobody can decide -------------------------------------------------------------------------


def test_vacant_kommunikationsansvarig_escalates_at_the_chef_approval(org, time_machine):
    # The hole: a vacant kommunikationsansvarig stopped every plan at step 2, and nobody was told.
    leave(org.kommunikator)
    plan = submitted_on(org, time_machine, at(TODAY), approvals=1)

    assert shown() == [(plan, EscalationReason.NOBODY)]
    # Nobody holds the role: the administrator is told (the kommunikationsansvarig has left).
    assert escalation_keys() == {key(plan, EscalationReason.NOBODY, org.admin)}


def test_directors_own_plan_without_standing_deputy_escalates(org, time_machine):
    time_machine.move_to(at(TODAY), tick=False)
    plan = complete_plan(org.direktor, unit=org.library, responsible=org.medarbetare)
    plan = transition(plan.pk, Action.SUBMIT, actor=org.direktor)
    plan = transition(plan.pk, Action.APPROVE, actor=org.chef)
    assert shown() == []

    plan = transition(plan.pk, Action.APPROVE, actor=org.kommunikator)

    assert shown() == [(plan, EscalationReason.NOBODY)]
    assert escalation_keys() == {key(plan, "ingen", person) for person in (org.kommunikator, org.admin)}


def test_a_deputy_registered_for_the_role_ends_the_escalation(org, time_machine, django_capture_on_commit_callbacks):
    leave(org.kommunikator)
    plan = submitted_on(org, time_machine, at(TODAY), approvals=1)
    stand_in = make_user(Role.MEDARBETARE, unit=org.staben, username="vikarie")
    former = make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, username="kommunikator_ny")

    # A deputy must act for a holder of the role: the new kommunikationsansvarig can decide.
    with django_capture_on_commit_callbacks(execute=True):
        Deputy.objects.create(
            person=former,
            deputy=stand_in,
            role=Role.KOMMUNIKATIONSANSVARIG,
            condition=DeputyCondition.ALWAYS,
            starts_on=TODAY,
            registered_by=org.admin,
        )

    assert shown() == []
    assert not Escalation.objects.filter(plan=plan).exists()


def test_a_closure_request_waiting_at_a_chef_who_left_escalates_when_the_unit_has_no_chef(org, time_machine):
    # The hole: inactive people are skipped by every notice, so nobody learnt what waited at them.
    time_machine.move_to(at(TODAY), tick=False)
    closure = submitted_closure(org, active_channel(org), author=org.kommunikator)
    org.library.parent = None  # no chef above to take the unit's documents
    org.library.save()

    leave(org.chef)

    closure.refresh_from_db()
    assert closure.deciding_chef is None
    assert shown() == [(closure, EscalationReason.NOBODY)]


# --- Waiting too long --------------------------------------------------------------------------


def test_waiting_longer_than_two_weeks_escalates_once(org, time_machine):
    late = submitted_on(org, time_machine, at(TODAY - timedelta(days=ESCALATE_AFTER_DAYS + 1), 23, 59))
    in_time = submitted_on(org, time_machine, at(TODAY - timedelta(days=ESCALATE_AFTER_DAYS)))

    first = escalate_waiting(today=TODAY)
    second = escalate_waiting(today=TODAY)

    assert shown() == [(late, EscalationReason.OVERDUE)]
    assert in_time not in [document for document, _reason in shown()]
    assert escalation_keys() == {key(late, "for_lange", person) for person in (org.kommunikator, org.admin)}
    assert first == {"candidates": 2, "escalated": 1, "removed": 0, "notified": 2}
    assert second == {"candidates": 2, "escalated": 1, "removed": 0, "notified": 0}


def test_a_document_that_moves_on_leaves_the_list(org, time_machine):
    plan = submitted_on(org, time_machine, at(TODAY - timedelta(days=20)))
    escalate_waiting(today=TODAY)
    assert shown() == [(plan, EscalationReason.OVERDUE)]

    time_machine.move_to(at(TODAY), tick=False)
    transition(plan.pk, Action.APPROVE, actor=org.chef)

    # Judged at the transition: someone can decide the next step, and it has not waited there.
    assert shown() == []
    assert not Escalation.objects.exists()


def test_the_sweep_finds_what_changed_without_a_transition(org, time_machine):
    plan = submitted_on(org, time_machine, at(TODAY), approvals=1)
    assert shown() == []
    # Taken out of the role (not deactivated): no signal, the daily sweep finds it.
    org.kommunikator.groups.clear()

    counts = escalate_waiting(today=TODAY)

    assert shown() == [(plan, EscalationReason.NOBODY)]
    assert counts["notified"] == 1  # the administrator

    make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, username="kommunikator_ny")
    again = escalate_waiting(today=TODAY)

    assert shown() == []
    assert again == {"candidates": 1, "escalated": 0, "removed": 1, "notified": 0}


# --- The start page ----------------------------------------------------------------------------


@pytest.mark.parametrize(("person", "sees"), [("kommunikator", True), ("admin", True), ("chef", False)])
def test_start_page_shows_the_escalations_to_those_who_can_fix_them(client, org, time_machine, person, sees):
    leave(org.direktor)
    plan = submitted_on(org, time_machine, at(TODAY), approvals=2)
    client.force_login(getattr(org, person))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert ("escalations-heading" in response.text) == sees
    assert (plan.get_absolute_url() in response.text) == sees
    if sees:
        assert "Ingen aktiv person kan besluta detta steg" in response.text


# The inbox's (plans/tests/test_query_counts.py, HOME_QUERIES) and the escalations' rows; their
# COUNT only when more are escalated than the start page shows (INBOX_LIMIT, 10).
ADMIN_HOME_QUERIES = 11


@pytest.mark.parametrize("n", [1, 3, 12])
def test_admin_start_page_query_count_is_the_same_for_1_3_and_12_escalations(
    client, org, time_machine, django_assert_num_queries, n
):
    plans = [submitted_on(org, time_machine, at(TODAY - timedelta(days=30))) for _ in range(n)]
    escalate_waiting(today=TODAY)
    client.force_login(org.admin)

    with django_assert_num_queries(ADMIN_HOME_QUERIES if n <= 10 else ADMIN_HOME_QUERIES + 1):
        response = client.get(reverse("home"))

    assert response.context["escalation_count"] == n
    assert [row.document for row in response.context["escalations"]] == plans[:10]
