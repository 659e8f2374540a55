"""The forms of the verify page: a PDF to check, or a fingerprint pasted from one.

Both only shape the input into one SHA-256 value (hex, lower case); which signed plan, if any,
has it is the domain's question (plans.domain.archive.find_by_fingerprint)."""

import hashlib
import re

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"
HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


class VerifyFileForm(forms.Form):
    """A PDF, read in chunks: only its SHA-256 is kept, never the file."""

    document = forms.FileField(
        label=_("The PDF file"),
        widget=forms.FileInput(attrs={"accept": ".pdf,application/pdf"}),
        error_messages={
            "required": _("Choose the PDF file to check."),
            "empty": _("The file is empty."),
            "invalid": _("No file was received. Choose the PDF file again."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "The plan's PDF as you received it, at most %(size)s. The file is only read to compute its fingerprint; "
            "it is not stored."
        ) % {"size": filesizeformat(settings.UPLOAD_MAX_BYTES)}

    def clean_document(self) -> str:
        """The uploaded file's SHA-256 (hex): a PDF by its first bytes, within the size limit."""
        upload = self.cleaned_data["document"]
        limit = settings.UPLOAD_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s is allowed.") % {"size": filesizeformat(limit)},
                code="size",
            )
        digest = hashlib.sha256()
        head = b""
        for chunk in upload.chunks():
            if len(head) < len(PDF_MAGIC):
                head += chunk[: len(PDF_MAGIC) - len(head)]
            digest.update(chunk)
        if not head.startswith(PDF_MAGIC):
            raise forms.ValidationError(
                _("This is not a PDF file, whatever its name says. Choose the plan's PDF."), code="type"
            )
        return digest.hexdigest()


class VerifyFingerprintForm(forms.Form):
    """A fingerprint as printed in the PDF's footer or shown on the plan page."""

    fingerprint = forms.CharField(
        label=_("Fingerprint (SHA-256)"),
        # Room for a value copied with spaces or line breaks around it; cleaned below.
        max_length=200,
        help_text=_(
            "64 characters 0–9 and a–f: the content fingerprint printed at the foot of every page of the PDF, "
            "or the SHA-256 of the whole file."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off", "inputmode": "text"}
        ),
        error_messages={"required": _("Paste the fingerprint to check.")},
    )

    def clean_fingerprint(self) -> str:
        # Spaces inside are dropped too: a value copied from the PDF's footer may be broken over lines.
        value = "".join(self.cleaned_data["fingerprint"].split()).lower()
        if not HEX_SHA256.fullmatch(value):
            raise forms.ValidationError(
                _("A fingerprint is 64 characters, only the digits 0–9 and the letters a–f."), code="format"
            )
        return value
