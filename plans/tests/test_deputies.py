"""Deputies (ersättare) and who may decide: every document has someone who can decide each step.

A deputy acts for a holder of a deciding role (accounts.models.Deputy) throughout a period, on
the days the holder is registered absent, or where the holder may not decide (their own
document, or a step they already decided). The deputy decides under the same rules as the
holder, and the decision records "B för A".
"""

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.domain.people import delete_absence, register_absence
from accounts.enums import DeputyCondition, Role, UnitKind
from accounts.models import Absence, Deputy
from accounts.queries import chef_of
from accounts.tests.factories import UnitFactory, make_user
from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import active_channel, submitted_closure, trained
from kob_social.errors import Incomplete, NotAllowed
from notifications.models import Notification
from plans import rules
from plans.domain.archive import build_snapshot
from plans.domain.notices import next_deciders
from plans.domain.transitions import transition
from plans.enums import PENDING, Action, PlanStatus, Step
from plans.models import Plan
from plans.queries import plans_awaiting

from .factories import complete_plan

AUTHORS = ["medarbetare", "chef", "chef2", "kommunikator", "direktor", "admin", "stabschef", "webbredaktor"]
UNITS = ["library", "music", "staben", "library_department", "unit_without_chef"]


@pytest.fixture
def organisation(org, deputies):
    """`org` with its standing deputies, a department without a chef of its own under the
    library, and a unit without a chef of its own directly under the förvaltning."""
    org.library_department = UnitFactory(name="Barnavdelningen", kind=UnitKind.AVDELNING, parent=org.library)
    org.unit_without_chef = UnitFactory(name="Kulturutveckling", parent=org.forvaltning)
    org.stabschef = deputies.stabschef
    org.webbredaktor = deputies.webbredaktor
    # Who runs the channel belongs to the plan's unit (validation.UNIT_PEOPLE).
    org.members = {name: make_user(Role.MEDARBETARE, unit=getattr(org, name)) for name in UNITS}
    return org


def everyone(org):
    return [getattr(org, name) for name in [*AUTHORS, "medarbetare2"]]


@pytest.mark.parametrize(("author_name", "unit_name"), list(itertools.product(AUTHORS, UNITS)))
def test_every_document_has_a_decider_at_every_step(organisation, author_name, unit_name):
    org = organisation
    author, unit = getattr(org, author_name), getattr(org, unit_name)
    responsible = org.members[unit_name]
    if not rules.can_create_plan_for(author, unit):
        with pytest.raises(NotAllowed):
            complete_plan(author, unit=unit, responsible=responsible)
        return
    plan = transition(complete_plan(author, unit=unit, responsible=responsible).pk, Action.SUBMIT, actor=author)

    while plan.status in PENDING:
        step = plan.current_step
        deciders = next_deciders(plan)
        assert deciders, f"nobody can decide the {step} step of a plan by {author_name} for {unit_name}"
        for person in everyone(org):
            may = rules.decidable_step(person, plan) == step
            # The inbox (one query) and the rule (per person) agree, and the notices go to them.
            assert (plan in plans_awaiting(person)) == may, (person.username, step)
            assert (person in deciders) == may, (person.username, step)
        plan = transition(plan.pk, Action.APPROVE, actor=deciders[0], comment="Godkänd.")

    assert plan.status == PlanStatus.GODKAND
    decisions = list(plan.decisions.order_by("pk"))
    assert [decision.step for decision in decisions] == [Step.CHEF, Step.KOMMUNIKATION, Step.DIREKTOR]
    assert all(d.decided_by_id != author.pk for d in decisions if not d.signed_by_submission)
    # Nobody decides two steps, but the kulturdirektör is Staben's chef.
    by_person = {}
    for decision in decisions:
        by_person.setdefault(decision.decided_by_id, []).append(decision.step)
    for person_id, steps in by_person.items():
        assert len(steps) == 1 or (
            person_id == org.direktor.pk and unit_name == "staben" and steps == [Step.CHEF, Step.DIREKTOR]
        ), steps


