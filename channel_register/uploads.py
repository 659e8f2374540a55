"""Uploaded evidence and screenshots: accepted by content, never by name.

Only PNG, JPEG and PDF are accepted, the type read from the file's first bytes. What is stored
is never the uploaded bytes but a copy made from what was inspected:

- An image is decoded by Pillow under a pixel limit and stored as a new image holding its
  pixels alone, so that no EXIF (its orientation applied first), XMP, JPEG comment or PNG text
  chunk survives. An embedded ICC profile is applied (the colours converted to sRGB) and dropped.
- A PDF is parsed by qpdf (through pikepdf), which reads object streams and #-escaped names as
  every PDF reader does. Refused: encrypted or password-protected files, files qpdf cannot read
  or that have no page, files that unfold into more than can be checked (PDF_MAX_*), and
  active content anywhere in the document (`_active_dictionary`: scripts, actions run by events
  or on opening, launch, form, import and media actions, links other than to the web, to e-mail
  or inside the document, embedded files, rich media, XFA forms). Stored is qpdf's own rewrite
  of the document, checked again as written: nothing outside the document's objects (comments,
  bytes after the end, objects nothing refers to) remains, and no reader can find in the stored
  file an object the check did not see, however it would have read a damaged or doctored
  upload. Content streams are copied without being decompressed. A digital signature of the
  uploaded PDF does not survive the rewrite; what proves the stored file unchanged afterwards
  is the SHA-256 kept beside it.

The stored file gets a generated name; its size and SHA-256 are those of the stored bytes, and
it is served only through a permission-checked view as an attachment.
"""

import hashlib
import io
import re
import uuid
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import PurePosixPath, PureWindowsPath

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpg", "image/jpeg"),
    b"%PDF-": ("pdf", "application/pdf"),
}
EXIF_ORIENTATION = 0x0112
# Modes each format stores as they are; any other is converted (see `_storable`).
STORABLE_MODES = {"png": ("1", "L", "LA", "I;16", "RGB", "RGBA"), "jpg": ("L", "RGB")}

# Active content in a PDF, as names after qpdf has parsed them (/J#61vaScript is /JavaScript).
# Keys that hold a script, an action run by an event, an embedded file, rich media or an XFA form:
PDF_FORBIDDEN_KEYS = frozenset(
    {"/JS", "/JavaScript", "/AA", "/Launch", "/EF", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)
# Actions (/S) that run code, open or import other files, send data, play media or change the
# form. /GoTo, /URI (scheme checked), /Named and the like stay: they only move the view.
PDF_FORBIDDEN_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/SubmitForm",
        "/ImportData",
        "/ResetForm",
        "/GoToR",
        "/GoToE",
        "/GoTo3DView",
        "/RichMediaExecute",
        "/Rendition",
        "/Movie",
        "/Sound",
        "/Hide",
    }
)
# Annotations (/Subtype) that carry a file or play something; /Type /EmbeddedFile is a file.
PDF_FORBIDDEN_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"})
PDF_FORBIDDEN_TYPES = frozenset({"/EmbeddedFile"})
PDF_FORBIDDEN_VALUES = (
    ("/S", PDF_FORBIDDEN_ACTIONS),
    ("/Subtype", PDF_FORBIDDEN_SUBTYPES),
    ("/Type", PDF_FORBIDDEN_TYPES),
)
# Bounds on what a PDF may unfold into, as qpdf spends some 150 bytes on each name, number or
# key it parses: a compressed object or cross-reference stream inflates to at most
# PDF_MAX_INFLATED bytes (most producers write streams of some kilobytes; WeasyPrint writes
# all objects into one, about 1 MB for 130 pages), an array or dictionary holds at most
# PDF_MAX_CONTAINER_ENTRIES entries, and at most PDF_MAX_ENTRIES entries are walked in all
# (those 130 pages, tagged and full of links, have 100 000 to 200 000).
PDF_MAX_INFLATED = 16 * 1024 * 1024
PDF_MAX_CONTAINER_ENTRIES = 200_000
PDF_MAX_ENTRIES = 1_000_000
# A link may lead to these schemes (or to an address without a scheme, relative to the page).
PDF_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
URI_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
NOT_IN_SCHEME = re.compile(r"[^A-Za-z0-9+.:-]")


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
    """Validate an uploaded file and return what to store (a copy made from what was
    inspected, see the module's docstring); raises ValidationError in Swedish."""
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
    data = _rewritten_pdf(raw) if extension == "pdf" else _reencoded_image(raw, extension)
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
                pixels = _pixels_only(image, extension)
            out = io.BytesIO()
            if extension == "png":
                pixels.save(out, format="PNG", optimize=False)
            else:
                pixels.save(out, format="JPEG", quality=92)
            return out.getvalue()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # Pillow refuses to even open images far beyond its own limit: the same answer.
        raise too_large from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Warning) as exc:
        raise ValidationError(_("The image could not be read. Save it again as PNG or JPEG."), code="image") from exc


