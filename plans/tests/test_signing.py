"""The digital signature (PAdES) of the stored plan PDF, checked with pyHanko's own validator
against a certificate made for the test: intact, trusted, covering the whole original; without
a certificate nothing is signed; a configured certificate that cannot be used is an error."""

import asyncio
import hashlib
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import validation
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from plans.domain import archive
from plans.models import SignedPlan
from plans.signing import call_outside_event_loop, sign_pdf

from .archive_factories import approved_plan, make_signing_certificate, small_pdf


@pytest.fixture
def certificate(tmp_path, settings):
    """A test root and signer, configured as the site's signing certificate."""
    made = make_signing_certificate(tmp_path)
    settings.PDF_SIGNING_CERTIFICATE = str(made.path)
    settings.PDF_SIGNING_PASSWORD = made.password
    settings.PDF_SIGNATURE_PLACE = "Uppsala"
    return made


def only_signature(pdf: bytes):
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    return signature


def validate_pdf_signature(signature, context: ValidationContext):
    """pyHanko's validator (which starts an event loop of its own), wherever the test runs."""
    return call_outside_event_loop(validation.validate_pdf_signature, signature, context)


def trusting(certificate) -> ValidationContext:
    return ValidationContext(trust_roots=[certificate.root])


def test_sign_pdf_without_certificate_returns_none(settings):
    settings.PDF_SIGNING_CERTIFICATE = ""

    signed = sign_pdf(small_pdf())

    assert signed is None


def test_sign_pdf_with_certificate_validates_intact_and_trusted(certificate):
    original = small_pdf()

    signed = sign_pdf(original)

    status = validate_pdf_signature(only_signature(signed), trusting(certificate))
    assert (status.intact, status.valid, status.trusted, status.bottom_line) == (True, True, True, True)
    assert status.summary() == "INTACT:TRUSTED,UNTOUCHED"


def test_sign_pdf_with_certificate_covers_the_whole_original(certificate):
    original = small_pdf()

    signed = sign_pdf(original)

    # An incremental update: the original bytes, unchanged, then the signature's revision.
    assert signed[: len(original)] == original
    signature = only_signature(signed)
    status = validate_pdf_signature(signature, trusting(certificate))
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    start, first_length, second_start, second_length = signature.byte_range
    # Everything is signed except the hole that holds the signature itself, which lies after
    # the original: the original is wholly inside the first signed range.
    assert (start, second_start + second_length) == (0, len(signed))
    assert first_length > len(original)


def test_sign_pdf_with_certificate_is_a_pades_signature_with_reason_and_place(certificate, settings):
    settings.PDF_SIGNATURE_PLACE = "Uppsala slott"

    signed = sign_pdf(small_pdf())

    signature = only_signature(signed)
    values = [signature.field_name, *(str(signature.sig_object[key]) for key in ("/SubFilter", "/Reason", "/Location"))]
    assert values == ["Signatur", "/ETSI.CAdES.detached", "Beslutad handlingsplan", "Uppsala slott"]


def test_sign_pdf_called_inside_a_running_event_loop_still_signs(certificate):
    async def sign_from_async_code():
        return sign_pdf(small_pdf())

    # (The test's own loop, too, is started where no other loop runs.)
    signed = call_outside_event_loop(asyncio.run, sign_from_async_code())

    assert validate_pdf_signature(only_signature(signed), trusting(certificate)).bottom_line is True


def test_signed_pdf_with_one_byte_changed_is_not_intact(certificate):
    signed = bytearray(sign_pdf(small_pdf("Handlingsplan KOB")))
    at = signed.index(b"Handlingsplan KOB")
    signed[at] = ord("X")

    status = validate_pdf_signature(only_signature(bytes(signed)), trusting(certificate))

    assert (status.intact, status.bottom_line) == (False, False)


def test_signed_pdf_without_the_test_root_is_intact_but_untrusted(certificate):
    signed = sign_pdf(small_pdf())

    status = validate_pdf_signature(only_signature(signed), ValidationContext(trust_roots=[]))

    assert (status.intact, status.trusted, status.bottom_line) == (True, False, False)