def directors_library_plan(org) -> Plan:
    """The kulturdirektör's own plan for the library (outside Staben), submitted."""
    plan = complete_plan(org.direktor, unit=org.library, responsible=org.medarbetare)
    return transition(plan.pk, Action.SUBMIT, actor=org.direktor)


def test_kulturdirektor_own_plan_outside_staben_decided_by_standing_deputy(organisation):
    org = organisation
    plan = transition(
        complete_plan(org.direktor, unit=org.library, responsible=org.medarbetare).pk, Action.SUBMIT, actor=org.direktor
    )
    plan = transition(plan.pk, Action.APPROVE, actor=org.chef)
    plan = transition(plan.pk, Action.APPROVE, actor=org.kommunikator)

    assert rules.decidable_step(org.direktor, plan) is None
    assert next_deciders(plan) == [org.stabschef]
    plan = transition(plan.pk, Action.APPROVE, actor=org.stabschef)

    assert plan.status == PlanStatus.GODKAND
    last = plan.decisions.order_by("pk").last()
    assert (last.decided_by, last.acting_for, last.role) == (org.stabschef, org.direktor, Role.KULTURDIREKTOR)


def test_without_a_standing_deputy_the_kulturdirektor_own_plan_has_no_decider(org):
    # The hole the standing deputy closes (escalation tells about what remains).
    plan = transition(
        complete_plan(org.direktor, unit=org.library, responsible=org.medarbetare).pk, Action.SUBMIT, actor=org.direktor
    )
    plan = transition(plan.pk, Action.APPROVE, actor=org.chef)
    plan = transition(plan.pk, Action.APPROVE, actor=org.kommunikator)

    assert next_deciders(plan) == []


def test_sole_kommunikationsansvarig_own_plan_decided_by_deputy(organisation):
    org = organisation
    plan = transition(complete_plan(org.kommunikator, unit=org.staben).pk, Action.SUBMIT, actor=org.kommunikator)
    plan = transition(plan.pk, Action.APPROVE, actor=org.direktor)

    assert next_deciders(plan) == [org.webbredaktor]
    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.kommunikator)
    plan = transition(plan.pk, Action.APPROVE, actor=org.webbredaktor)

    assert plan.status == PlanStatus.HOS_DIREKTOR
    decision = plan.decisions.get(step=Step.KOMMUNIKATION)
    assert decision.acting_for == org.kommunikator
    assert decision.decider_label == "Nils Berg för Sara Öberg"


def test_disqualified_deputy_does_not_act_where_the_holder_may(organisation):
    org = organisation
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    plan = transition(plan.pk, Action.APPROVE, actor=org.chef)

    assert rules.decidable_step(org.webbredaktor, plan) is None
    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.webbredaktor)


def vacation_deputy(org, condition, **kwargs) -> Deputy:
    return Deputy.objects.create(
        person=org.chef,
        deputy=org.chef2,
        role=Role.CHEF,
        unit=org.library,
        condition=condition,
        starts_on=timezone.localdate(),
        **kwargs,
    )


def test_absence_deputy_acts_only_while_the_chef_is_absent(org):
    vacation_deputy(org, DeputyCondition.ABSENT)
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    assert rules.decidable_step(org.chef2, plan) is None
    assert org.chef2.pk not in {person.pk for person in next_deciders(plan)}
    assert not rules.can_view_plan(org.chef2, plan)

    today = timezone.localdate()
    Absence.objects.create(user=org.chef, starts_on=today, ends_on=today + datetime.timedelta(days=14))
    deputy = type(org.chef2).objects.get(pk=org.chef2.pk)  # fresh: the arrangement is read once a day

    assert rules.authority(deputy, plan) == rules.Authority(Step.CHEF, org.chef)
    assert rules.can_view_plan(deputy, plan)
    assert list(plans_awaiting(deputy)) == [plan]
    plan = transition(plan.pk, Action.APPROVE, actor=deputy, comment="Under Karins semester.")

    decision = plan.decisions.get()
    assert (decision.decided_by, decision.acting_for, decision.role) == (org.chef2, org.chef, Role.CHEF)
    assert rules.can_view_plan(deputy, plan)  # what they decided stays readable


