"""The signed plan PDF through HTTP: the download, the draft preview, the verify page and the
plan page's PDF section, each as a ladder (anonymous → login, another unit → 404 and nothing
changed, the right person → 200 and the effect).

Texts are compared with what gettext gives in Swedish for the msgid, whatever the catalogue
says today; most assertions are on the response, its headers and the database."""

import hashlib
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kob_social.history import update_with_history
from plans.domain.archive import PREVIEW_RETRY_AFTER, build_snapshot, fail_preview, fingerprint, render_preview
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Plan, PlanPreview, SignedPlan
from plans.pdf import render_plan_pdf
from plans.views.archive import pdf_filename

from .archive_factories import (
    approved_plan,
    approved_revision,
    make_signing_certificate,
    small_pdf,
    store_pdf,
    text_by_id,
)
from .factories import complete_plan


def swedish(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


def login_url(url: str) -> str:
    return reverse("login") + "?" + urlencode({"next": url}, safe="/")


def signed_rows() -> list[dict]:
    return list(SignedPlan.objects.order_by("pk").values())


@pytest.fixture
def no_certificate(settings):
    settings.PDF_SIGNING_CERTIFICATE = ""


@pytest.fixture
def stored(org, no_certificate):
    """An approved plan of Länsbiblioteket with its PDF stored (unsigned)."""
    plan = approved_plan(org)
    return store_pdf(plan)


# --- Download -------------------------------------------------------------------------------------


def test_plan_pdf_anonymous_redirected_to_login(client, stored):
    url = reverse("plans:pdf", args=[stored.plan_id])

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, login_url(url))


def test_plan_pdf_other_unit_404_and_nothing_changed(client, org, stored):
    client.force_login(org.medarbetare2)
    before = signed_rows()

    response = client.get(reverse("plans:pdf", args=[stored.plan_id]))

    assert response.status_code == 404
    assert signed_rows() == before


def test_plan_pdf_downloaded_twice_gives_the_stored_bytes(client, org, stored):
    client.force_login(org.medarbetare)
    url = reverse("plans:pdf", args=[stored.plan_id])

    first = client.get(url)
    second = client.get(url)

    plan = stored.plan
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.content == second.content == bytes(stored.pdf)
    assert hashlib.sha256(first.content).hexdigest() == stored.pdf_sha256
    headers = {name: first[name] for name in ("Content-Type", "Content-Disposition", "X-Content-Type-Options")}
    assert headers == {
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{plan.diarienummer}-v1.pdf"',
        "X-Content-Type-Options": "nosniff",
    }
    assert first["Cache-Control"] == "private, no-store"


def test_plan_pdf_superseded_version_still_downloads_its_own_bytes(client, org, stored):
    newer = approved_revision(stored.plan, org)
    store_pdf(newer)
    client.force_login(org.chef)

    response = client.get(reverse("plans:pdf", args=[stored.plan_id]))

    assert Plan.objects.get(pk=stored.plan_id).status == PlanStatus.ERSATT
    assert (response.status_code, response.content) == (200, bytes(stored.pdf))
    assert response["Content-Disposition"] == f'attachment; filename="{stored.plan.diarienummer}-v1.pdf"'


@pytest.mark.parametrize("viewer", ["admin", "medarbetare"])
def test_plan_pdf_not_rendered_yet_202_with_the_error_for_administrators_only(client, org, no_certificate, viewer):
    plan = approved_plan(org)
    SignedPlan.objects.filter(plan=plan).update(render_error="OSError: typsnittet saknas", render_attempts=2)
    client.force_login(getattr(org, viewer))

    response = client.get(reverse("plans:pdf", args=[plan.pk]))

    assert (response.status_code, response["Content-Type"]) == (202, "text/html; charset=utf-8")
    assert response.templates[0].name == "plans/pdf_pending.html"
    assert ("OSError: typsnittet saknas" in response.content.decode()) == (viewer == "admin")


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "pending"])
def test_plan_pdf_of_a_plan_not_decided_404(client, org, submitted):
    plan = complete_plan(org.medarbetare)
    if submitted:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:pdf", args=[plan.pk]))

    assert response.status_code == 404