def test_sign_pdf_with_missing_certificate_file_raises_improperly_configured(tmp_path, settings):
    settings.PDF_SIGNING_CERTIFICATE = str(tmp_path / "saknas.p12")

    with pytest.raises(ImproperlyConfigured) as raised:
        sign_pdf(small_pdf())

    missing = tmp_path / "saknas.p12"
    assert str(raised.value) == (
        f"PDF_SIGNING_CERTIFICATE: the PKCS#12 file {missing} cannot be read (No such file or directory)."
    )


def test_sign_pdf_with_wrong_password_raises_improperly_configured(certificate, settings):
    settings.PDF_SIGNING_PASSWORD = "fel lösenord"

    with pytest.raises(ImproperlyConfigured) as raised:
        sign_pdf(small_pdf())

    assert str(raised.value).startswith(
        f"PDF_SIGNING_CERTIFICATE: {certificate.path} is not a PKCS#12 file with a key and a certificate, "
        "or PDF_SIGNING_PASSWORD is wrong"
    )


def test_sign_pdf_with_a_file_that_is_not_pkcs12_raises_improperly_configured(tmp_path, settings):
    not_a_certificate = tmp_path / "intyg.p12"
    not_a_certificate.write_bytes(small_pdf())
    settings.PDF_SIGNING_CERTIFICATE = str(not_a_certificate)
    settings.PDF_SIGNING_PASSWORD = ""

    with pytest.raises(ImproperlyConfigured) as raised:
        sign_pdf(small_pdf())

    assert str(raised.value).startswith(f"PDF_SIGNING_CERTIFICATE: {not_a_certificate} is not a PKCS#12 file")


def test_sign_pdf_with_expired_certificate_raises_improperly_configured(tmp_path, settings):
    expired = make_signing_certificate(tmp_path, valid_from_days=-60, valid_to_days=-1)
    settings.PDF_SIGNING_CERTIFICATE = str(expired.path)
    settings.PDF_SIGNING_PASSWORD = expired.password

    with pytest.raises(ImproperlyConfigured) as raised:
        sign_pdf(small_pdf())

    assert str(raised.value).startswith(f"PDF_SIGNING_CERTIFICATE: the certificate in {expired.path} is valid only")


# --- Through the rendering of an approved plan ----------------------------------------------------


def test_render_with_certificate_stores_a_trusted_signed_pdf(org, certificate):
    plan = approved_plan(org)

    stored = archive.render(plan.signed.pk)

    signed = SignedPlan.objects.get(plan=plan)
    data = bytes(signed.pdf)
    status = validate_pdf_signature(only_signature(data), trusting(certificate))
    assert (stored, signed.digitally_signed, signed.pdf_sha256) == (True, True, hashlib.sha256(data).hexdigest())
    assert status.bottom_line is True


def test_render_without_certificate_stores_the_pdf_unsigned(org, settings):
    settings.PDF_SIGNING_CERTIFICATE = ""
    plan = approved_plan(org)

    stored = archive.render(plan.signed.pk)

    signed = SignedPlan.objects.get(plan=plan)
    data = bytes(signed.pdf)
    assert (stored, signed.digitally_signed, signed.pdf_sha256) == (True, False, hashlib.sha256(data).hexdigest())
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []


def test_render_with_bad_certificate_path_stores_nothing_and_keeps_the_error(org, tmp_path, settings):
    settings.PDF_SIGNING_CERTIFICATE = str(tmp_path / "saknas.p12")
    plan = approved_plan(org)

    with pytest.raises(ImproperlyConfigured):
        archive.render(plan.signed.pk)

    signed = SignedPlan.objects.get(plan=plan)
    assert (signed.pdf, signed.pdf_sha256, signed.digitally_signed) == (None, "", False)
    assert signed.render_error.startswith("ImproperlyConfigured: PDF_SIGNING_CERTIFICATE: the PKCS#12 file")