def _pixels_only(image: Image.Image, extension: str) -> Image.Image:
    """A new image holding nothing but the pixels of `image`, as they are meant to be seen, in
    a mode the format stores. Pillow writes an image's `info` (comment, ICC profile...) when
    saving it; a new image has none."""
    profile = image.info.get("icc_profile")
    if image.getexif().get(EXIF_ORIENTATION) not in (None, 1):
        # The orientation tag leaves with the EXIF: turn the pixels as it says first.
        image = ImageOps.exif_transpose(image)
    if image.mode in ("P", "PA"):
        # The palette leaves too: to colours (with alpha if any colour was transparent).
        image = image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info else "RGB")
    if profile:
        image = _in_srgb(image, profile)
    image = _storable(image, extension)
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean


def _storable(image: Image.Image, extension: str) -> Image.Image:
    """`image` in a mode its format stores without a palette or a transparency colour."""
    if image.mode in STORABLE_MODES[extension] and "transparency" not in image.info:
        return image
    has_alpha = "A" in image.getbands() or "transparency" in image.info
    return image.convert("RGBA" if has_alpha and extension == "png" else "RGB")


@cache
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _in_srgb(image: Image.Image, profile: bytes) -> Image.Image:
    """The colours of `image` converted from its embedded ICC profile to sRGB, alpha kept.

    A profile Little CMS cannot use with this image (damaged, or of another colour space) is
    dropped without converting: the colours are then read as sRGB, as most viewers would."""
    alpha = image.getchannel("A") if image.mode in ("LA", "RGBA") else None
    colour = image.convert(image.mode[:-1]) if alpha is not None else image
    if colour.mode not in ("L", "RGB", "CMYK"):
        return image
    try:
        converted = ImageCms.profileToProfile(
            colour, ImageCms.ImageCmsProfile(io.BytesIO(profile)), _srgb(), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _rewritten_pdf(raw: bytes) -> bytes:
    """qpdf's rewrite of the PDF in `raw`, once both have been found to hold no active content."""
    if b"%%EOF" not in raw[-2048:]:
        raise ValidationError(_("The PDF file is damaged or incomplete."), code="pdf")
    # Process-wide, and set on every call so that nothing can have relaxed them (nothing else in
    # the project uses qpdf: WeasyPrint and pyHanko have PDF code of their own).
    pikepdf.settings.set_qpdf_limits(
        flate_max_memory=PDF_MAX_INFLATED, parser_max_container_size=PDF_MAX_CONTAINER_ENTRIES
    )
    try:
        with pikepdf.open(io.BytesIO(raw)) as pdf:
            _check_pdf(pdf)
            out = io.BytesIO()
            pdf.save(
                out,
                # Streams are copied as they came: a compressed bomb is never inflated.
                stream_decode_level=pikepdf.StreamDecodeLevel.none,
                fix_metadata_version=False,
                encryption=False,
                # The same upload gives the same stored bytes.
                deterministic_id=True,
            )
        stored = out.getvalue()
        # What is stored is checked once more, as it is: qpdf may have rebuilt the table of a
        # damaged upload halfway through reading it, a file it wrote itself it reads in one way.
        with pikepdf.open(io.BytesIO(stored)) as pdf:
            _check_pdf(pdf)
        return stored
    except pikepdf.PasswordError as exc:
        raise _pdf_protected() from exc
    except (pikepdf.PdfError, RuntimeError, ValueError) as exc:
        # qpdf cannot read it (or not all of it): what a reader would make of it is anyone's guess.
        raise ValidationError(_("The PDF file is damaged or incomplete."), code="pdf") from exc


def _pdf_protected() -> ValidationError:
    return ValidationError(
        _(
            "The PDF file is protected by a password or encrypted, which is not accepted. Save or print it to a new "
            "PDF without protection."
        ),
        code="pdf",
    )


def _check_pdf(pdf: pikepdf.Pdf) -> None:
    if pdf.is_encrypted:
        raise _pdf_protected()
    if len(pdf.pages) == 0:
        raise ValidationError(_("The PDF file is damaged or incomplete."), code="pdf")
    if _active_content(pdf):
        raise ValidationError(
            _("The PDF file contains scripts or embedded files, which are not accepted. Print it to a new PDF."),
            code="pdf",
        )


def _active_content(pdf: pikepdf.Pdf) -> bool:
    """Whether any dictionary of the document holds active content.

    Walked is everything reachable from the trailer, which is what qpdf writes: every indirect
    object once (those inside object streams included), with the objects written directly
    inside it. qpdf parses an object when it is first met, so each is counted then, and past
    PDF_MAX_ENTRIES entries the file is refused: what a small compressed upload can make qpdf
    parse, and this walk visit, stays bounded."""
    pending = [pdf.trailer]
    seen = set()
    entries = 0
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
            if _active_dictionary(item):
                return True
            children = (item[key] for key in item)
        else:
            children = iter(item)
        for child in children:  # one at a time: each is parsed as it comes
            size = _size(child)
            if not size or (child.is_indirect and child.objgen in seen):
                continue
            if child.is_indirect:
                seen.add(child.objgen)
            entries += size
            if entries > PDF_MAX_ENTRIES:
                raise ValidationError(
                    _("The PDF file is too complex to be checked. Print it to a new PDF."), code="pdf"
                )
            pending.append(child)
    return False


def _size(item) -> int:
    """The entries of an array, dictionary or stream dictionary (0 for anything else)."""
    if isinstance(item, pikepdf.Array):
        return len(item) + 1
    if isinstance(item, pikepdf.Dictionary | pikepdf.Stream):
        return len(item.keys()) + 1
    return 0


def _active_dictionary(entries) -> bool:
    keys = entries.keys()
    if not PDF_FORBIDDEN_KEYS.isdisjoint(keys):
        return True
    if any(key in keys and _name(entries[key]) in forbidden for key, forbidden in PDF_FORBIDDEN_VALUES):
        return True
    # On opening, a document may go to a destination (an array), never run an action.
    if "/OpenAction" in keys and isinstance(entries["/OpenAction"], pikepdf.Dictionary):
        return True
    if "/URI" in keys:
        uri = entries["/URI"]  # a link's address, or the catalog's dictionary with the base address
        address = uri.get("/Base") if isinstance(uri, pikepdf.Dictionary) else uri
        return isinstance(address, pikepdf.String) and not _safe_link(str(address))
    return False


def _name(value) -> str | None:
    return str(value) if isinstance(value, pikepdf.Name) else None


def _safe_link(address: str) -> bool:
    """Whether a link leads to the web, to e-mail or has no scheme. Readers skip spaces and
    control characters in a scheme (a tab inside "javascript:"), so anything that cannot be
    part of one is left out before the scheme is read."""
    scheme = URI_SCHEME.match(NOT_IN_SCHEME.sub("", address))
    return scheme is None or scheme.group(1).lower() in PDF_LINK_SCHEMES
