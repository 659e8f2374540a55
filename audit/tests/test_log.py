"""The audit log's guarantees (README, "Security"), on SQLite and PostgreSQL alike (CI runs the
suite on both): every transition writes exactly one event in its own transaction and a rolled
back one none; the database refuses UPDATE and DELETE on the event table; a refused request
writes a refusal event with the client's address; failed sign-ins are recorded and survive a
later success; changes in the admin, deleted manual updates and downloads leave an event."""

import datetime
from unittest import mock

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import PASSWORD
from audit import registry
from audit.db import maintenance_permit
from audit.enums import Kind
from audit.models import Event
from channel_register.domain.updates import delete_update, log_update
from channel_register.enums import ChannelAction
from channel_register.tests.channel_factories import active_channel
from kob_social.errors import NotAllowed
from kob_social.testing.source import application_modules_mentioning
from plans.audited import transition_event
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import ClosureRequest, Decision, Plan
from plans.tests.factories import complete_plan, submitted_plan

pytestmark = pytest.mark.django_db


def test_every_transition_writes_exactly_one_event_linking_its_history(org):
    plan = complete_plan(org.medarbetare)
    steps = [
        (Action.SUBMIT, org.medarbetare, PlanStatus.HOS_CHEF),
        (Action.APPROVE, org.chef, PlanStatus.HOS_KOMMUNIKATION),
        (Action.RETURN, org.kommunikator, PlanStatus.ATERSAND),
        (Action.SUBMIT, org.medarbetare, PlanStatus.HOS_CHEF),
        (Action.APPROVE, org.chef, PlanStatus.HOS_KOMMUNIKATION),
        (Action.APPROVE, org.kommunikator, PlanStatus.HOS_DIREKTOR),
        (Action.APPROVE, org.direktor, PlanStatus.GODKAND),
    ]
    for action, actor, status in steps:
        before = Event.objects.count()
        plan = transition(plan.pk, action, actor=actor, comment="Motivering" if action == Action.RETURN else "")
        assert plan.status == status
        events = list(Event.objects.filter(id__gt=0).order_by("-id")[: Event.objects.count() - before])
        assert len(events) == 1, [event.action for event in events]
        event = events[0]
        assert (event.action, event.kind, event.actor, event.plan_id) == (
            transition_event(Plan, action),
            Kind.DECISION,
            actor,
            plan.pk,
        )
        assert (event.object_type, event.object_id) == ("plans.plan", str(plan.pk))
        # The plan's own history row of this transition is linked, and exists.
        assert ["plans.historicalplan", plan.history.latest("history_id").history_id] in event.history
    assert Event.objects.filter(action="plans.plan.atersand").get().reason == "Motivering"


def test_a_refused_transition_writes_no_event(org):
    plan = submitted_plan(org.medarbetare)
    before = Event.objects.count()
    with pytest.raises(NotAllowed):
        transition(plan.pk, Action.APPROVE, actor=org.medarbetare2)
    assert Event.objects.count() == before


