"""Uploads are judged by their content: what is refused, and what is stored."""

import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from channel_register.uploads import check_upload, safe_display_name


def png_bytes(width=40, height=30, color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (20, 20), (0, 90, 200))
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def refused(content: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile(name, content))
    return info.value.messages[0]


def test_png_is_reencoded_and_hashed():
    checked = check_upload(SimpleUploadedFile("skärmdump.png", png_bytes()))
    data = checked.content.read()

    assert checked.content_type == "image/png"
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.size == len(data)
    assert checked.content.name.endswith(".png")
    assert checked.content.name != "skärmdump.png"
    assert checked.original_name == "skärmdump.png"
    assert Image.open(io.BytesIO(data)).size == (40, 30)


def test_jpeg_loses_its_exif_metadata():
    checked = check_upload(SimpleUploadedFile("foto.jpg", jpeg_with_exif()))

    assert dict(Image.open(io.BytesIO(checked.content.read())).getexif()) == {}


def test_pdf_is_accepted_as_it_is():
    checked = check_upload(SimpleUploadedFile("polisanmalan.pdf", MINIMAL_PDF))

    assert (checked.content_type, checked.content.read()) == ("application/pdf", MINIMAL_PDF)


def test_svg_with_a_script_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'

    assert refused(svg, "bild.svg") == (
        "Endast PNG-, JPEG- och PDF-filer tas emot. Den här filen är av ett annat slag, oavsett vad namnet säger."
    )


def test_html_renamed_to_png_is_refused():
    assert refused(b"<html><body><script>alert(1)</script></body></html>", "bild.png").startswith(
        "Endast PNG-, JPEG- och PDF-filer"
    )


def test_a_25_mb_file_is_refused():
    assert refused(b"\x89PNG\r\n\x1a\n" + b"\0" * (25 * 1024 * 1024), "stor.png") == (
        "Filen är för stor: högst 20,0\xa0MB är tillåtet."
    )


def test_a_20000_by_20000_pixel_image_is_refused():
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")

    assert refused(out.getvalue(), "jätte.png").startswith("Bilden är för stor")


def test_a_truncated_image_is_refused():
    assert refused(png_bytes()[:60], "trasig.png") == "Bilden kunde inte läsas. Spara den igen som PNG eller JPEG."


def test_a_truncated_image_is_refused_even_after_a_library_relaxed_pillow():
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True  # what importing WeasyPrint does to the whole process

    assert refused(png_bytes()[:60], "trasig.png") == "Bilden kunde inte läsas. Spara den igen som PNG eller JPEG."
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_a_pdf_with_javascript_is_refused():
    pdf = b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF\n"

    assert refused(pdf, "ok.pdf").startswith("PDF-filen innehåller skript")


@override_settings(UPLOAD_MAX_BYTES=2048)
def test_the_size_limit_is_configurable():
    small = check_upload(SimpleUploadedFile("a.pdf", MINIMAL_PDF))

    message = refused(MINIMAL_PDF + b"\0" * 2048, "b.pdf")

    assert small.size == len(MINIMAL_PDF)
    assert message == "Filen är för stor: högst 2,0\xa0kB är tillåtet."


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\system32\\evil.png", "evil.png"),
        ("/var/www/index.png", "index.png"),
        ("\x00\x1b.png", "png"),
        ("", "fil"),
    ],
)
def test_path_traversal_names_are_reduced_to_a_plain_name(name, expected):
    assert safe_display_name(name) == expected


def test_path_traversal_upload_is_stored_under_a_generated_name():
    checked = check_upload(SimpleUploadedFile("../../../../tmp/evil.png", png_bytes()))

    assert "/" not in checked.content.name
    assert ".." not in checked.content.name
    assert checked.original_name == "evil.png"
