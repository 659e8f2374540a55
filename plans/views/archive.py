"""The signed plan's PDF: the stored download, the draft preview, and the verify page.

The PDF of an approved version is rendered once and stored (plans.domain.archive); these views
only hand out the stored bytes, so every download is the same file. Each plan's PDF needs the
same right as the plan's page: another unit's plan is a 404. The verify page tells anyone
signed in whether a PDF (or a fingerprint from one) is a stored, decided plan; the plan's
content and a link are shown only to those who may read the plan.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from audit import domain as audit

from .. import rules
from ..domain import archive
from ..enums import PlanStatus
from ..models import Plan, PlanPreview, SignedPlan
from ..queries import versions_of
from ..verify_forms import VerifyFileForm, VerifyFingerprintForm
from .common import get_visible_plan

# The versions that have a signed PDF: approved, and approved once but replaced since.
SIGNED_STATUSES = frozenset({PlanStatus.GODKAND, PlanStatus.ERSATT})
CHECK_FILE = "fil"
CHECK_FINGERPRINT = "fingeravtryck"


def pdf_filename(plan: Plan, suffix: str = "") -> str:
    """`<diarienummer>-v<version><suffix>.pdf` in ASCII letters, digits, dot, dash and underscore
    only, whatever the configured diarienummer format holds (slashes, spaces, å ä ö)."""
    ascii_name = unicodedata.normalize("NFKD", plan.diarienummer).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_name).strip("-.") or "handlingsplan"
    return f"{base}-v{plan.version_number}{suffix}.pdf"


def pdf_response(data: bytes, filename: str, *, disposition: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    # Kept out of shared and disk caches: who may read a plan can change after the download.
    response["Cache-Control"] = "private, no-store"
    return response


def may_see_render_error(user) -> bool:
    return user.is_systemadministrator or user.is_superuser


@login_required
@require_safe
def plan_pdf(request, pk):
    """The stored PDF of an approved (or superseded) version, as an attachment; while it is
    still being rendered, a page saying so (202). Drafts and pending plans have a preview."""
    plan = get_visible_plan(request, pk)
    if plan.status not in SIGNED_STATUSES:
        raise Http404
    signed = SignedPlan.objects.defer("snapshot").filter(plan=plan).first()
    if signed is None:
        raise Http404
    if not signed.is_rendered:
        context = {"plan": plan, "signed": signed, "show_error": may_see_render_error(request.user)}
        response = render(request, "plans/pdf_pending.html", context, status=202)
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response
    audit.record("plans.signedplan.downloaded", about=plan, object_label=pdf_filename(plan))
    response = pdf_response(bytes(signed.pdf), pdf_filename(plan), disposition="attachment")
    response["ETag"] = f'"{signed.pdf_sha256}"'
    return response


@login_required
@require_safe
def plan_preview(request, pk):
    """A draft or pending plan as a PDF marked as a draft, shown in the browser.

    The request never renders (archive.request_preview): when the preview of the plan's content
    as it is now is stored, it is sent; otherwise a page says it is being made and polls (htmx)
    until it is, then opens it. Without script, the page's link tries again."""
    plan = get_visible_plan(request, pk)
    if not (plan.is_editable or plan.is_pending):
        raise Http404
    preview = archive.request_preview(plan)
    if preview.is_rendered:
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = request.path
            return response
        data = PlanPreview.objects.values_list("pdf", flat=True).get(pk=preview.pk)
        audit.record("plans.plan.preview_downloaded", about=plan, object_label=pdf_filename(plan, "-utkast"))
        return pdf_response(bytes(data), pdf_filename(plan, "-utkast"), disposition="inline")
    context = {"plan": plan, "preview": preview, "show_error": may_see_render_error(request.user)}
    if request.htmx:
        return render(request, "plans/includes/preview_status.html", context)
    response = render(request, "plans/preview_pending.html", context, status=202)
    response["Retry-After"] = "2"
    return response


@dataclass(frozen=True)
class Verification:
    """What the verify page says about one fingerprint."""

    fingerprint: str
    signed: SignedPlan | None = None
    plan: Plan | None = None
    # The PDF's own bytes matched (otherwise the content fingerprint in its footer did).
    matched_file: bool = False
    may_view: bool = False
    superseded: bool = False
    # The approved version of the same plan in force now, when it is another one.
    in_force: Plan | None = None
    may_view_in_force: bool = False


def verification(user, fingerprint: str) -> Verification:
    signed = archive.find_by_fingerprint(fingerprint)
    if signed is None:
        return Verification(fingerprint=fingerprint)
    plan = Plan.objects.select_related("unit").get(pk=signed.plan_id)
    in_force = versions_of(plan).filter(status=PlanStatus.GODKAND).last()
    if in_force is not None and in_force.pk == plan.pk:
        in_force = None
    return Verification(
        fingerprint=fingerprint,
        signed=signed,
        plan=plan,
        matched_file=signed.pdf_sha256 == fingerprint,
        may_view=rules.can_view_plan(user, plan),
        superseded=plan.status == PlanStatus.ERSATT or in_force is not None,
        in_force=in_force,
        may_view_in_force=in_force is not None and rules.can_view_plan(user, in_force),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request):
    """Is this PDF (or this fingerprint) a stored, decided plan? One of two forms is sent: the
    file, or a pasted fingerprint; the other stays empty."""
    file_form = VerifyFileForm()
    fingerprint_form = VerifyFingerprintForm()
    result = None
    status = 200
    if request.method == "POST":
        if request.POST.get("check") == CHECK_FILE:
            form = file_form = VerifyFileForm(request.POST, request.FILES)
            field = "document"
        else:
            form = fingerprint_form = VerifyFingerprintForm(request.POST)
            field = "fingerprint"
        if form.is_valid():
            result = verification(request.user, form.cleaned_data[field])
        else:
            status = 400
    context = {
        "file_form": file_form,
        "fingerprint_form": fingerprint_form,
        "result": result,
        "check_file": CHECK_FILE,
        "check_fingerprint": CHECK_FINGERPRINT,
    }
    return render(request, "plans/verify.html", context, status=status)