def test_deputy_in_force_only_within_its_period_and_unit(org):
    today = timezone.localdate()
    vacation_deputy(org, DeputyCondition.ALWAYS, ends_on=today + datetime.timedelta(days=3))
    library_plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    music_author = make_user(Role.MEDARBETARE, unit=org.music)
    music_plan = transition(complete_plan(music_author).pk, Action.SUBMIT, actor=music_author)

    assert rules.authority(org.chef2, library_plan, today) == rules.Authority(Step.CHEF, org.chef)
    later = type(org.chef2).objects.get(pk=org.chef2.pk)
    assert rules.authority(later, library_plan, today + datetime.timedelta(days=4)) is None
    # chef2 decides music's plan in their own right, not as anyone's deputy.
    assert rules.authority(org.chef2, music_plan, today) == rules.Authority(Step.CHEF, None)


def test_deputy_never_decides_own_document_nor_a_second_step(organisation):
    org = organisation
    # The stabschef deputises for the kulturdirektör throughout, and is also the library's
    # deputy chef: having decided the chef step, they may not decide the last one too.
    standing = Deputy.objects.get(person=org.direktor)
    standing.condition = DeputyCondition.ALWAYS
    standing.save()
    Deputy.objects.create(
        person=org.chef,
        deputy=org.stabschef,
        role=Role.CHEF,
        unit=org.library,
        condition=DeputyCondition.ALWAYS,
        starts_on=timezone.localdate(),
    )
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    plan = transition(plan.pk, Action.APPROVE, actor=org.stabschef)
    plan = transition(plan.pk, Action.APPROVE, actor=org.kommunikator)
    assert rules.decidable_step(org.stabschef, plan) is None
    assert next_deciders(plan) == [org.direktor]

    # Their own document is never theirs to decide; the kulturdirektör, Staben's chef, decides
    # both its chef step and its last step (the one exception to "never two steps").
    own = transition(complete_plan(org.stabschef).pk, Action.SUBMIT, actor=org.stabschef)
    own = transition(own.pk, Action.APPROVE, actor=org.direktor)
    own = transition(own.pk, Action.APPROVE, actor=org.kommunikator)
    assert rules.decidable_step(org.stabschef, own) is None
    assert next_deciders(own) == [org.direktor]


def test_second_step_counts_only_in_the_current_round(organisation):
    org = organisation
    # A kommunikationsansvarig who is also chef of the library decided its chef step, so the
    # next step of the round is not theirs (their deputy decides it); after a return for
    # changes, the new round starts afresh.
    org.library.chef = org.kommunikator
    org.library.save()
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    plan = transition(plan.pk, Action.APPROVE, actor=org.kommunikator)

    assert rules.decidable_step(org.kommunikator, plan) is None
    assert not plans_awaiting(org.kommunikator).filter(pk=plan.pk).exists()
    assert next_deciders(plan) == [org.webbredaktor]

    plan = transition(plan.pk, Action.RETURN, actor=org.webbredaktor, comment="Komplettera målen.")
    plan = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    assert rules.decidable_step(org.kommunikator, plan) == Step.CHEF


def test_notices_tell_the_deputy_who_may_act(organisation):
    org = organisation
    plan = transition(complete_plan(org.kommunikator, unit=org.staben).pk, Action.SUBMIT, actor=org.kommunikator)
    before = Notification.objects.order_by("pk").values_list("pk", flat=True).last() or 0
    plan = transition(plan.pk, Action.APPROVE, actor=org.direktor)

    waiting = Notification.objects.filter(kind="plan_waiting", url=plan.get_absolute_url(), pk__gt=before)
    assert set(waiting.values_list("recipient", flat=True)) == {org.webbredaktor.pk}


def test_signed_snapshot_names_whom_the_deputy_acted_for(organisation):
    org = organisation
    plan = transition(
        complete_plan(org.direktor, unit=org.library, responsible=org.medarbetare).pk, Action.SUBMIT, actor=org.direktor
    )
    for actor in (org.chef, org.kommunikator, org.stabschef):
        plan = transition(plan.pk, Action.APPROVE, actor=actor)

    snapshot = build_snapshot(Plan.objects.get(pk=plan.pk))

    assert snapshot["director_decision"]["name"] == "Eva Lund"
    assert snapshot["director_decision"]["acting_for"] == "Anders Ekholm"
    assert "acting_for" not in snapshot["decisions"][0]
    assert snapshot["decisions"][-1]["acting_for"] == "Anders Ekholm"


