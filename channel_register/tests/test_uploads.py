"""Uploads are judged by their content: what is refused, and what is stored.

The hostile files are built here, at test time, and test_upload_views.py sends the same ones
through the real upload pages."""

import hashlib
import io
from functools import cache

import pikepdf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext
from pikepdf import Array, Dictionary, Name, String
from PIL import Image, ImageCms, PngImagePlugin

from channel_register.uploads import check_upload, safe_display_name

SCRIPT = "<script>alert(1)</script>"


def swedish(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


PDF_ACTIVE = "The PDF file contains scripts or embedded files, which are not accepted. Print it to a new PDF."
PDF_DAMAGED = "The PDF file is damaged or incomplete."
PDF_TOO_COMPLEX = "The PDF file is too complex to be checked. Print it to a new PDF."
PDF_PROTECTED = (
    "The PDF file is protected by a password or encrypted, which is not accepted. Save or print it to a new PDF "
    "without protection."
)


# --- Files built for the tests -----------------------------------------------------------------


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


def jpeg_with_comment() -> bytes:
    """A JPEG whose COM segment holds a script: a browser sniffing the file as HTML would run it."""
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (0, 90, 200)).save(out, format="JPEG", quality=95, comment=SCRIPT.encode())
    return out.getvalue()


def png_with_text() -> bytes:
    """A PNG with the script in a tEXt, a zTXt and an iTXt chunk."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT)
    info.add_text("Description", SCRIPT, zip=True)
    info.add_itxt("Title", SCRIPT, lang="sv")
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def image_bytes(image: Image.Image, format: str, **params) -> bytes:
    out = io.BytesIO()
    image.save(out, format=format, **params)
    return out.getvalue()


def stored_image(checked) -> Image.Image:
    image = Image.open(io.BytesIO(checked.content.read()))
    image.load()
    return image


def pdf_bytes(add=None, **save_options) -> bytes:
    """A one-page PDF made by pikepdf; `add(pdf)` puts something into it first."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    if add is not None:
        add(pdf)
    out = io.BytesIO()
    pdf.save(out, **save_options)
    return out.getvalue()


def javascript_in_object_stream() -> bytes:
    """The catalog's /OpenAction runs JavaScript; the catalog and the action are compressed
    inside an object stream, so the words never appear in the file's bytes."""

    def open_action(pdf):
        pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))

    return pdf_bytes(open_action, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)


def handwritten_pdf(*objects: bytes, listed: int | None = None, misplaced: int | None = None) -> bytes:
    """A PDF written byte by byte: object n is objects[n - 1], and object 1 is the catalog. Its
    cross-reference table lists the first `listed` objects (all by default), object `misplaced`
    at the catalog's offset (so that a reader finds something else there), the others right."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    if misplaced is not None:
        offsets[misplaced - 1] = offsets[0]
    offsets = offsets[:listed]
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, xref)
    return bytes(out)


def hex_escaped_javascript() -> bytes:
    """/J#61vaScript is /JavaScript and /J#53 is /JS to every PDF reader (#61 is "a", #53 is "S")."""
    return handwritten_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
    )


@cache
def weasyprint_pdf() -> bytes:
    """A PDF as the plans' own renderer makes them: tagged, with outlines and a web link."""
    from weasyprint import HTML  # slow to import: only the tests that need it pay for it

    html = '<h1>Handlingsplan</h1><p>Se <a href="https://www.regionuppsala.se/">regionens webbplats</a>.</p>'
    return HTML(string=html).write_pdf()


def link(pdf, action: Dictionary) -> None:
    """A link annotation on the first page that runs `action` when clicked."""
    annotation = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 50, 50]), A=action)
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annotation)])


def annotation(pdf, subtype: Name, **entries) -> None:
    entries = Dictionary(Type=Name.Annot, Subtype=subtype, Rect=Array([0, 0, 50, 50]), **entries)
    pdf.pages[0].obj.Annots = Array([pdf.make_indirect(entries)])


