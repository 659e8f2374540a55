"""The signed plan: frozen at the final approval, rendered once, stored as bytes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .plan import Plan


class SignedPlan(models.Model):
    """The archivable record of an approved plan version.

    `snapshot` holds every field, goal and decision as they were at the final approval, and
    the signer's details; `snapshot_sha256` is the SHA-256 of its canonical JSON form
    (domain.archive.canonical) and is printed in the PDF's footer. The PDF is rendered from the
    snapshot only, never from the live plan, once, by a background task; `pdf` and
    `pdf_sha256` never change after that, so every download gives the same bytes.
    """

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="signed")
    snapshot = models.JSONField(_("snapshot"))
    snapshot_sha256 = models.CharField(_("fingerprint of the content"), max_length=64, unique=True)
    frozen_at = models.DateTimeField(_("frozen"))
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True, db_index=True)
    digitally_signed = models.BooleanField(_("digitally signed (PAdES)"), default=False)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    render_claimed_at = models.DateTimeField(null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(_("rendering error"), blank=True)

    class Meta:
        verbose_name = _("signed plan")
        verbose_name_plural = _("signed plans")

    def __str__(self):
        return f"{self.plan} ({self.snapshot_sha256[:12]})"

    @property
    def is_rendered(self) -> bool:
        return bool(self.pdf_sha256)


class PlanPreview(models.Model):
    """The draft PDF of a plan as it stands now, made in the background and kept until the plan
    changes (one per plan, replaced when the content's fingerprint changes).

    A web request never renders: it asks for the preview of the content's fingerprint, and a
    worker renders the stored snapshot under a time limit (domain.archive.request_preview).
    """

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="preview")
    snapshot = models.JSONField(_("snapshot"))
    snapshot_sha256 = models.CharField(_("fingerprint of the content"), max_length=64)
    requested_at = models.DateTimeField(_("requested"))
    claimed_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(_("PDF"), null=True, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    error = models.CharField(_("rendering error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("draft preview")
        verbose_name_plural = _("draft previews")

    def __str__(self):
        return f"{self.plan} ({self.snapshot_sha256[:12]})"

    @property
    def is_rendered(self) -> bool:
        return self.rendered_at is not None