def test_units_without_a_chef_of_their_own_are_decided_above(organisation):
    assert chef_of(organisation.library_department) == organisation.chef
    assert chef_of(organisation.unit_without_chef) == organisation.direktor


# --- A chef names a deputy with their vacation (the absences page) -----------------------------------


def test_chef_registers_vacation_with_deputy_who_then_decides(client, org):
    today = timezone.localdate()
    client.force_login(org.chef)
    response = client.post(
        reverse("people:absences"),
        {
            "person": org.chef.pk,
            "kind": "semester",
            "starts_on": today.isoformat(),
            "ends_on": (today + datetime.timedelta(days=10)).isoformat(),
            "deputy": org.chef2.pk,
        },
        follow=True,
    )
    assert response.redirect_chain, response.context["form"].errors
    assert "Erik Nyström beslutar i ditt ställe som chef medan du är borta." in response.content.decode()
    arrangement = Deputy.objects.get()
    assert (arrangement.person, arrangement.deputy, arrangement.unit, arrangement.condition) == (
        org.chef,
        org.chef2,
        org.library,
        DeputyCondition.ABSENT,
    )
    assert "Erik Nyström" in response.context["page"].object_list[0].deputies[0].get_full_name()

    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    plan = transition(plan.pk, Action.APPROVE, actor=org.chef2)
    client.force_login(org.medarbetare)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Erik Nyström för Karin Sjöström" in page


def test_deputy_field_only_for_those_who_lead_a_unit(client, org):
    client.force_login(org.medarbetare)
    assert "deputy" not in client.get(reverse("people:absences")).context["form"].fields
    client.force_login(org.chef)
    assert "deputy" in client.get(reverse("people:absences")).context["form"].fields


def test_deputy_named_for_someone_who_leads_nothing_is_refused(org):
    today = timezone.localdate()
    with pytest.raises(Incomplete) as refused:
        register_absence(org.chef, org.medarbetare, "semester", today, today, deputy=org.chef2)
    assert "deputy" in refused.value.errors
    assert not Absence.objects.exists()
    assert not Deputy.objects.exists()


def test_removing_a_coming_absence_removes_its_deputy(org):
    start = timezone.localdate() + datetime.timedelta(days=5)
    absence = register_absence(org.chef, org.chef, "semester", start, start, deputy=org.chef2)
    assert Deputy.objects.count() == 1

    delete_absence(org.chef, absence.pk)

    assert not Deputy.objects.exists()
    assert Deputy.history.filter(history_type="-").count() == 1


def test_deputy_from_another_unit_opens_and_decides_a_closure_request(client, org):
    channel = active_channel(org)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    closure = submitted_closure(org, channel)
    outsider = make_user(Role.MEDARBETARE, unit=org.music, full_name="Ulla Ek")
    client.force_login(outsider)
    assert client.get(closure.get_absolute_url()).status_code == 404

    Deputy.objects.create(
        person=org.chef,
        deputy=outsider,
        role=Role.CHEF,
        unit=org.library,
        condition=DeputyCondition.ALWAYS,
        starts_on=timezone.localdate(),
    )
    page = client.get(closure.get_absolute_url())

    assert page.status_code == 200
    assert "Du beslutar som ersättare för Karin Sjöström" in page.content.decode()


def test_chef_removes_a_coming_absence_on_the_page(client, org):
    # Also the PostgreSQL case: the lock on the absence must not reach the person's nullable unit.
    start = timezone.localdate() + datetime.timedelta(days=5)
    absence = register_absence(org.chef, org.chef, "semester", start, start, deputy=org.chef2)
    client.force_login(org.chef)

    response = client.post(reverse("people:absences"), {"delete": absence.pk})

    assert response.status_code == 302
    assert not Absence.objects.exists()
    assert not Deputy.objects.exists()