def test_a_rolled_back_transition_leaves_neither_change_nor_event(org):
    plan = submitted_plan(org.medarbetare)
    before = Event.objects.count()
    with (
        # The decision row fails after the plan's new state is saved: both are rolled back.
        mock.patch.object(Decision, "save", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        transition(plan.pk, Action.APPROVE, actor=org.chef)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.HOS_CHEF
    assert Event.objects.count() == before


def test_superseding_writes_its_own_event_in_the_same_group(org):
    first = submitted_plan(org.medarbetare)
    for actor in (org.chef, org.kommunikator, org.direktor):
        first = transition(first.pk, Action.APPROVE, actor=actor)
    from plans.domain.drafts import revise

    second = revise(first.pk, actor=org.medarbetare)
    second = transition(second.pk, Action.SUBMIT, actor=org.medarbetare)
    for actor in (org.chef, org.kommunikator, org.direktor):
        second = transition(second.pk, Action.APPROVE, actor=actor)
    approved = Event.objects.get(action="plans.plan.godkann", plan_id=second.pk, actor=org.direktor)
    superseded = Event.objects.get(action="plans.plan.ersatt")
    assert (superseded.plan_id, superseded.group) == (first.pk, approved.group)
    assert superseded.actor == org.direktor


def test_closure_and_channel_transitions_are_events(org):
    from channel_register.domain.channels import channel_transition

    channel = active_channel(org)
    assert Event.objects.filter(action="channel_register.channel.aktivera", channel_id=channel.pk).count() == 1
    before = Event.objects.count()
    channel = channel_transition(channel.pk, ChannelAction.PAUSE, actor=org.chef)
    event = Event.objects.get(id__gt=0, action="channel_register.channel.pausa")
    assert Event.objects.count() == before + 1
    assert (event.channel_id, event.actor, event.kind) == (channel.pk, org.chef, Kind.DECISION)
    assert registry.action(transition_event(ClosureRequest, Action.APPROVE)).kind == Kind.DECISION


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET reason = 'x'", "DELETE FROM audit_event"])
def test_the_database_refuses_to_change_or_delete_events(org, statement):
    submitted_plan(org.medarbetare)
    assert Event.objects.exists()
    with (
        pytest.raises(DatabaseError, match="audit events cannot be changed or deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    with pytest.raises(DatabaseError), transaction.atomic():
        Event.objects.all().delete()
    assert Event.objects.filter(reason="x").count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_wholesale_wipe_is_refused_without_the_maintenance_permit(org):
    """Only the test-suite's flush wipes the table, under the permit (conftest.py); here the
    same permit is shown to be what makes the difference, outside any test transaction."""
    submitted_plan(org.medarbetare)
    wipe = "TRUNCATE audit_event" if connection.vendor == "postgresql" else "DELETE FROM audit_event"
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(wipe)
    assert Event.objects.exists()
    with maintenance_permit(), connection.cursor() as cursor:
        cursor.execute(wipe)
    assert not Event.objects.exists()
    submitted_plan(org.medarbetare)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(wipe)
    assert Event.objects.exists()


def test_no_application_module_uses_the_maintenance_permit():
    assert application_modules_mentioning("maintenance_permit") == ["audit/db.py"]


def test_a_refused_request_for_another_units_plan_is_an_event_with_the_address(client, org):
    plan = complete_plan(org.medarbetare2)
    client.force_login(org.medarbetare)
    response = client.get(reverse("plans:detail", args=[plan.pk]), REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 404
    event = Event.objects.get(action="access.refused")
    assert (event.actor, event.address, event.plan_id, event.kind) == (
        org.medarbetare,
        "198.51.100.7",
        plan.pk,
        Kind.REFUSAL,
    )
    assert (event.object_type, event.object_id) == ("plans:detail", str(plan.pk))
    assert event.reason.startswith("404 GET ")


def test_a_forbidden_page_is_a_refusal_event_and_an_unknown_address_is_not(client, org):
    client.force_login(org.medarbetare)
    assert client.get("/finns-inte/").status_code == 404
    assert not Event.objects.filter(action="access.refused").exists()


def test_failed_sign_ins_are_recorded_and_survive_a_later_success(client, org):
    login = reverse("login")
    for _attempt in range(2):
        response = client.post(login, {"username": "medarbetare", "password": "fel"}, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 200
    client.post(login, {"username": "medarbetare", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
    failed = Event.objects.filter(action="auth.sign_in_failed")
    assert failed.count() == 2
    assert {(event.actor, event.address, event.object_label) for event in failed} == {
        (None, "203.0.113.5", "medarbetare")
    }
    signed_in = Event.objects.get(action="auth.signed_in")
    assert (signed_in.actor, signed_in.person_id, signed_in.address) == (
        org.medarbetare,
        org.medarbetare.pk,
        "203.0.113.5",
    )


def test_a_lock_out_is_recorded(client, org, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(3):
        client.post(reverse("login"), {"username": "chef", "password": "fel"}, REMOTE_ADDR="203.0.113.6")
    assert Event.objects.filter(action="auth.locked_out", object_label="chef", address="203.0.113.6").exists()


def test_a_role_changed_in_the_admin_is_an_event_in_its_transaction(client, org):
    client.force_login(org.admin)
    person = org.medarbetare
    url = reverse("admin:accounts_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "username": person.username,
            "groups": [Group.objects.get(name=Role.CHEF.value).pk],
            "date_joined_0": person.date_joined.date().isoformat(),
            "date_joined_1": "08:00:00",
        }
    )
    response = client.post(url, data, REMOTE_ADDR="192.0.2.44")
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    event = Event.objects.get(action="admin.changed")
    assert (event.actor, event.person_id, event.address, event.kind) == (org.admin, person.pk, "192.0.2.44", Kind.ADMIN)
    assert "Grupper" in event.reason or "groups" in event.reason.lower()


def test_a_deleted_manual_update_keeps_an_event(org):
    channel = active_channel(org)
    update = log_update(channel, org.chef, published_on=datetime.date(2026, 11, 2), note="Veckans boktips")
    assert delete_update(update, org.chef)
    event = Event.objects.get(action="channel_register.update.deleted")
    assert (event.channel_id, event.actor, event.object_id) == (channel.pk, org.chef, str(update.pk))
    assert event.reason == "2026-11-02 Veckans boktips"
    assert not delete_update(update, org.chef)
    assert Event.objects.filter(action="channel_register.update.deleted").count() == 1


def test_every_action_label_is_stored_in_swedish():
    from django.utils.translation import override

    labels = {known.name: registry.swedish_label(known) for known in registry.actions()}
    assert labels["plans.plan.godkann"] == "Handlingsplan godkänd"
    assert labels["auth.sign_in_failed"] == "Misslyckad inloggning"
    with override("en"):
        english = {known.name: str(known.label) for known in registry.actions()}
    assert [name for name in labels if labels[name] == english[name]] == []
