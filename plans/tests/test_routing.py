"""Routing follows the organisation (issue 16, item 2): a document waiting at the chef step is
decided by the unit's chef of today, and a change of chef moves the waiting documents to the new
chef, with a history entry, telling the chef it leaves and the one it comes to."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from accounts.enums import Role
from accounts.models import Unit
from accounts.tests.factories import make_user
from audit.models import Event
from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import ANALYSIS, active_channel, trained
from kob_social.errors import NotAllowed
from kob_social.history import fabricated_data
from notifications.models import Notification
from plans import rules
from plans.domain import closures
from plans.domain.routing import move_to_chef
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus, Step
from plans.models import ClosureRequest, Decision, Plan
from plans.queries import plans_awaiting

from .factories import submitted_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(org) -> Plan:
    """A Länsbiblioteket plan by `medarbetare`, waiting at its chef `chef`."""
    plan = submitted_plan(org.medarbetare)
    assert (plan.status, plan.deciding_chef) == (PlanStatus.HOS_CHEF, org.chef)
    return plan


@pytest.fixture
def new_chef(org):
    return make_user(Role.CHEF, unit=org.library, full_name="Ingrid Falk")


def appoint_chef(unit: Unit, person) -> None:
    """What the Django admin's unit form does: save the unit with another chef."""
    unit.chef = person
    unit.save()


def notices_since(pk: int) -> list[tuple]:
    return list(
        Notification.objects.filter(pk__gt=pk).order_by("pk").values_list("recipient", "kind", "url", "subject")
    )


def last_notification_pk() -> int:
    return Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def snapshot(plan: Plan) -> dict:
    return {
        "row": Plan.objects.filter(pk=plan.pk).values().get(),
        "history": plan.history.count(),
        "decisions": Decision.objects.filter(plan=plan).count(),
        "notifications": Notification.objects.count(),
    }


def test_decide_waiting_plan_as_chef_who_moved_unit_refused(org, waiting, new_chef):
    appoint_chef(org.library, new_chef)
    org.chef.unit = org.music
    org.chef.save()
    plan = Plan.objects.get(pk=waiting.pk)

    step = rules.decidable_step(org.chef, plan)
    actions = rules.allowed_actions(org.chef, plan)
    inbox = list(plans_awaiting(org.chef))

    assert (step, actions, inbox) == (None, set(), [])


def test_decide_waiting_plan_as_new_chef_allowed(org, waiting, new_chef):
    appoint_chef(org.library, new_chef)

    plan = transition(waiting.pk, Action.APPROVE, actor=new_chef, comment="Bra.")

    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.HOS_KOMMUNIKATION
    assert list(plan.decisions.values_list("step", "decided_by", "role")) == [("chef", new_chef.pk, "Chef")]


def test_chef_change_moves_waiting_plan_with_history_entry(org, waiting, new_chef):
    history_before = waiting.history.count()

    appoint_chef(org.library, new_chef)

    plan = Plan.objects.get(pk=waiting.pk)
    latest = plan.history.order_by("-history_id").first()
    with translation.override("sv"):
        reason = gettext("The unit's manager changed")
    assert (plan.status, plan.deciding_chef, plan.revision) == (PlanStatus.HOS_CHEF, new_chef, waiting.revision + 1)
    assert plan.history.count() - history_before == 1
    assert (latest.deciding_chef_id, latest.history_change_reason, latest.history_user) == (new_chef.pk, reason, None)
    assert (list(plans_awaiting(new_chef)), list(plans_awaiting(org.chef))) == ([plan], [])
    # One audit event for the move, linking the history row it wrote.
    moved = Event.objects.get(action="plans.plan.rerouted")
    assert (moved.plan_id, moved.reason, moved.history) == (
        plan.pk,
        reason,
        [["plans.historicalplan", latest.history_id]],
    )


