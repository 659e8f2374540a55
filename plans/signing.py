"""Optional digital signature (PAdES) of the stored plan PDF, with pyHanko.

When `PDF_SIGNING_CERTIFICATE` names a PKCS#12 file (`PDF_SIGNING_PASSWORD` its password), the
rendered PDF is signed as PAdES baseline B (CMS with the subfilter ETSI.CAdES.detached) in an
incremental update: the original bytes stay as they were at the start of the file, and the
signature covers all of them. Without a certificate the PDF is stored unsigned, and the plan
page says so. A certificate that is configured but cannot be used is a configuration error,
raised with a clear message: a plan must never end up unsigned without anybody noticing.
"""

import asyncio
import datetime
import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

SIGNATURE_FIELD = "Signatur"
SIGNATURE_REASON = "Beslutad handlingsplan"


def signing_configured() -> bool:
    return bool(settings.PDF_SIGNING_CERTIFICATE)


def load_signer() -> signers.SimpleSigner:
    """The signer of the configured PKCS#12 file, or ImproperlyConfigured saying what is wrong.

    The file is read here rather than by `SimpleSigner.load_pkcs12`, which logs a failure and
    returns None: reading it ourselves tells a missing file from a wrong password."""
    path = Path(settings.PDF_SIGNING_CERTIFICATE)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(
            f"PDF_SIGNING_CERTIFICATE: the PKCS#12 file {path} cannot be read ({exc.strerror or exc})."
        ) from exc
    password = settings.PDF_SIGNING_PASSWORD.encode("utf-8") if settings.PDF_SIGNING_PASSWORD else None
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(data, other_certs=(), passphrase=password)
    except Exception as exc:  # pyHanko and cryptography raise several kinds for a bad file or password
        raise ImproperlyConfigured(
            f"PDF_SIGNING_CERTIFICATE: {path} is not a PKCS#12 file with a key and a certificate, "
            f"or PDF_SIGNING_PASSWORD is wrong ({type(exc).__name__}: {exc})."
        ) from exc
    certificate = signer.signing_cert
    now = datetime.datetime.now(datetime.UTC)
    if not certificate.not_valid_before <= now <= certificate.not_valid_after:
        # A signature by an expired (or not yet valid) certificate fails every validator.
        raise ImproperlyConfigured(
            f"PDF_SIGNING_CERTIFICATE: the certificate in {path} is valid only from "
            f"{certificate.not_valid_before:%Y-%m-%d} to {certificate.not_valid_after:%Y-%m-%d}."
        )
    return signer


def call_outside_event_loop(function, *args):
    """`function(*args)` where no asyncio event loop is running. pyHanko's synchronous API calls
    asyncio.run, which refuses to start inside a running loop (an async caller; in the tests,
    Playwright's); there, the call gets a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def sign_pdf(pdf: bytes, *, location: str = "") -> bytes | None:
    """The PDF signed as PAdES with the configured certificate, or None when none is configured.
    `location`: where it was signed (the signature block's place); empty: the installation's."""
    if not signing_configured():
        return None
    signer = load_signer()
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=SIGNATURE_REASON,
        location=location or settings.PDF_SIGNATURE_PLACE,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = call_outside_event_loop(signers.PdfSigner(metadata, signer=signer).sign_pdf, writer)
    return output.getvalue()
