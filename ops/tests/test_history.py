"""Field-level history (kob_social.history): every history row carries the client address, no
write goes around the history (the guard every test runs under), and the admin's history pages
change nothing."""

import pytest
from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accounts.models import Unit
from kob_social.concurrency import claim_revision
from kob_social.history import (
    bulk_create_with_history,
    bulk_update_with_history,
    is_tracked,
    update_with_history,
)
from kob_social.history_admin import ReadOnlyHistoryAdmin
from kob_social.testing.source import application_modules_mentioning
from plans.models import DiarieCounter, Goal, Plan
from plans.tests.factories import GOAL, complete_plan, plan_content
from plans.tests.test_plan_form import form_data

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.9"


# --- The address on every history row -----------------------------------------------------------


def test_plan_draft_saved_from_an_address_history_rows_carry_it(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    data = form_data(
        plan_content(org.library, org.medarbetare, channel_name="Nytt namn"), [GOAL], revision=plan.revision
    )

    response = client.post(reverse("plans:edit", args=[plan.pk]), data, REMOTE_ADDR=ADDRESS)

    assert response.status_code == 302
    addresses = list(plan.history.order_by("history_id").values_list("history_type", "history_address"))
    assert addresses == [("+", None), ("~", ADDRESS)]  # created outside a request: no address
    goal_addresses = set(Goal.history.filter(plan_id=plan.pk).values_list("history_type", "history_address"))
    assert ("+", ADDRESS) in goal_addresses  # the edit wrote its goal row anew, from the address


# --- No write around the history ----------------------------------------------------------------


def test_guard_bare_update_of_tracked_model_raises_and_changes_nothing(org):
    plan = complete_plan(org.medarbetare)

    with pytest.raises(AssertionError, match=r"plans\.Plan: QuerySet\.update\(\)"):
        Plan.objects.filter(pk=plan.pk).update(purpose="Ändrat utan historik.")

    plan.refresh_from_db()
    assert (plan.purpose, plan.history.count()) == (plan_content(org.library, org.medarbetare)["purpose"], 1)


def test_guard_bare_bulk_create_and_bulk_update_of_tracked_model_raise(org):
    plan = complete_plan(org.medarbetare)
    goal = plan.goals.get()
    goal.description = "Ändrat i klump"

    with pytest.raises(AssertionError, match=r"plans\.Goal: QuerySet\.bulk_update\(\)"):
        Goal.objects.bulk_update([goal], ["description"])
    with pytest.raises(AssertionError, match=r"plans\.Goal: QuerySet\.bulk_create\(\)"):
        Goal.objects.bulk_create([Goal(plan=plan, **GOAL)])

    assert list(plan.goals.values_list("description", flat=True)) == [GOAL["description"]]


def test_guard_untracked_model_update_allowed(org):
    DiarieCounter.objects.create(year=2031, last=4)

    changed = DiarieCounter.objects.filter(year=2031).update(last=5)

    assert (is_tracked(DiarieCounter), changed, DiarieCounter.objects.get(year=2031).last) == (False, 1, 5)


def test_guard_claim_revision_allowed(org):
    plan = complete_plan(org.medarbetare)

    claim_revision(plan)

    assert Plan.objects.get(pk=plan.pk).revision == plan.revision == 1


def test_update_with_history_changes_rows_and_writes_their_history(org):
    plan = complete_plan(org.medarbetare)

    changed = update_with_history(
        Plan.objects.filter(pk=plan.pk), actor=org.chef, reason="Rättat", purpose="Nytt syfte."
    )

    latest = plan.history.latest("history_id")
    assert (changed, Plan.objects.get(pk=plan.pk).purpose) == (1, "Nytt syfte.")
    assert (latest.history_type, latest.purpose, latest.history_user, latest.history_change_reason) == (
        "~",
        "Nytt syfte.",
        org.chef,
        "Rättat",
    )


def test_update_with_history_row_no_longer_matching_left_alone(org):
    plan = complete_plan(org.medarbetare)

    changed = update_with_history(Plan.objects.filter(pk=plan.pk, revision=99), actor=org.chef, purpose="Nytt syfte.")

    plan.refresh_from_db()
    assert (changed, plan.purpose == "Nytt syfte.", plan.history.count()) == (0, False, 1)


def test_bulk_helpers_write_rows_and_history(org):
    plan = complete_plan(org.medarbetare)

    created = bulk_create_with_history([Goal(plan=plan, **{**GOAL, "description": "Ett mål till"})], Goal)
    created[0].description = "Ett mål till, rättat"
    bulk_update_with_history(created, Goal, ["description"])

    history = list(
        Goal.history.filter(id=created[0].pk).order_by("history_id").values_list("history_type", "description")
    )
    assert history == [("+", "Ett mål till"), ("~", "Ett mål till, rättat")]


# --- The admin: history to read, not to revert ----------------------------------------------------


def test_admin_no_history_page_can_revert_and_no_history_model_is_registered():
    registered = admin.site._registry

    reverting = [
        model._meta.label
        for model, model_admin in registered.items()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, ReadOnlyHistoryAdmin)
    ]
    read_only = sorted(
        model._meta.label for model, model_admin in registered.items() if isinstance(model_admin, ReadOnlyHistoryAdmin)
    )
    historical = [model._meta.label for model in registered if hasattr(model, "instance_type")]

    assert (reverting, historical) == ([], [])
    assert read_only == [
        "accounts.Absence",
        "accounts.Deputy",
        "accounts.GroupMapping",
        "accounts.RecordsFormat",
        "accounts.TrainingRecord",
        "accounts.Unit",
        "channel_register.Channel",
        "plans.ClosureRequest",
        "plans.Plan",
    ]


def test_admin_history_list_has_no_revert(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.admin)

    response = client.get(reverse("admin:plans_plan_history", args=[plan.pk]))

    assert response.status_code == 200
    assert response.context["revert_disabled"] is True


def test_admin_history_form_view_shows_no_revert_button(client, org):
    plan = complete_plan(org.medarbetare)
    version = plan.history.get()
    client.force_login(org.admin)

    response = client.get(reverse("admin:plans_plan_simple_history", args=[plan.pk, version.history_id]))

    assert response.status_code == 200
    assert (response.context["revert_disabled"], b'name="_save"' in response.content) == (True, False)


def test_admin_history_form_post_as_superuser_forbidden_and_nothing_changed(client, org):
    unit = org.library
    version = unit.history.earliest("history_id")
    before = Unit.objects.filter(pk=unit.pk).values().get()
    rows_before = unit.history.count()
    client.force_login(org.admin)
    revert = {"name": "Återställd enhet", "kind": unit.kind, "parent": unit.parent_id, "chef": "", "_save": "Revert"}

    response = client.post(reverse("admin:accounts_unit_simple_history", args=[unit.pk, version.pk]), revert)

    assert response.status_code == 403
    assert (Unit.objects.filter(pk=unit.pk).values().get(), unit.history.count()) == (before, rows_before)


def test_only_the_fabricated_datasets_write_tracked_models_without_history():
    """`fabricated_data` lets the region-sized demo and the benchmarks' registers skip history
    rows; no write path of the application may use it."""
    assert application_modules_mentioning("fabricated_data") == [
        "kob_social/history.py",
        "ops/benchmarks/weekly_check.py",
        "ops/region.py",
    ]
