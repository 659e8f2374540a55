"""Writing a plan: create_draft, save_draft and revise, and the notices a transition leaves."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.enums import Role
from accounts.models import User
from accounts.tests.factories import make_user
from channel_register.enums import FrequencyPeriod, Platform
from kob_social.errors import Conflict, NotAllowed
from notifications.models import Notification
from plans.domain import notices
from plans.domain.drafts import create_draft, revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action, Metric, PlanStatus
from plans.models import Decision, Goal, Plan

from .factories import GOAL, complete_plan, plan_content

pytestmark = pytest.mark.django_db

# Everything of a plan that is not written by a person. Every other concrete field is content,
# and a revision must copy it: a field added to the model later is covered automatically.
WORKFLOW_FIELDS = {
    "id",
    "deciding_chef",
    "status",
    "revision",
    "series",
    "version_number",
    "previous_version",
    "diarienummer",
    "author",
    "created_at",
    "updated_at",
    "submitted_at",
    "status_changed_at",
    "decided_at",
}
CONTENT = [field.attname for field in Plan._meta.concrete_fields if field.name not in WORKFLOW_FIELDS]
GOAL_VALUES = ["description", "metric", "baseline", "target", "deadline"]
SECOND_GOAL = {
    "description": "Kortare svarstid på frågor i kanalen",
    "metric": Metric.RESPONSE_TIME,
    "baseline": Decimal("48"),
    "target": Decimal("8"),
    "deadline": date(2027, 6, 30),
}
APPROVAL = [
    (Action.SUBMIT, "medarbetare"),
    (Action.APPROVE, "chef"),
    (Action.APPROVE, "kommunikator"),
    (Action.APPROVE, "direktor"),
]


def walk(org, plan: Plan, steps) -> Plan:
    for action, actor in steps:
        plan = transition(plan.pk, action, actor=getattr(org, actor), comment="Kommentar.")
    plan.refresh_from_db()
    return plan


def approved(org, **kwargs) -> Plan:
    return walk(org, complete_plan(org.medarbetare, **kwargs), APPROVAL)


def reread(user: User) -> User:
    # A fresh instance: django-guardian caches permissions on the user object.
    return User.objects.get(pk=user.pk)


def row(plan: Plan) -> dict:
    return Plan.objects.filter(pk=plan.pk).values().get()


def goals_of(plan: Plan) -> list[tuple]:
    return list(plan.goals.order_by("position").values_list("position", *GOAL_VALUES))


# --- create_draft -------------------------------------------------------------------------------


def test_create_draft_own_unit_grants_change_plan_to_author(org):
    plan = create_draft(author=org.medarbetare, content=plan_content(org.library, org.medarbetare), goals=[GOAL])

    assert (plan.status, plan.version_number, plan.revision, plan.diarienummer) == (PlanStatus.UTKAST, 1, 0, "")
    assert plan.author == org.medarbetare
    assert reread(org.medarbetare).has_perm("plans.change_plan", plan) is True
    assert reread(org.chef).has_perm("plans.change_plan", plan) is False
    assert reread(org.medarbetare2).has_perm("plans.change_plan", plan) is False


def test_create_draft_other_unit_not_allowed(org):
    with pytest.raises(NotAllowed):
        create_draft(author=org.medarbetare, content=plan_content(org.music, org.medarbetare), goals=[GOAL])

    assert Plan.objects.count() == 0
    assert Goal.objects.count() == 0


# --- save_draft ---------------------------------------------------------------------------------


def test_save_draft_current_revision_saves_content(org):
    plan = complete_plan(org.medarbetare)
    history_before = plan.history.count()

    saved = save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content=plan_content(org.library, org.medarbetare, purpose="Ett nytt syfte.", platform=Platform.INSTAGRAM),
        goals=[{**GOAL, "id": plan.goals.get().pk}],
    )

    stored = Plan.objects.get(pk=plan.pk)
    assert (stored.purpose, stored.platform, stored.revision) == ("Ett nytt syfte.", "instagram", 1)
    assert saved.revision == 1
    assert plan.history.count() - history_before == 1


def test_save_draft_stale_revision_conflict_nothing_changed(org):
    plan = complete_plan(org.medarbetare)
    stale_revision = plan.revision
    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=stale_revision,
        content=plan_content(org.library, org.medarbetare, channel_name="Först sparad"),
        goals=[{**GOAL, "id": plan.goals.get().pk}],
    )
    before = (row(plan), goals_of(plan), plan.history.count())

    with pytest.raises(Conflict):
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=stale_revision,
            content=plan_content(org.library, org.medarbetare, channel_name="Gammalt formulär"),
            goals=[SECOND_GOAL],
        )

    assert (row(plan), goals_of(plan), plan.history.count()) == before
    assert Plan.objects.get(pk=plan.pk).channel_name == "Först sparad"


def test_save_draft_goals_added_updated_removed(org):
    plan = complete_plan(org.medarbetare, goals=[GOAL, SECOND_GOAL])
    kept, removed = plan.goals.order_by("position")

    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content=plan_content(org.library, org.medarbetare),
        goals=[
            {**SECOND_GOAL, "description": "Ny mätbar målsättning"},
            {**GOAL, "id": kept.pk, "target": Decimal("2500")},
        ],
    )

    goals = list(plan.goals.order_by("position"))
    assert [goal.pk for goal in goals][1] == kept.pk
    assert removed.pk not in [goal.pk for goal in goals]
    assert goals_of(plan) == [
        (0, "Ny mätbar målsättning", "svarstid", Decimal("48.00"), Decimal("8.00"), date(2027, 6, 30)),
        (
            1,
            "Fler följare bland unga vuxna i länet",
            "foljare",
            Decimal("1200.00"),
            Decimal("2500.00"),
            date(2027, 12, 31),
        ),
    ]


def test_save_draft_goal_of_another_plan_not_taken_over(org):
    other = complete_plan(org.medarbetare)
    other_goal = other.goals.get()
    plan = complete_plan(org.medarbetare, goals=[])

    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content=plan_content(org.library, org.medarbetare),
        goals=[{**SECOND_GOAL, "id": other_goal.pk}],
    )

    assert list(other.goals.values_list("pk", "description")) == [(other_goal.pk, GOAL["description"])]
    assert list(plan.goals.values_list("description", flat=True)) == [SECOND_GOAL["description"]]


@pytest.mark.parametrize("editor", ["chef", "medarbetare2", "admin"])
def test_save_draft_by_someone_else_not_allowed(org, editor):
    plan = complete_plan(org.medarbetare)
    before = row(plan)

    with pytest.raises(NotAllowed):
        save_draft(
            plan.pk,
            actor=getattr(org, editor),
            expected_revision=plan.revision,
            content=plan_content(org.library, org.medarbetare, purpose="Ändrat av någon annan."),
            goals=[GOAL],
        )

    assert row(plan) == before


def test_save_draft_submitted_plan_not_allowed(org):
    plan = walk(org, complete_plan(org.medarbetare), APPROVAL[:1])
    before = row(plan)

    with pytest.raises(NotAllowed):
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content=plan_content(org.library, org.medarbetare, purpose="Ändrat efter inskick."),
            goals=[GOAL],
        )

    assert row(plan) == before


def test_save_draft_move_to_other_unit_not_allowed(org):
    plan = complete_plan(org.medarbetare)
    before = row(plan)

    with pytest.raises(NotAllowed):
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content=plan_content(org.music, org.medarbetare),
            goals=[GOAL],
        )

    assert row(plan) == before


# --- revise -------------------------------------------------------------------------------------


def test_revise_approved_plan_copies_content_goals_and_people(org):
    colleague = make_user(Role.MEDARBETARE, unit=org.library, full_name="Ida Holmberg")
    v1 = approved(
        org,
        goals=[GOAL, SECOND_GOAL],
        other_people=[colleague],
        platform=Platform.YOUTUBE,
        update_period=FrequencyPeriod.MONTH,
        terms_reviewed_by=colleague,
        screenshot_responsible=colleague,
    )
    v1_before = row(v1)

    v2 = revise(v1.pk, actor=org.medarbetare)

    v2.refresh_from_db()
    assert {field: getattr(v2, field) for field in CONTENT} == {field: getattr(v1, field) for field in CONTENT}
    assert list(v2.other_people.all()) == [colleague]
    assert goals_of(v2) == goals_of(v1)
    assert set(v2.goals.values_list("pk", flat=True)).isdisjoint(v1.goals.values_list("pk", flat=True))
    assert (v2.version_number, v2.series, v2.diarienummer) == (2, v1.series, v1.diarienummer)
    assert (v2.status, v2.previous_version, v2.author, v2.revision) == (PlanStatus.UTKAST, v1, org.medarbetare, 0)
    assert (v2.deciding_chef, v2.submitted_at, v2.decided_at) == (None, None, None)
    assert reread(org.medarbetare).has_perm("plans.change_plan", v2) is True
    assert row(v1) == v1_before


def test_revise_by_chef_of_unit_makes_chef_author(org):
    v1 = approved(org)

    v2 = revise(v1.pk, actor=org.chef)

    assert (v2.author, v2.version_number) == (org.chef, 2)
    assert reread(org.chef).has_perm("plans.change_plan", v2) is True


@pytest.mark.parametrize("reviser", ["chef2", "medarbetare2"])
def test_revise_by_other_unit_not_allowed(org, reviser):
    v1 = approved(org)

    with pytest.raises(NotAllowed):
        revise(v1.pk, actor=getattr(org, reviser))

    assert list(
        Plan.objects.filter(series=v1.series).order_by("version_number").values_list("version_number", flat=True)
    ) == [1]


STATES_BEFORE_APPROVAL = {
    "utkast": [],
    "hos_chef": APPROVAL[:1],
    "hos_kommunikation": APPROVAL[:2],
    "hos_direktor": APPROVAL[:3],
    "atersand": [*APPROVAL[:1], (Action.RETURN, "chef")],
    "avslagen": [*APPROVAL[:1], (Action.REJECT, "chef")],
    "aterkallad": [(Action.WITHDRAW, "medarbetare")],
}


@pytest.mark.parametrize("state", list(STATES_BEFORE_APPROVAL))
def test_revise_not_approved_not_allowed(org, state):
    plan = walk(org, complete_plan(org.medarbetare), STATES_BEFORE_APPROVAL[state])
    assert plan.status == state

    with pytest.raises(NotAllowed):
        revise(plan.pk, actor=org.medarbetare)

    assert Plan.objects.filter(series=plan.series).count() == 1


def test_revise_superseded_version_not_allowed(org):
    v1 = approved(org)
    walk(org, revise(v1.pk, actor=org.medarbetare), APPROVAL)
    v1.refresh_from_db()
    assert v1.status == PlanStatus.ERSATT

    with pytest.raises(NotAllowed):
        revise(v1.pk, actor=org.medarbetare)

    assert Plan.objects.filter(series=v1.series).count() == 2


@pytest.mark.parametrize("steps", [[], APPROVAL[:1], APPROVAL[:3]], ids=["utkast", "hos_chef", "hos_direktor"])
def test_revise_with_open_version_conflict(org, steps):
    v1 = approved(org)
    walk(org, revise(v1.pk, actor=org.medarbetare), steps)

    with pytest.raises(Conflict):
        revise(v1.pk, actor=org.chef)

    assert list(
        Plan.objects.filter(series=v1.series).order_by("version_number").values_list("version_number", flat=True)
    ) == [1, 2]


CLOSED_V2 = {
    "avslagen": [*APPROVAL[:1], (Action.REJECT, "chef")],
    "aterkallad": [*APPROVAL[:1], (Action.WITHDRAW, "medarbetare")],
}


@pytest.mark.parametrize("v2_state", list(CLOSED_V2))
def test_revise_after_closed_version_follows_it(org, v2_state):
    v1 = approved(org, channel_name="Version ett")
    v2 = revise(v1.pk, actor=org.medarbetare)
    save_draft(
        v2.pk,
        actor=org.medarbetare,
        expected_revision=v2.revision,
        content=plan_content(org.library, org.medarbetare, channel_name="Version två"),
        goals=[GOAL],
    )
    walk(org, v2, CLOSED_V2[v2_state])

    v3 = revise(v1.pk, actor=org.medarbetare)

    assert (v3.version_number, v3.previous_version, v3.status) == (3, v2, PlanStatus.UTKAST)
    assert (v3.channel_name, v3.diarienummer) == ("Version ett", v1.diarienummer)
    assert Plan.objects.get(pk=v1.pk).status == PlanStatus.GODKAND


@pytest.mark.parametrize("v2_state", list(CLOSED_V2))
def test_approve_v3_after_closed_v2_supersedes_v1(org, v2_state):
    v1 = approved(org)
    v2 = walk(org, revise(v1.pk, actor=org.medarbetare), CLOSED_V2[v2_state])
    v2_before = (row(v2), v2.history.count())
    v1_history_before = v1.history.count()

    walk(org, revise(v1.pk, actor=org.medarbetare), APPROVAL)

    assert sorted(Plan.objects.filter(series=v1.series).values_list("version_number", "status")) == [
        (1, "ersatt"),
        (2, v2_state),
        (3, "godkand"),
    ]
    assert v1.history.count() - v1_history_before == 1
    assert (row(v2), v2.history.count()) == v2_before


def test_approve_v2_supersedes_v1_with_one_history_row(org):
    v1 = approved(org)
    v2 = walk(org, revise(v1.pk, actor=org.medarbetare), APPROVAL[:3])
    v1_history_before = v1.history.count()

    transition(v2.pk, Action.APPROVE, actor=org.direktor, expected_revision=v2.revision)

    v1_after, v2_after = Plan.objects.get(pk=v1.pk), Plan.objects.get(pk=v2.pk)
    assert (v1_after.status, v2_after.status) == (PlanStatus.ERSATT, PlanStatus.GODKAND)
    assert v1.history.count() - v1_history_before == 1
    latest = v1.history.order_by("-history_id").first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        "ersatt",
        org.direktor,
        "Ersatt av en ny version",
    )
    assert v1_after.decided_at == v1.decided_at
    assert Decision.objects.filter(plan=v1).count() == 3


def test_reject_v2_keeps_v1_approved(org):
    v1 = approved(org)
    v2 = walk(org, revise(v1.pk, actor=org.medarbetare), APPROVAL[:3])
    before = (row(v1), v1.history.count())

    transition(v2.pk, Action.REJECT, actor=org.direktor, comment="Den gamla planen räcker.")

    assert (row(v1), v1.history.count()) == before


# --- Notices --------------------------------------------------------------------------------------


def test_submit_notifies_deciding_chef_and_author_once(org):
    plan = complete_plan(org.medarbetare)

    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert sorted(
        Notification.objects.filter(url=plan.get_absolute_url()).values_list("recipient", "kind", "email_status")
    ) == sorted([(org.chef.pk, "plan_waiting", "pending"), (org.medarbetare.pk, "plan_skicka_in", "pending")])


def test_submit_queues_email_only_on_commit(org, django_capture_on_commit_callbacks, mailoutbox, eager_celery):
    plan = complete_plan(org.medarbetare)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)

    assert len(callbacks) == 2
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert sorted(message.to for message in mailoutbox) == sorted([[org.chef.email], [org.medarbetare.email]])
    assert sorted(Notification.objects.values_list("recipient", "email_status")) == sorted(
        [(org.chef.pk, "sent"), (org.medarbetare.pk, "sent")]
    )


def test_transition_repeated_creates_no_duplicate_notifications(org, django_capture_on_commit_callbacks):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    keys_before = sorted(Notification.objects.values_list("key", flat=True))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with pytest.raises(NotAllowed):
            transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
        # The notification step itself, run again for the same transition (a retried request):
        notices.plan_transitioned(plan, Action.SUBMIT, org.medarbetare, PlanStatus.UTKAST, None)

    assert callbacks == []
    assert sorted(Notification.objects.values_list("key", flat=True)) == keys_before
    assert len(keys_before) == 2


def test_approve_notifies_next_deciders_and_author(org):
    kommunikator2 = make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, full_name="Nils Berg")
    plan = walk(org, complete_plan(org.medarbetare), APPROVAL[:1])
    before = set(Notification.objects.values_list("pk", flat=True))

    transition(plan.pk, Action.APPROVE, actor=org.chef)

    assert sorted(Notification.objects.exclude(pk__in=before).values_list("recipient", "kind")) == sorted(
        [
            (org.kommunikator.pk, "plan_waiting"),
            (kommunikator2.pk, "plan_waiting"),
            (org.medarbetare.pk, "plan_godkann"),
        ]
    )
