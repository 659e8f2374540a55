"""Freezing an approved plan: the snapshot, its fingerprint, and rendering it exactly once."""

import hashlib

import pytest
from django.db.models import Q

from channel_register.tests.channel_factories import approved_plan
from plans.domain import archive
from plans.domain.drafts import revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import SignedPlan

from .factories import GOAL, complete_plan

pytestmark = pytest.mark.django_db


def field_values(snapshot) -> dict:
    return {field["key"]: field["value"] for field in snapshot["fields"]}


def test_final_approval_freezes_every_field_goal_and_decision(org):
    plan = approved_plan(org)

    signed = SignedPlan.objects.get(plan=plan)

    values = field_values(signed.snapshot)
    assert values["unit"] == "Länsbiblioteket"
    assert values["deciding_chef"] == f"Karin Sjöström, {org.chef.title}"
    assert values["purpose"] == "Nå unga vuxna som inte besöker biblioteket; väcka läslust och öka kännedomen."
    assert values["update_frequency"] == "2 per vecka"
    assert values["channel_name"] == "Länsbiblioteket Uppsala – läsfrämjande"
    assert list(values)[:6] == [
        "unit",
        "deciding_chef",
        "platform",
        "channel_name",
        "channel_url",
        "purpose",
    ]
    assert [goal["description"] for goal in signed.snapshot["goals"]] == ["Fler följare bland unga vuxna i länet"]
    assert [(d["name"], d["outcome"] != "") for d in signed.snapshot["decisions"]] == [
        (org.chef.get_full_name(), True),
        (org.kommunikator.get_full_name(), True),
        (org.direktor.get_full_name(), True),
    ]
    assert signed.snapshot["signature"]["name"] == org.chef.get_full_name()
    assert signed.snapshot["signature"]["place"] == "Uppsala"
    assert signed.snapshot["director_decision"]["name"] == org.direktor.get_full_name()
    assert signed.snapshot["plan"]["diarienummer"] == plan.diarienummer


def test_fingerprint_is_the_sha256_of_the_canonical_snapshot(org):
    signed = SignedPlan.objects.get(plan=approved_plan(org))

    assert signed.snapshot_sha256 == hashlib.sha256(archive.canonical(signed.snapshot)).hexdigest()
    assert archive.canonical({"b": 1, "a": "å"}) == '{"a":"å","b":1}'.encode()


def test_snapshot_does_not_follow_later_changes_to_the_people_or_the_live_plan(org):
    plan = approved_plan(org)
    frozen = SignedPlan.objects.get(plan=plan).snapshot
    org.chef.full_name = "Karin Nytt-Namn"
    org.chef.save()

    again = SignedPlan.objects.get(plan=plan)

    assert again.snapshot == frozen
    assert again.snapshot["signature"]["name"] == "Karin Sjöström"


def test_only_the_final_approval_freezes(org):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    transition(plan.pk, Action.APPROVE, actor=org.chef)
    transition(plan.pk, Action.APPROVE, actor=org.kommunikator)

    assert SignedPlan.objects.count() == 0


def test_a_new_version_gets_its_own_signed_record(org):
    first = approved_plan(org)

    second = revise(first.pk, actor=org.medarbetare)
    save_draft(
        second.pk,
        actor=org.medarbetare,
        expected_revision=second.revision,
        content={"purpose": "Ny inriktning: poddar och lässtafetter."},
        goals=[GOAL],
    )
    second = transition(second.pk, Action.SUBMIT, actor=org.medarbetare)
    for actor in ("chef", "kommunikator", "direktor"):
        second = transition(second.pk, Action.APPROVE, actor=getattr(org, actor))

    records = SignedPlan.objects.order_by("pk")
    assert [record.snapshot["plan"]["version"] for record in records] == [1, 2]
    assert field_values(records[1].snapshot)["purpose"] == "Ny inriktning: poddar och lässtafetter."
    assert records[0].snapshot_sha256 != records[1].snapshot_sha256


def test_render_claim_is_taken_once_until_it_is_stale(org):
    signed = SignedPlan.objects.get(plan=approved_plan(org))

    first, second = archive.claim_render(signed.pk), archive.claim_render(signed.pk)

    assert (first, second) == (True, False)
    assert archive.unrendered() == []
    archive.release(signed.pk, "Fel")
    assert archive.unrendered() == [signed.pk]
    assert SignedPlan.objects.filter(Q(render_error="Fel")).count() == 1


def test_find_by_fingerprint_matches_content_fingerprint_in_any_case(org):
    signed = SignedPlan.objects.get(plan=approved_plan(org))

    assert archive.find_by_fingerprint(f"  {signed.snapshot_sha256.upper()} ") == signed
    assert archive.find_by_fingerprint("0" * 64) is None
    assert archive.find_by_fingerprint("abc") is None


def test_render_stores_the_pdf_once_and_a_second_run_changes_nothing(org):
    signed = SignedPlan.objects.get(plan=approved_plan(org))

    first = archive.render(signed.pk)
    stored = SignedPlan.objects.get(pk=signed.pk)
    second = archive.render(signed.pk)

    again = SignedPlan.objects.get(pk=signed.pk)
    assert (first, second) == (True, False)
    assert bytes(stored.pdf).startswith(b"%PDF-")
    assert stored.pdf_sha256 == hashlib.sha256(bytes(stored.pdf)).hexdigest()
    assert (bytes(again.pdf), again.pdf_sha256, again.rendered_at) == (
        bytes(stored.pdf),
        stored.pdf_sha256,
        stored.rendered_at,
    )
    assert stored.digitally_signed is False
    assert archive.unrendered() == []


def test_admin_lists_a_signed_plan_that_failed_to_render_with_its_error(client, org):
    signed = SignedPlan.objects.get(plan=approved_plan(org))
    archive.claim_render(signed.pk)
    archive.release(signed.pk, "ImproperlyConfigured: PDF_SIGNING_CERTIFICATE saknas")
    client.force_login(org.admin)

    listing = client.get("/admin/plans/signedplan/?rendered_at__isnull=True")
    change = client.post(f"/admin/plans/signedplan/{signed.pk}/change/", {})

    assert listing.status_code == 200
    assert "PDF_SIGNING_CERTIFICATE saknas" in listing.content.decode()
    assert change.status_code == 403