def embedded_file(pdf) -> None:
    pdf.attachments["data.txt"] = pikepdf.AttachedFileSpec(pdf, b"hemligt", filename="data.txt")


def file_attachment_annotation(pdf) -> None:
    spec = pikepdf.AttachedFileSpec(pdf, b"hemligt", filename="data.txt")
    annotation(pdf, Name.FileAttachment, FS=spec.obj)


ACTIVE_CONTENT = {
    "open-action-javascript": lambda pdf: setattr(
        pdf.Root, "OpenAction", Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))
    ),
    "javascript-as-stream": lambda pdf: setattr(
        pdf.Root, "OpenAction", Dictionary(S=Name.JavaScript, JS=pdf.make_stream(b"app.alert(1)"))
    ),
    "open-action-launch": lambda pdf: setattr(pdf.Root, "OpenAction", Dictionary(S=Name.Launch, F=String("calc.exe"))),
    "open-action-harmless-action": lambda pdf: setattr(
        pdf.Root, "OpenAction", Dictionary(S=Name.URI, URI=String("https://example.org/tracker"))
    ),
    "javascript-name-tree": lambda pdf: setattr(
        pdf.Root,
        "Names",
        Dictionary(JavaScript=Dictionary(Names=Array([String("a"), Dictionary(S=Name.JavaScript, JS=String("1"))]))),
    ),
    "page-additional-actions": lambda pdf: setattr(
        pdf.pages[0].obj, "AA", Dictionary(O=Dictionary(S=Name.URI, URI=String("https://example.org/")))
    ),
    "launch-link": lambda pdf: link(pdf, Dictionary(S=Name.Launch, F=String("calc.exe"))),
    "submit-form-link": lambda pdf: link(
        pdf, Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://example.org/collect")))
    ),
    "import-data-link": lambda pdf: link(pdf, Dictionary(S=Name.ImportData, F=String("data.fdf"))),
    "remote-go-to-link": lambda pdf: link(pdf, Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit]))),
    "rendition-link": lambda pdf: link(pdf, Dictionary(S=Name.Rendition, OP=0)),
    "javascript-uri-link": lambda pdf: link(pdf, Dictionary(S=Name.URI, URI=String("javascript:alert(1)"))),
    "file-uri-link": lambda pdf: link(pdf, Dictionary(S=Name.URI, URI=String("file:///etc/passwd"))),
    "embedded-file": embedded_file,
    "file-attachment-annotation": file_attachment_annotation,
    "rich-media-annotation": lambda pdf: annotation(pdf, Name.RichMedia),
    "xfa-form": lambda pdf: setattr(
        pdf.Root, "AcroForm", Dictionary(Fields=Array(), XFA=pdf.make_stream(b"<xdp:xdp></xdp:xdp>"))
    ),
}

HARMLESS_CONTENT = {
    "open-action-destination": lambda pdf: setattr(pdf.Root, "OpenAction", Array([pdf.pages[0].obj, Name.Fit])),
    "web-link": lambda pdf: link(pdf, Dictionary(S=Name.URI, URI=String("https://www.regionuppsala.se/"))),
    "mail-link": lambda pdf: link(pdf, Dictionary(S=Name.URI, URI=String("mailto:kob@regionuppsala.se"))),
    "go-to-link": lambda pdf: link(pdf, Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]))),
}


def refused(content: bytes, name: str) -> str:
    with pytest.raises(ValidationError) as info:
        check_upload(SimpleUploadedFile(name, content))
    return info.value.messages[0]


# --- Images --------------------------------------------------------------------------------


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


def test_jpeg_comment_segment_is_dropped_pixels_kept():
    upload = jpeg_with_comment()
    assert SCRIPT.encode() in upload

    checked = check_upload(SimpleUploadedFile("foto.jpg", upload))

    image = stored_image(checked)
    assert b"<script" not in checked.content.open().read()
    assert "comment" not in image.info
    assert image.size == (32, 24)
    assert all(abs(got - want) <= 3 for got, want in zip(image.getpixel((16, 12)), (0, 90, 200), strict=True))


