"""The Swedish rules a plan must satisfy (issue 19), each a gate: refused without it and accepted
with it, through the domain function and through the page.

- the reference to the records management plan (arkivlagen): required, in the configured format;
- the personal data section (the page owner is joint controller with the platform, C-210/16);
- what the accessibility routine covers (DOS-lagen), practice by practice;
- registration numbers of the Region's case system (a plan's, a closure's) in the configured format;
- the signature statement on the plan's page, with the place of the plan's unit.

Every rule is also required before approval: a plan submitted before it, or changed past the
form, is refused at every step of the chain until it is returned and completed.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import ANALYSIS, active_channel, trained
from kob_social.errors import Incomplete
from kob_social.history import update_with_history
from plans.domain import closures
from plans.domain.archive import build_snapshot
from plans.domain.drafts import save_draft
from plans.domain.transitions import transition
from plans.enums import LATER_RULES, Action, PlanStatus
from plans.models import ClosureRequest, Goal, Plan
from plans.pdf import render_plan_pdf

from .archive_factories import approve
from .factories import GOAL, complete_plan, plan_content, submitted_plan
from .test_pdf import pdftotext, squash
from .test_plan_form import form_data
from .view_helpers import page

pytestmark = pytest.mark.django_db

PERSONAL_DATA = ["statistics_use", "privacy_notice_url", "processing_register_entry", "data_requests_by"]
ACCESSIBILITY = ["alt_texts", "captions", "readable_hashtags"]
LATER = ["records_reference", *PERSONAL_DATA, *ACCESSIBILITY]
# The chain's steps after submission, by the org fixture's deciders.
CHAIN = ["chef", "kommunikator", "direktor"]


def fill_in() -> str:
    return gettext("Fill in this field before submitting the plan.")


def not_approvable(*fields: str) -> str:
    labels = ", ".join(sorted(str(Plan._meta.get_field(field).verbose_name) for field in fields))
    return gettext(
        "It cannot be approved: it lacks what the rules require, or holds values that are not allowed "
        "(%(fields)s). Return it for changes instead."
    ) % {"fields": labels}


def case_number_message(example: str) -> str:
    return gettext("Write the registration number as the Region's case system writes it, for example %(example)s.") % {
        "example": example
    }


# --- Required to submit, through the page ------------------------------------------------------------


@pytest.mark.parametrize("field", LATER)
def test_plan_form_submit_without_a_later_rule_marks_the_field_and_stays_a_draft(client, org, field):
    trained(org.medarbetare)
    client.force_login(org.medarbetare)
    content = plan_content(org.library, org.medarbetare, **{field: ""})

    response = client.post(reverse("plans:create"), form_data(content, [GOAL], button="skicka_in"))

    assert response.status_code == 200
    assert response.context["errors"] == {field: [fill_in()]}
    assert page(response).find(id=f"id_{field}_error").text().strip() == fill_in()
    assert Plan.objects.get().status == PlanStatus.UTKAST


def test_plan_form_submit_with_every_later_rule_is_with_the_chef(client, org):
    trained(org.medarbetare)
    client.force_login(org.medarbetare)
    content = plan_content(org.library, org.medarbetare)

    response = client.post(reverse("plans:create"), form_data(content, [GOAL], button="skicka_in"))

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert plan.status == PlanStatus.HOS_CHEF
    assert [getattr(plan, field) for field in LATER] == [content[field] for field in LATER]


# --- Required to approve, at every step of the chain -----------------------------------------------


@pytest.mark.parametrize("steps_before", [0, 1, 2], ids=CHAIN)
@pytest.mark.parametrize("field", ["records_reference", "privacy_notice_url", "captions"])
def test_approve_plan_without_a_later_rule_refused_at_each_step(org, field, steps_before):
    plan = submitted_plan(org.medarbetare)
    for decider in CHAIN[:steps_before]:
        transition(plan.pk, Action.APPROVE, actor=getattr(org, decider))
    # Submitted before the rule existed: the value was never asked for.
    update_with_history(Plan.objects.filter(pk=plan.pk), **{field: ""})
    status = Plan.objects.get(pk=plan.pk).status

    with pytest.raises(Incomplete) as refused:
        transition(plan.pk, Action.APPROVE, actor=getattr(org, CHAIN[steps_before]))

    assert refused.value.errors == {"__all__": [not_approvable(field)]}
    assert (Plan.objects.get(pk=plan.pk).status, plan.decisions.count()) == (status, steps_before)


def test_approve_plan_without_personal_data_refused_through_the_page_then_approved_once_completed(client, org):
    plan = submitted_plan(org.medarbetare)
    update_with_history(Plan.objects.filter(pk=plan.pk), **dict.fromkeys(PERSONAL_DATA, ""))
    plan.refresh_from_db()
    client.force_login(org.chef)

    refused = client.post(
        reverse("plans:action", args=[plan.pk]), {"action": "godkann", "revision": plan.revision, "comment": ""}
    )

    assert refused.status_code == 400
    assert not_approvable(*PERSONAL_DATA) in page(refused).find(class_="error-summary").text()
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.HOS_CHEF
    # Returned, completed by the author, submitted again: now the chain approves it.
    transition(plan.pk, Action.RETURN, actor=org.chef, comment="Fyll i avsnittet om personuppgifter.")
    plan.refresh_from_db()
    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content=plan_content(org.library, org.medarbetare),
        goals=[GOAL],
    )
    approved = approve(Plan.objects.get(pk=plan.pk), org)
    assert (approved.status, approved.privacy_notice_url) == (
        PlanStatus.GODKAND,
        "https://www.regionuppsala.se/personuppgifter",
    )


# --- Formats the administrator sets -----------------------------------------------------------------


def test_save_draft_registration_number_in_another_format_refused_nothing_saved(org, settings):
    settings.CASE_NUMBER_PATTERN, settings.CASE_NUMBER_EXAMPLE = r"RS\d{4}-\d{5}", "RS2026-00001"
    plan = complete_plan(org.medarbetare)

    with pytest.raises(Incomplete) as refused:
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content=plan_content(org.library, org.medarbetare, registration_number="KUN2026-00123"),
            goals=[GOAL],
        )

    assert refused.value.errors == {"registration_number": [case_number_message("RS2026-00001")]}
    assert Plan.objects.get(pk=plan.pk).registration_number == ""


def test_save_draft_registration_number_in_the_configured_format_stored(org, settings):
    settings.CASE_NUMBER_PATTERN, settings.CASE_NUMBER_EXAMPLE = r"RS\d{4}-\d{5}", "RS2026-00001"
    plan = complete_plan(org.medarbetare)

    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content=plan_content(org.library, org.medarbetare, registration_number="RS2026-00417"),
        goals=[GOAL],
    )

    assert Plan.objects.get(pk=plan.pk).registration_number == "RS2026-00417"


def test_plan_form_records_reference_in_another_format_refused_at_the_field(client, org, settings):
    settings.RECORDS_REFERENCE_PATTERN, settings.RECORDS_REFERENCE_EXAMPLE = r"DHP \d+(\.\d+)*", "DHP 4.2.1"
    client.force_login(org.medarbetare)
    content = plan_content(org.library, org.medarbetare, records_reference="Någonstans i arkivet")

    response = client.post(reverse("plans:create"), form_data(content, [GOAL]))

    message = gettext("Write the reference as the records management plan writes it, for example %(example)s.") % {
        "example": "DHP 4.2.1"
    }
    assert response.status_code == 200
    assert page(response).find(id="id_records_reference_error").text().strip() == message
    assert Plan.objects.count() == 0


@pytest.fixture
def channel(org):
    """An active Länsbiblioteket channel owned by `medarbetare`."""
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def test_create_closure_request_case_number_in_another_format_refused_nothing_created(org, channel):
    with pytest.raises(Incomplete) as refused:
        closures.create_closure_request(
            channel.pk, actor=org.medarbetare, analysis={**ANALYSIS, "case_number": "ärende 17"}
        )

    assert refused.value.errors == {"case_number": [case_number_message("KUN2026-00123")]}
    assert ClosureRequest.objects.count() == 0


def test_closure_form_case_number_refused_then_accepted(client, org, channel):
    client.force_login(org.medarbetare)
    url = reverse("closures:create", args=[channel.pk])

    refused = client.post(url, {**ANALYSIS, "case_number": "ärende 17", "spara": ""})
    accepted = client.post(url, {**ANALYSIS, "case_number": "KUN2026-00417", "spara": ""})

    assert refused.status_code == 200
    assert page(refused).find(id="id_case_number_error").text().strip() == case_number_message("KUN2026-00123")
    assert accepted.status_code == 302
    assert ClosureRequest.objects.get().case_number == "KUN2026-00417"


# --- The signature statement, on the page as in the PDF ------------------------------------------


def signature_on(response) -> list[str]:
    document = page(response)
    return [
        document.find(id=key).text().strip()
        for key in ("plan-signature-statement", "plan-signature-place", "plan-signature-date", "plan-signature-name")
    ]


def test_plan_page_before_the_chef_step_shows_the_statement_unsigned(client, org, settings):
    settings.PDF_SIGNATURE_PLACE = "Uppsala"
    plan = submitted_plan(org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    assert signature_on(response) == [
        gettext("I have read, and approve, this action plan"),
        "Uppsala",
        "–",
        gettext("Not signed yet: the manager signs by approving the manager step."),
    ]


def test_plan_page_after_the_chef_step_shows_name_place_and_date_as_the_pdf(client, org, settings):
    settings.PDF_SIGNATURE_PLACE = "Uppsala"
    org.library.signature_place = "Östhammar"
    org.library.save()
    plan = approve(complete_plan(org.medarbetare), org)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    signed = plan.signed.snapshot["signature"]
    chef_day = timezone.localdate(plan.decisions.get(step="chef").decided_at).isoformat()
    name = f"{org.chef.get_full_name()}, {org.chef.title}" if org.chef.title else org.chef.get_full_name()
    assert signature_on(response) == [signed["statement"], "Östhammar", chef_day, name]
    assert (signed["place"], signed["date"], signed["name"]) == ("Östhammar", chef_day, org.chef.get_full_name())


def test_plan_page_of_a_decided_plan_keeps_the_signature_its_pdf_prints_when_the_unit_moves(client, org, settings):
    settings.PDF_SIGNATURE_PLACE = "Uppsala"
    org.library.signature_place = "Östhammar"
    org.library.save()
    plan = approve(complete_plan(org.medarbetare), org)
    org.library.signature_place = "Enköping"
    org.library.save()
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    signed = plan.signed.snapshot["signature"]
    assert signature_on(response)[1:3] == [signed["place"], signed["date"]]
    assert signed["place"] == "Östhammar"


def test_signature_place_without_the_units_own_is_the_installations(org, settings):
    settings.PDF_SIGNATURE_PLACE = "Uppsala slott"
    plan = complete_plan(org.medarbetare)

    assert build_snapshot(plan)["signature"]["place"] == "Uppsala slott"


# --- Plans approved before the rules -------------------------------------------------------------


def test_migration_marks_what_an_approved_plan_misses_and_leaves_others_alone(org):
    approved = approve(complete_plan(org.medarbetare), org)
    update_with_history(Plan.objects.filter(pk=approved.pk), records_reference="", captions="")
    update_with_history(Goal.objects.filter(plan=approved), baseline=None)
    pending = submitted_plan(org.medarbetare, channel_name="Läsfrämjande i Tierp")
    update_with_history(Plan.objects.filter(pk=pending.pk), records_reference="")
    migration = importlib.import_module("plans.migrations.0014_swedish_rules")

    migration.mark_what_approved_plans_miss(django_apps, None)

    assert Plan.objects.get(pk=approved.pk).missing_later_rules == [
        "records_reference",
        "accessibility",
        "measurable_goals",
    ]
    assert Plan.objects.get(pk=pending.pk).missing_later_rules == []


def test_plan_page_of_a_plan_approved_before_the_rules_says_what_its_next_version_must_add(client, org):
    plan = approve(complete_plan(org.medarbetare), org)
    Plan.objects.filter(pk=plan.pk).update(missing_later_rules=["records_reference", "personal_data"])
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    section = page(response).find(id="later-rules-heading").parent
    assert [item.text() for item in section.find_all("li")] == [
        str(LATER_RULES["records_reference"]),
        str(LATER_RULES["personal_data"]),
    ]
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.GODKAND


def test_approved_plan_pdf_snapshot_holds_records_reference_personal_data_and_signature(org, settings):
    settings.PDF_SIGNATURE_PLACE = "Uppsala"
    plan = approve(complete_plan(org.medarbetare, registration_number="KUN2026-00417"), org)

    snapshot = plan.signed.snapshot
    values = {field["key"]: field["value"] for field in snapshot["fields"]}

    assert [values[key] for key in ("records_reference", "registration_number", "privacy_notice_url")] == [
        "Dokumenthanteringsplan Kultur och bildning 4.2.1",
        "KUN2026-00417",
        "https://www.regionuppsala.se/personuppgifter",
    ]
    assert all(values[key] for key in [*PERSONAL_DATA, *ACCESSIBILITY])
    assert (snapshot["signature"]["name"], snapshot["signature"]["place"]) == (org.chef.get_full_name(), "Uppsala")


def test_signed_pdf_of_a_plan_made_now_prints_records_reference_personal_data_and_signature(org, settings):
    settings.PDF_SIGNATURE_PLACE = "Uppsala"
    org.library.signature_place = "Tierp"
    org.library.save()
    plan = approve(complete_plan(org.medarbetare), org)
    signed = plan.signed

    text = squash(pdftotext(render_plan_pdf(signed.snapshot, fingerprint=signed.snapshot_sha256), "-raw"))

    printed = [
        "Dokumenthanteringsplan Kultur och bildning 4.2.1",
        str(Plan._meta.get_field("privacy_notice_url").verbose_name),
        "https://www.regionuppsala.se/personuppgifter",
        "Regionens dataskyddsfunktion, dataskydd@regionuppsala.se",
        gettext("I have read, and approve, this action plan"),
        "Tierp",
        org.chef.get_full_name(),
    ]
    assert [value for value in printed if squash(value) not in text] == []


def test_approved_plan_gives_its_channel_the_records_reference(org):
    plan = approve(complete_plan(org.medarbetare, records_reference="Dokumenthanteringsplan KoB 4.2.7"), org)

    plan.channel.refresh_from_db()
    assert plan.channel.records_reference == "Dokumenthanteringsplan KoB 4.2.7"
