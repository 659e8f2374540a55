"""Uploaded evidence and screenshots: accepted by content, never by name.

Only PNG, JPEG and PDF are accepted. The type is read from the file's first bytes; images are
decoded by Pillow under a pixel limit and re-encoded (which drops anything hidden beside the
pixels, EXIF included); PDFs must not carry JavaScript or launch actions. The stored file gets
a generated name, its SHA-256 is kept, and it is served only through a permission-checked view
as an attachment.
"""

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageFile, UnidentifiedImageError

SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"%PDF-": ("pdf", "application/pdf"),
}
PDF_FORBIDDEN = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


@dataclass(frozen=True)
class CheckedUpload:
    content: ContentFile
    original_name: str
    content_type: str
    size: int
    sha256: str


def safe_display_name(name: str) -> str:
    """The last path component only, without control characters: for display and downloads."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"/\\|?*').strip(" .")
    return cleaned[:120] or "fil"


def check_upload(upload) -> CheckedUpload:
    """Validate an uploaded file and return what to store; raises ValidationError in Swedish."""
    limit = settings.UPLOAD_MAX_BYTES
    too_large = ValidationError(
        _("The file is too large: at most %(size)s is allowed.") % {"size": filesizeformat(limit)}, code="size"
    )
    if upload.size is not None and upload.size > limit:
        raise too_large
    raw = upload.read(limit + 1)
    if len(raw) > limit:
        raise too_large
    if not raw:
        raise ValidationError(_("The file is empty."), code="empty")
    kind = next((value for signature, value in SIGNATURES.items() if raw.startswith(signature)), None)
    if kind is None:
        raise ValidationError(
            _("Only PNG, JPEG and PDF files are accepted. This file is of another kind, whatever its name says."),
            code="type",
        )
    extension, content_type = kind
    data = _checked_pdf(raw) if extension == "pdf" else _reencoded_image(raw, extension)
    return CheckedUpload(
        content=ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}"),
        original_name=safe_display_name(getattr(upload, "name", "")),
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _reencoded_image(raw: bytes, extension: str) -> bytes:
    max_pixels = settings.UPLOAD_MAX_PIXELS
    too_large = ValidationError(
        _("The image is too large: at most %(pixels)s pixels are allowed.")
        % {"pixels": f"{max_pixels:,}".replace(",", " ")},
        code="pixels",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # A library imported elsewhere in the process may have relaxed this (WeasyPrint does).
            ImageFile.LOAD_TRUNCATED_IMAGES = False
            with Image.open(io.BytesIO(raw)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise too_large
                image.load()
                out = io.BytesIO()
                if extension == "png":
                    image.save(out, format="PNG", optimize=False)
                else:
                    rgb = image.convert("RGB") if image.mode not in ("RGB", "L") else image
                    rgb.save(out, format="JPEG", quality=92)
                return out.getvalue()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses to even open images far beyond its own limit: the same answer.
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise ValidationError(_("The image could not be read. Save it again as PNG or JPEG."), code="image") from exc


def _checked_pdf(raw: bytes) -> bytes:
    if b"%%EOF" not in raw[-2048:]:
        raise ValidationError(_("The PDF file is damaged or incomplete."), code="pdf")
    if any(marker in raw for marker in PDF_FORBIDDEN):
        raise ValidationError(
            _("The PDF file contains scripts or embedded files, which are not accepted. Print it to a new PDF."),
            code="pdf",
        )
    return raw