def test_png_text_chunks_are_dropped_pixels_kept():
    upload = png_with_text()
    assert SCRIPT.encode() in upload

    checked = check_upload(SimpleUploadedFile("bild.png", upload))

    image = stored_image(checked)
    assert b"<script" not in checked.content.open().read()
    assert (image.text, image.size, image.getpixel((16, 12))) == ({}, (32, 24), (200, 30, 30))


def test_image_icc_profile_is_applied_and_dropped():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = image_bytes(Image.new("RGB", (8, 8), (10, 200, 30)), "PNG", icc_profile=srgb)

    checked = check_upload(SimpleUploadedFile("bild.png", upload))

    image = stored_image(checked)
    assert "icc_profile" not in image.info
    assert image.getpixel((4, 4)) == (10, 200, 30)


def test_jpeg_exif_orientation_is_applied_before_it_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was held on its side: show rotated 90° clockwise
    upload = image_bytes(Image.new("RGB", (40, 20), (0, 90, 200)), "JPEG", exif=exif)

    image = stored_image(check_upload(SimpleUploadedFile("foto.jpg", upload)))

    assert (image.size, dict(image.getexif())) == ((20, 40), {})


@pytest.mark.parametrize(
    ("image", "format", "stored_mode", "pixel"),
    [
        (Image.new("P", (8, 8), 0), "PNG", "RGBA", (0, 0, 0, 0)),  # palette with a transparent colour
        (Image.new("LA", (8, 8), (120, 40)), "PNG", "LA", (120, 40)),
        (Image.new("RGBA", (8, 8), (10, 20, 30, 40)), "PNG", "RGBA", (10, 20, 30, 40)),
        (Image.new("I;16", (8, 8), 40000), "PNG", "I;16", 40000),
        (Image.new("1", (8, 8), 1), "PNG", "1", 255),
        (Image.new("L", (8, 8), 77), "JPEG", "L", 77),
        (Image.new("CMYK", (8, 8), (0, 0, 0, 0)), "JPEG", "RGB", (255, 255, 255)),
    ],
    ids=["png-palette-transparent", "png-la", "png-rgba", "png-16-bit", "png-1-bit", "jpeg-grey", "jpeg-cmyk"],
)
def test_image_modes_are_stored_with_their_pixels(image, format, stored_mode, pixel):
    params = {"transparency": 0} if image.mode == "P" else {}

    checked = check_upload(SimpleUploadedFile(f"bild.{format.lower()}", image_bytes(image, format, **params)))

    stored = stored_image(checked)
    assert (stored.mode, stored.size, stored.getpixel((4, 4))) == (stored_mode, (8, 8), pixel)


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


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_is_stored_as_qpdf_wrote_it_after_inspection():
    # A comment is no object: a reader ignores it, a browser sniffing the bytes might not.
    upload = pdf_bytes().replace(b"%PDF-1.3\n", b"%PDF-1.3\n%" + SCRIPT.encode() + b"\n", 1)
    assert SCRIPT.encode() in upload

    checked = check_upload(SimpleUploadedFile("polisanmalan.pdf", upload))

    data = checked.content.read()
    assert checked.content_type == "application/pdf"
    assert (checked.size, checked.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert b"<script" not in data
    assert len(pikepdf.open(io.BytesIO(data)).pages) == 1


def test_pdf_made_by_weasyprint_is_accepted():
    checked = check_upload(SimpleUploadedFile("handlingsplan.pdf", weasyprint_pdf()))

    stored = pikepdf.open(io.BytesIO(checked.content.read()))
    original = pikepdf.open(io.BytesIO(weasyprint_pdf()))
    assert len(stored.pages) == len(original.pages)
    assert stored.pages[0].Contents.read_bytes() == original.pages[0].Contents.read_bytes()


def test_pdf_javascript_inside_a_compressed_object_stream_is_refused():
    upload = javascript_in_object_stream()
    # What the byte search looked for is not in the file: only parsing finds the action.
    assert [marker in upload for marker in (b"/JavaScript", b"/JS", b"/OpenAction", b"app.alert")] == [False] * 4

    assert refused(upload, "rapport.pdf") == swedish(PDF_ACTIVE)


def test_pdf_hex_escaped_javascript_is_refused():
    upload = hex_escaped_javascript()
    assert [marker in upload for marker in (b"/JavaScript", b"/JS")] == [False, False]

    assert refused(upload, "rapport.pdf") == swedish(PDF_ACTIVE)


def test_pdf_javascript_found_through_a_rebuilt_table_is_refused():
    # The table lists objects 1 to 4 and misplaces 4: reading it, qpdf rebuilds the table and
    # finds object 5, the link's (hex-escaped) JavaScript, which the old table did not list.
    upload = handwritten_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Extra 4 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] /A 5 0 R >>",
        b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>",
        listed=4,
        misplaced=4,
    )

    assert refused(upload, "rapport.pdf") == swedish(PDF_ACTIVE)


