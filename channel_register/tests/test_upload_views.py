"""Files through the channel's pages: uploads refused with a Swedish message at the file field
and nothing stored (hostile PDFs among them), what is stored of an image or a PDF (no text
beside the pixels, qpdf's copy of a PDF), file names that are too long or try to leave the
upload directory, downloads as attachments.

Messages are compared with the catalogue's Swedish text for their msgid (gettext under
translation.override("sv")), so the tests read the same before and after a wording change in
the catalogue; the layout around them (the error list at the field) is asserted as rendered.
"""

import hashlib
import io
import re
from functools import cache

import pikepdf
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import translation
from PIL import Image

from channel_register.models import RemovalEntry, Screenshot, ScreenshotFile

from .channel_factories import png_bytes, png_upload
from .channel_pages import (
    channel_fixture,  # noqa: F401 (fixture)
    field_error,
    form_data,
    media_fixture,  # noqa: F401 (fixture)
    swedish,
)
from .test_uploads import (
    PDF_ACTIVE,
    SCRIPT,
    hex_escaped_javascript,
    javascript_in_object_stream,
    jpeg_with_comment,
    pdf_bytes,
    png_with_text,
    weasyprint_pdf,
)

pytestmark = pytest.mark.django_db

GENERATED_NAME = re.compile(r"uploads/\d{4}/\d{2}/[0-9a-f]{32}\.png")

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
NOT_AN_ACCEPTED_KIND = (
    "Only PNG, JPEG and PDF files are accepted. This file is of another kind, whatever its name says."
)


def too_large_file() -> str:
    with translation.override("sv"):
        size = filesizeformat(settings.UPLOAD_MAX_BYTES)
    return swedish("The file is too large: at most %(size)s is allowed.", size=size)


def too_many_pixels() -> str:
    pixels = f"{settings.UPLOAD_MAX_PIXELS:,}".replace(",", " ")
    return swedish("The image is too large: at most %(pixels)s pixels are allowed.", pixels=pixels)


@cache
def huge_png() -> bytes:
    """20000 × 20000 pixels: 400 million, yet a few hundred kB as a one-bit PNG."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    return out.getvalue()


def twenty_five_mb() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\0" * (25 * 1024 * 1024)


REFUSED_UPLOADS = {
    "svg-with-script": ("bild.svg", lambda: SVG_WITH_SCRIPT, lambda: swedish(NOT_AN_ACCEPTED_KIND)),
    "html-renamed-png": ("bild.png", lambda: HTML, lambda: swedish(NOT_AN_ACCEPTED_KIND)),
    "25-mb": ("stor.png", twenty_five_mb, too_large_file),
    "20000x20000-px": ("jätte.png", huge_png, too_many_pixels),
    "pdf-hex-escaped-javascript": ("rapport.pdf", hex_escaped_javascript, lambda: swedish(PDF_ACTIVE)),
    "pdf-javascript-in-object-stream": ("rapport.pdf", javascript_in_object_stream, lambda: swedish(PDF_ACTIVE)),
}

# The file field of each form (the rest of a valid form is channel_pages.form_data).
FORMS = {
    "screenshot_create": "files",
    "removal_create": "evidence",
}


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def nothing_stored(media) -> bool:
    counts = [model.objects.count() for model in (Screenshot, ScreenshotFile, RemovalEntry)]
    return counts == [0, 0, 0] and stored_files(media.parent) == []


def multipart(fields: dict, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A form body with the file name exactly as given: the test client would reduce a path to
    its last component before sending, a browser or a script need not."""
    boundary = "KoBSocialTestGrans"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    body = b"".join(parts) + head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# --- Uploads refused --------------------------------------------------------------------------


@pytest.mark.parametrize("case", REFUSED_UPLOADS)
@pytest.mark.parametrize("form", FORMS)
def test_upload_refused_swedish_message_at_file_field_nothing_stored(client, org, channel, media, form, case):
    name, content, message = REFUSED_UPLOADS[case]
    field = FORMS[form]
    client.force_login(org.medarbetare)

    response = client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]),
        {**form_data(form), field: SimpleUploadedFile(name, content())},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message()]}
    assert field_error(field, message()) in response.content.decode()
    assert nothing_stored(media)


def test_screenshot_good_file_beside_refused_one_nothing_stored(client, org, channel, media):
    client.force_login(org.medarbetare)
    files = [png_upload("bra.png"), SimpleUploadedFile("bild.png", HTML)]

    response = client.post(
        reverse("channel_register:screenshot_create", args=[channel.pk]),
        {**form_data("screenshot_create"), "files": files},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"files": [swedish(NOT_AN_ACCEPTED_KIND)]}
    assert nothing_stored(media)


NAME_TOO_LONG = (
    "The file name is too long: at most %(max)s characters are allowed. Rename the file and choose it again."
)


@pytest.mark.parametrize("form", FORMS)
def test_upload_file_name_too_long_swedish_message_at_file_field_nothing_stored(client, org, channel, media, form):
    field = FORMS[form]
    client.force_login(org.medarbetare)
    message = swedish(NAME_TOO_LONG, max=200)

    response = client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]),
        {**form_data(form), field: png_upload("skärmdump-" + "x" * 187 + ".png")},  # 201 characters
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert field_error(field, message) in response.content.decode()
    assert nothing_stored(media)