def test_pdf_filename_is_ascii_whatever_the_diarienummer_format():
    plan = Plan(diarienummer='KoB Öst 2026/12 "x"', version_number=3)

    assert (pdf_filename(plan), pdf_filename(plan, "-utkast")) == (
        "KoB-Ost-2026-12-x-v3.pdf",
        "KoB-Ost-2026-12-x-v3-utkast.pdf",
    )
    assert pdf_filename(Plan(diarienummer="", version_number=1)) == "handlingsplan-v1.pdf"


# --- Preview ------------------------------------------------------------------------------------


def test_plan_preview_anonymous_redirected_to_login(client, org):
    plan = complete_plan(org.medarbetare)
    url = reverse("plans:preview", args=[plan.pk])

    response = client.get(url)

    assert (response.status_code, response["Location"]) == (302, login_url(url))


def test_plan_preview_other_unit_404_and_nothing_stored(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.chef2)

    response = client.get(reverse("plans:preview", args=[plan.pk]))

    assert (response.status_code, SignedPlan.objects.count(), PlanPreview.objects.count()) == (404, 0, 0)


def test_plan_preview_renders_nothing_in_the_request_and_queues_one_rendering(
    client, org, django_capture_on_commit_callbacks
):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("plans:preview", args=[plan.pk])

    with django_capture_on_commit_callbacks() as first_queued:
        first = client.get(url)
    with django_capture_on_commit_callbacks() as second_queued:
        second = client.get(url)

    stored = PlanPreview.objects.get(plan=plan)
    assert (first.status_code, second.status_code) == (202, 202)
    assert (len(first_queued), len(second_queued)) == (1, 0)
    assert (stored.snapshot_sha256, stored.pdf, stored.rendered_at) == (fingerprint(build_snapshot(plan)), None, None)
    assert first["Retry-After"] == "2"
    assert first.templates[0].name == "plans/preview_pending.html"
    assert f'data-hx-get="{url}"' in first.text
    assert 'data-hx-trigger="every 2s"' in first.text