def test_chef_change_tells_old_and_new_chef_once(org, waiting, new_chef):
    before = last_notification_pk()
    url = waiting.get_absolute_url()

    appoint_chef(org.library, new_chef)
    org.library.name = "Länsbiblioteket Uppsala"
    org.library.save()  # saved again, same chef: nothing moves, nobody is told twice
    appoint_chef(org.library, new_chef)

    told = [(recipient, kind, link) for recipient, kind, link, _subject in notices_since(before)]
    assert told == [(org.chef.pk, "plan_moved", url), (new_chef.pk, "plan_waiting", url)]


def test_decide_chef_step_as_old_chef_after_change_refused(org, waiting, new_chef):
    appoint_chef(org.library, new_chef)
    plan = Plan.objects.get(pk=waiting.pk)
    before = snapshot(plan)

    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.chef, expected_revision=plan.revision, comment="Bra.")

    assert snapshot(plan) == before


def test_chef_change_moves_waiting_closure_request(org, new_chef):
    channel = active_channel(org)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    other = closures.create_closure_request(channel.pk, actor=org.medarbetare, analysis=ANALYSIS)
    other = closures.transition(other.pk, Action.SUBMIT, actor=org.medarbetare)
    assert (other.status, other.deciding_chef) == (PlanStatus.HOS_CHEF, org.chef)
    before = last_notification_pk()

    appoint_chef(org.library, new_chef)

    stored = ClosureRequest.objects.get(pk=other.pk)
    assert stored.deciding_chef == new_chef
    assert rules.decidable_step(new_chef, stored) == Step.CHEF
    assert rules.decidable_step(org.chef, stored) is None
    assert [(recipient, kind) for recipient, kind, _url, _subject in notices_since(before)] == [
        (org.chef.pk, "plan_moved"),
        (new_chef.pk, "plan_waiting"),
    ]


def test_chef_change_leaves_plans_past_chef_step(org, waiting, new_chef):
    plan = transition(waiting.pk, Action.APPROVE, actor=org.chef, comment="Bra.")
    history_before = plan.history.count()

    appoint_chef(org.library, new_chef)

    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.status, stored.deciding_chef, stored.history.count()) == (
        PlanStatus.HOS_KOMMUNIKATION,
        org.chef,
        history_before,
    )


def test_move_after_simultaneous_decision_moves_nothing(org, waiting, new_chef):
    # Read by the move before the old chef's decision was committed: the decision wins whole.
    stale = Plan.objects.select_related("unit", "deciding_chef").get(pk=waiting.pk)
    transition(waiting.pk, Action.APPROVE, actor=org.chef, comment="Bra.")
    plan = Plan.objects.get(pk=waiting.pk)
    before = snapshot(plan)

    moved = move_to_chef(stale, new_chef)

    assert moved is False
    assert snapshot(plan) == before


def test_decide_chef_step_not_yet_moved_names_new_chef(org, waiting, new_chef):
    # The unit's chef changed without its documents being moved (a bulk write of fabricated
    # data sends no signal): the chef of today decides, and the plan names them.
    with fabricated_data():
        Unit.objects.filter(pk=org.library.pk).update(chef=new_chef)

    plan = transition(waiting.pk, Action.APPROVE, actor=new_chef, comment="Bra.")

    assert Plan.objects.get(pk=plan.pk).deciding_chef == new_chef


def test_chef_deactivated_moves_waiting_plan_to_the_chef_above(org, waiting):
    # No save of the unit: the person is deactivated (the admin's user form, a leaving flow).
    org.chef.is_active = False
    org.chef.save()

    plan = Plan.objects.get(pk=waiting.pk)
    assert (plan.status, plan.deciding_chef) == (PlanStatus.HOS_CHEF, org.direktor)
    assert plan.history.order_by("-history_id").first().history_change_reason
    assert rules.decidable_step(org.direktor, plan) == Step.CHEF
    assert list(plans_awaiting(org.direktor)) == [plan]


def test_chef_active_again_takes_the_waiting_plan_back(org, waiting):
    org.chef.is_active = False
    org.chef.save(update_fields=["is_active"])
    org.chef.is_active = True
    org.chef.save(update_fields=["is_active"])

    assert Plan.objects.get(pk=waiting.pk).deciding_chef == org.chef