def test_screenshot_file_name_too_long_beside_a_good_file_nothing_stored(client, org, channel, media):
    client.force_login(org.medarbetare)
    files = [png_upload("bra.png"), png_upload("x" * 197 + ".png")]

    response = client.post(
        reverse("channel_register:screenshot_create", args=[channel.pk]),
        {**form_data("screenshot_create"), "files": files},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"files": [swedish(NAME_TOO_LONG, max=200)]}
    assert nothing_stored(media)


@pytest.mark.parametrize("form", FORMS)
def test_upload_file_name_of_200_characters_accepted(client, org, channel, media, form):
    client.force_login(org.medarbetare)

    response = client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]),
        {**form_data(form), FORMS[form]: png_upload("x" * 196 + ".png")},
    )

    assert response.status_code == 302
    row = ScreenshotFile.objects.get() if form == "screenshot_create" else RemovalEntry.objects.get()
    assert row.original_name == "x" * 120  # safe_display_name keeps at most 120 characters


# --- What is stored ---------------------------------------------------------------------------


def stored_row(form: str):
    row = ScreenshotFile.objects.get() if form == "screenshot_create" else RemovalEntry.objects.get()
    with row.file.open("rb") as handle:
        return row, handle.read()


HIDDEN_TEXT = {
    "jpeg-comment-segment": ("foto.jpg", jpeg_with_comment, (0, 90, 200)),
    "png-text-chunks": ("bild.png", png_with_text, (200, 30, 30)),
}


@pytest.mark.parametrize("case", HIDDEN_TEXT)
@pytest.mark.parametrize("form", FORMS)
def test_upload_image_text_beside_pixels_dropped_pixels_kept(client, org, channel, media, form, case):
    name, content, color = HIDDEN_TEXT[case]
    upload = content()
    assert SCRIPT.encode() in upload
    client.force_login(org.medarbetare)

    response = client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]),
        {**form_data(form), FORMS[form]: SimpleUploadedFile(name, upload)},
    )

    assert response.status_code == 302
    row, data = stored_row(form)
    assert b"<script" not in data
    assert row.sha256 == hashlib.sha256(data).hexdigest()
    image = Image.open(io.BytesIO(data))
    assert [key for key in ("comment", "Comment", "Description", "Title") if key in image.info] == []
    assert image.size == (32, 24)
    assert all(abs(got - want) <= 3 for got, want in zip(image.getpixel((16, 12)), color, strict=True))


@pytest.mark.parametrize("content", [pdf_bytes, weasyprint_pdf], ids=["pikepdf-one-page", "weasyprint"])
@pytest.mark.parametrize("form", FORMS)
def test_upload_clean_pdf_stored_as_inspected(client, org, channel, media, form, content):
    client.force_login(org.medarbetare)

    response = client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]),
        {**form_data(form), FORMS[form]: SimpleUploadedFile("rapport.pdf", content())},
    )

    assert response.status_code == 302
    row, data = stored_row(form)
    assert (row.content_type, row.size, row.sha256) == ("application/pdf", len(data), hashlib.sha256(data).hexdigest())
    assert len(pikepdf.open(io.BytesIO(data)).pages) == len(pikepdf.open(io.BytesIO(content())).pages)


@pytest.mark.parametrize(
    "filename",
    ["../../../../etc/evil.png", "..\\..\\windows\\system32\\evil.png", "/var/www/html/evil.png"],
)
@pytest.mark.parametrize("form", FORMS)
def test_upload_path_traversal_name_stored_under_generated_name(client, org, channel, media, form, filename):
    client.force_login(org.medarbetare)
    body, content_type = multipart(form_data(form), FORMS[form], filename, png_bytes())

    response = client.post(reverse(f"channel_register:{form}", args=[channel.pk]), data=body, content_type=content_type)

    assert response.status_code == 302
    row = ScreenshotFile.objects.get() if form == "screenshot_create" else RemovalEntry.objects.get()
    assert row.original_name == "evil.png"
    assert GENERATED_NAME.fullmatch(row.file.name)
    assert stored_files(media.parent) == [f"media/{row.file.name}"]


# --- Downloads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "kind", "name", "disposition"),
    [
        ("screenshot_create", "skarmdump", "skärmdump.png", "attachment; filename*=utf-8''sk%C3%A4rmdump.png"),
        ("removal_create", "bevis", "bevis.png", 'attachment; filename="bevis.png"'),
    ],
)
def test_download_same_bytes_as_attachment_nosniff(client, org, channel, media, form, kind, name, disposition):
    client.force_login(org.medarbetare)
    client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]), {**form_data(form), FORMS[form]: png_upload(name)}
    )
    row = ScreenshotFile.objects.get() if kind == "skarmdump" else RemovalEntry.objects.get()
    with row.file.open("rb") as handle:
        stored = handle.read()
    client.force_login(org.kommunikator)

    response = client.get(reverse("channel_register:download", args=[kind, row.pk]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == stored
    assert hashlib.sha256(body).hexdigest() == row.sha256
    assert response["Content-Disposition"] == disposition
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