def test_plan_preview_of_a_draft_is_the_draft_rendering_inline_once_the_worker_made_it(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("plans:preview", args=[plan.pk])
    snapshot = build_snapshot(plan)
    client.get(url)

    made = render_preview(plan.pk, fingerprint(snapshot))
    polled = client.get(url, headers={"HX-Request": "true"})
    response = client.get(url)

    assert made is True
    assert (polled.status_code, polled["HX-Redirect"]) == (204, url)
    assert (response.status_code, SignedPlan.objects.count()) == (200, 0)
    # The preview is the document rendered as a draft (marked "UTKAST – ej beslutad", the
    # signature block blank), not the decided layout.
    assert response.content == render_plan_pdf(snapshot, fingerprint=fingerprint(snapshot), draft=True)
    assert response.content != render_plan_pdf(snapshot, fingerprint=fingerprint(snapshot), draft=False)
    headers = {name: response[name] for name in ("Content-Type", "Content-Disposition", "X-Content-Type-Options")}
    assert headers == {
        "Content-Type": "application/pdf",
        "Content-Disposition": 'inline; filename="handlingsplan-v1-utkast.pdf"',
        "X-Content-Type-Options": "nosniff",
    }


def test_plan_preview_while_being_made_polls_with_a_fragment(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("plans:preview", args=[plan.pk])
    client.get(url)

    polled = client.get(url, headers={"HX-Request": "true"})

    assert polled.status_code == 200
    assert [template.name for template in polled.templates] == ["plans/includes/preview_status.html"]
    assert 'data-hx-trigger="every 2s"' in polled.text


def test_plan_preview_after_the_plan_changed_is_made_again(client, org, django_capture_on_commit_callbacks):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("plans:preview", args=[plan.pk])
    client.get(url)
    old = fingerprint(build_snapshot(plan))
    render_preview(plan.pk, old)
    update_with_history(Plan.objects.filter(pk=plan.pk), purpose="Ett nytt syfte.")
    plan.refresh_from_db()

    with django_capture_on_commit_callbacks() as queued:
        response = client.get(url)

    stored = PlanPreview.objects.get(plan=plan)
    assert (response.status_code, len(queued)) == (202, 1)
    assert (stored.snapshot_sha256, stored.rendered_at) == (fingerprint(build_snapshot(plan)), None)
    assert stored.snapshot_sha256 != old
    # The rendering queued for the old content finds it replaced and does nothing.
    assert render_preview(plan.pk, old) is False


def test_plan_preview_that_failed_says_so_and_is_asked_for_again_later(client, org, django_capture_on_commit_callbacks):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    url = reverse("plans:preview", args=[plan.pk])
    client.get(url)
    fail_preview(plan.pk, fingerprint(build_snapshot(plan)), "Rendering took longer than 30 s.")

    with django_capture_on_commit_callbacks() as not_yet:
        failed = client.get(url)
    later = timezone.now() + PREVIEW_RETRY_AFTER + timedelta(seconds=1)
    with time_machine.travel(later), django_capture_on_commit_callbacks() as again:
        retried = client.get(url)

    assert (failed.status_code, len(not_yet)) == (202, 0)
    assert swedish("The preview could not be made.") in failed.text
    assert "every 2s" not in failed.text
    assert "Rendering took longer" not in failed.text  # the technical reason is for administrators
    assert (retried.status_code, len(again)) == (202, 1)
    assert 'data-hx-trigger="every 2s"' in retried.text


def test_plan_preview_failure_reason_is_shown_to_administrators(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.admin)
    url = reverse("plans:preview", args=[plan.pk])
    client.get(url)
    fail_preview(plan.pk, fingerprint(build_snapshot(plan)), "Rendering took longer than 30 s.")

    response = client.get(url)

    assert "Rendering took longer than 30 s." in response.text


def test_plan_preview_of_a_pending_plan_for_its_chef(client, org):
    plan = complete_plan(org.medarbetare)
    plan = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    client.force_login(org.chef)
    url = reverse("plans:preview", args=[plan.pk])
    client.get(url)
    render_preview(plan.pk, fingerprint(build_snapshot(plan)))

    response = client.get(url)

    assert (response.status_code, SignedPlan.objects.count()) == (200, 0)
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"] == f'inline; filename="{plan.diarienummer}-v1-utkast.pdf"'


def test_plan_preview_of_an_approved_plan_404(client, org, stored):
    client.force_login(org.medarbetare)
    before = signed_rows()

    response = client.get(reverse("plans:preview", args=[stored.plan_id]))

    assert response.status_code == 404
    assert signed_rows() == before


# --- Verify -------------------------------------------------------------------------------------


def verify_file(client, content: bytes, name: str = "handlingsplan.pdf"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(reverse("plans:verify"), {"check": "fil", "document": upload})


def verify_fingerprint(client, value: str):
    return client.post(reverse("plans:verify"), {"check": "fingeravtryck", "fingerprint": value})


@pytest.mark.parametrize("method", ["get", "post"])
def test_verify_anonymous_redirected_to_login(client, method):
    url = reverse("plans:verify")

    response = getattr(client, method)(url)

    assert (response.status_code, response["Location"]) == (302, login_url(url))


def test_verify_page_is_the_one_current_item_of_the_main_menu(client, org):
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:verify"))

    current = [item for item in response.context["nav_items"] if item["current"]]
    assert [item["url"] for item in current] == [reverse("plans:verify")]


def test_verify_page_every_field_labelled_and_both_forms_carry_csrf(client, org):
    client.force_login(org.medarbetare2)

    response = client.get(reverse("plans:verify"))

    html = response.content.decode()
    assert response.status_code == 200
    assert [html.count('<label for="id_document">'), html.count('<label for="id_fingerprint">')] == [1, 1]
    assert html.count('name="csrfmiddlewaretoken"') == 4  # both forms, the language switch and sign-out
    assert response.context["result"] is None


def test_verify_upload_of_the_stored_pdf_recognises_the_plan(client, org, stored):
    client.force_login(org.medarbetare)

    response = verify_file(client, bytes(stored.pdf))

    result = response.context["result"]
    assert response.status_code == 200
    assert (result.signed, result.matched_file, result.may_view, result.superseded) == (stored, True, True, False)
    assert text_by_id(response.content, "verify-result-heading") == swedish(
        "The document is a stored, decided action plan"
    )
    assert f'href="{reverse("plans:detail", args=[stored.plan_id])}"' in response.content.decode()


def test_verify_upload_of_the_pdf_changed_by_one_byte_matches_nothing(client, org, stored):
    changed = bytearray(stored.pdf)
    at = changed.index(b"Handlingsplan")
    changed[at] = ord("h")
    client.force_login(org.medarbetare)

    response = verify_file(client, bytes(changed))

    result = response.context["result"]
    assert response.status_code == 200
    assert (result.signed, result.fingerprint) == (None, hashlib.sha256(changed).hexdigest())
    assert text_by_id(response.content, "verify-result-heading") == swedish(
        "No stored action plan has this fingerprint"
    )


def test_verify_upload_of_a_file_that_is_not_a_pdf_refused_at_the_field(client, org, stored):
    client.force_login(org.medarbetare)

    response = verify_file(client, b"<html>%PDF-1.7</html>", name="handlingsplan.pdf")

    assert (response.status_code, response.context["result"]) == (400, None)
    assert response.context["file_form"].errors == {
        "document": [swedish("This is not a PDF file, whatever its name says. Choose the plan's PDF.")]
    }
    assert 'aria-describedby="id_document_helptext id_document_error"' in response.content.decode()


def test_verify_upload_larger_than_the_limit_refused(client, org, stored, settings):
    settings.UPLOAD_MAX_BYTES = len(stored.pdf) - 1
    client.force_login(org.medarbetare)

    response = verify_file(client, bytes(stored.pdf))

    assert (response.status_code, response.context["result"]) == (400, None)
    assert list(response.context["file_form"].errors) == ["document"]
    assert response.context["file_form"].errors.as_data()["document"][0].code == "size"


def test_verify_upload_of_an_empty_file_refused(client, org):
    client.force_login(org.medarbetare)

    response = verify_file(client, b"")

    assert (response.status_code, response.context["file_form"].errors.as_data()["document"][0].code) == (400, "empty")


@pytest.mark.parametrize("which", ["pdf_sha256", "snapshot_sha256"])
def test_verify_pasted_fingerprint_trimmed_any_case_recognises_the_plan(client, org, stored, which):
    client.force_login(org.medarbetare)

    response = verify_fingerprint(client, f"  {getattr(stored, which).upper()}\n")

    result = response.context["result"]
    assert response.status_code == 200
    assert (result.signed, result.fingerprint, result.matched_file) == (
        stored,
        getattr(stored, which),
        which == "pdf_sha256",
    )


def test_verify_pasted_unknown_fingerprint_matches_nothing(client, org, stored):
    client.force_login(org.medarbetare)

    response = verify_fingerprint(client, "0" * 64)

    assert (response.status_code, response.context["result"].signed) == (200, None)


@pytest.mark.parametrize("value", ["abc", "g" * 64, "a" * 65])
def test_verify_pasted_malformed_fingerprint_400_at_the_field_and_value_kept(client, org, value):
    client.force_login(org.medarbetare)

    response = verify_fingerprint(client, value)

    assert (response.status_code, response.context["result"]) == (400, None)
    assert response.context["fingerprint_form"].errors == {
        "fingerprint": [swedish("A fingerprint is 64 characters, only the digits 0–9 and the letters a–f.")]
    }
    assert f'value="{value}"' in response.content.decode()


def test_verify_superseded_version_names_the_version_in_force_with_a_link(client, org, stored):
    newer = approved_revision(stored.plan, org)
    client.force_login(org.medarbetare)

    response = verify_fingerprint(client, stored.snapshot_sha256)

    result = response.context["result"]
    assert (result.signed, result.superseded, result.in_force, result.may_view_in_force) == (stored, True, newer, True)
    assert f'href="{reverse("plans:detail", args=[newer.pk])}"' in response.content.decode()


def test_verify_current_version_is_in_force(client, org, stored):
    newer = approved_revision(stored.plan, org)
    newer_signed = store_pdf(newer)
    client.force_login(org.medarbetare)

    response = verify_fingerprint(client, newer_signed.pdf_sha256)

    result = response.context["result"]
    assert (result.signed, result.superseded, result.in_force) == (newer_signed, False, None)


def test_verify_other_unit_learns_validity_without_content_or_link(client, org, stored):
    newer = approved_revision(stored.plan, org)
    client.force_login(org.medarbetare2)

    response = verify_file(client, bytes(stored.pdf))

    result = response.context["result"]
    html = response.content.decode()
    assert (result.signed, result.may_view, result.superseded, result.in_force) == (stored, False, True, newer)
    assert result.may_view_in_force is False
    assert stored.plan.diarienummer in html
    assert [stored.plan.channel_name in html, stored.plan.unit.name in html] == [False, False]
    assert [f"/planer/{stored.plan_id}/" in html, f"/planer/{newer.pk}/" in html] == [False, False]


# --- The plan page's section ----------------------------------------------------------------------


def test_plan_page_of_a_stored_unsigned_pdf_links_the_download_and_says_unsigned(client, org, stored):
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[stored.plan_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("plans:pdf", args=[stored.plan_id])}"' in html
    assert [text_by_id(html, "signed-pdf-sha256"), text_by_id(html, "signed-pdf-fingerprint")] == [
        stored.pdf_sha256,
        stored.snapshot_sha256,
    ]
    assert text_by_id(html, "signed-pdf-signature") == swedish(
        "Not digitally signed, as no certificate is configured: "
        "the fingerprints above show whether a copy is unchanged."
    )
    assert reverse("plans:preview", args=[stored.plan_id]) not in html


def test_plan_page_of_a_pdf_signed_with_a_certificate_says_signed(client, org, tmp_path, settings):
    certificate = make_signing_certificate(tmp_path)
    settings.PDF_SIGNING_CERTIFICATE = str(certificate.path)
    settings.PDF_SIGNING_PASSWORD = certificate.password
    signed = store_pdf(approved_plan(org), small_pdf())
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[signed.plan_id]))

    assert signed.digitally_signed is True
    assert text_by_id(response.content, "signed-pdf-signature") == swedish(
        "Digitally signed (PAdES): a PDF reader shows that the file is unchanged since it was created."
    )


def test_plan_page_of_an_approved_plan_not_yet_rendered_has_no_download(client, org, no_certificate):
    plan = approved_plan(org)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    html = response.content.decode()
    assert reverse("plans:pdf", args=[plan.pk]) not in html
    assert text_by_id(html, "signed-pdf-fingerprint") == plan.signed.snapshot_sha256


@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "pending"])
def test_plan_page_of_a_plan_not_decided_links_the_preview(client, org, submitted):
    plan = complete_plan(org.medarbetare)
    if submitted:
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[plan.pk]))

    html = response.content.decode()
    assert html.count(f'href="{reverse("plans:preview", args=[plan.pk])}"') == 1
    assert reverse("plans:pdf", args=[plan.pk]) not in html