def test_pdf_object_stream_unfolding_past_the_limit_is_refused():
    # 40 MB of text, compressed with the catalog into an object stream of some 40 kB.
    def padding(pdf):
        pdf.Root.Padding = String(b"a" * 40_000_000)

    upload = pdf_bytes(padding, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    assert len(upload) < 100_000

    assert refused(upload, "rapport.pdf") == swedish(PDF_DAMAGED)


def test_pdf_with_more_entries_than_can_be_checked_is_refused():
    # 1.05 million names, in arrays of 150 000: each within qpdf's limit, all past ours.
    arrays = [b"[" + b"/A " * 150_000 + b"]"] * 7
    upload = handwritten_pdf(
        b"<< /Type /Catalog /Pages 2 0 R /Padding [4 0 R 5 0 R 6 0 R 7 0 R 8 0 R 9 0 R 10 0 R] >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *arrays,
    )

    assert refused(upload, "rapport.pdf") == swedish(PDF_TOO_COMPLEX)


@pytest.mark.parametrize("case", ACTIVE_CONTENT)
def test_pdf_with_active_content_is_refused(case):
    assert refused(pdf_bytes(ACTIVE_CONTENT[case]), "rapport.pdf") == swedish(PDF_ACTIVE)


@pytest.mark.parametrize("case", HARMLESS_CONTENT)
def test_pdf_with_links_and_destinations_is_accepted(case):
    checked = check_upload(SimpleUploadedFile("rapport.pdf", pdf_bytes(HARMLESS_CONTENT[case])))

    assert len(pikepdf.open(io.BytesIO(checked.content.read())).pages) == 1


@pytest.mark.parametrize(
    "encryption",
    [pikepdf.Encryption(owner="agare", user=""), pikepdf.Encryption(owner="agare", user="hemligt")],
    ids=["restrictions-only", "password-to-open"],
)
def test_pdf_encrypted_is_refused(encryption):
    assert refused(pdf_bytes(encryption=encryption), "skyddad.pdf") == swedish(PDF_PROTECTED)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\nthis is no PDF at all\n%%EOF\n",
        handwritten_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"),
        pdf_bytes()[:-200],
    ],
    ids=["garbage", "no-pages", "truncated"],
)
def test_pdf_damaged_is_refused(content):
    assert refused(content, "trasig.pdf") == swedish(PDF_DAMAGED)


@override_settings(UPLOAD_MAX_BYTES=2048)
def test_the_size_limit_is_configurable():
    small = check_upload(SimpleUploadedFile("a.pdf", pdf_bytes()))

    message = refused(pdf_bytes() + b"\0" * 2048, "b.pdf")

    assert small.size < 2048
    assert message == "Filen är för stor: högst 2,0\xa0kB är tillåtet."


# --- Names -----------------------------------------------------------------------------------


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
