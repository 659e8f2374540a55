"""Test material for the signed plan PDF: approved plans, a small valid PDF, a stored PDF, and a
signing certificate made at test time (a throwaway CA and a signer, in a PKCS#12 file)."""

import datetime
import hashlib
import io
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.utils import timezone
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.basic import get_courier
from pyhanko.pdf_utils.writer import PdfFileWriter

from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import Plan, SignedPlan
from plans.signing import sign_pdf

from .factories import complete_plan

CERTIFICATE_PASSWORD = "test-lösenord"
VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def approve(plan: Plan, org) -> Plan:
    """Submit `plan` (written by org.medarbetare) and approve it at every step of the chain."""
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(plan.pk, Action.APPROVE, actor=org.chef)
    transition(plan.pk, Action.APPROVE, actor=org.kommunikator)
    transition(plan.pk, Action.APPROVE, actor=org.direktor)
    plan.refresh_from_db()
    return plan


def approved_plan(org, **overrides) -> Plan:
    return approve(complete_plan(org.medarbetare, **overrides), org)


def approved_revision(plan: Plan, org) -> Plan:
    """The next version of an approved plan, approved in its turn (the old one is superseded)."""
    return approve(revise(plan.pk, actor=org.medarbetare), org)


def small_pdf(text: str = "Handlingsplan") -> bytes:
    """A valid one-page PDF with `text` on it, written by pyHanko (no WeasyPrint needed)."""
    writer = PdfFileWriter()
    font = writer.add_object(get_courier(writer))
    content = f"BT /F1 12 Tf 72 760 Td ({text}) Tj ET".encode("latin-1")
    page = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Page"),
            generic.NameObject("/MediaBox"): generic.ArrayObject([generic.NumberObject(n) for n in (0, 0, 595, 842)]),
            generic.NameObject("/Resources"): generic.DictionaryObject(
                {generic.NameObject("/Font"): generic.DictionaryObject({generic.NameObject("/F1"): font})}
            ),
            generic.NameObject("/Contents"): writer.add_object(generic.StreamObject(stream_data=content)),
        }
    )
    writer.insert_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def store_pdf(plan: Plan, pdf: bytes | None = None) -> SignedPlan:
    """Store a rendered PDF for an approved plan as plans.domain.archive.render stores it: signed
    by plans.signing.sign_pdf when a certificate is configured. (The PDF is given rather than
    rendered, so that these tests do not depend on the layout of plans.pdf.)"""
    original = pdf if pdf is not None else small_pdf(f"Handlingsplan {plan.reference}")
    signed_pdf = sign_pdf(original)
    data = signed_pdf if signed_pdf is not None else original
    SignedPlan.objects.filter(plan=plan, pdf_sha256="").update(
        pdf=data,
        pdf_sha256=hashlib.sha256(data).hexdigest(),
        digitally_signed=signed_pdf is not None,
        rendered_at=timezone.now(),
    )
    return SignedPlan.objects.get(plan=plan)


@dataclass(frozen=True)
class SigningCertificate:
    path: Path
    password: str
    root: asn1_x509.Certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Region Uppsala (test)"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        ]
    )


def _key_usage(*, signer: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signer,
        content_commitment=signer,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not signer,
        crl_sign=not signer,
        encipher_only=False,
        decipher_only=False,
    )


def make_signing_certificate(
    directory: Path, *, password: str = CERTIFICATE_PASSWORD, valid_from_days: int = -1, valid_to_days: int = 30
) -> SigningCertificate:
    """A self-signed test root and a signer certificate issued by it (digitalSignature and
    nonRepudiation), valid from and to the given number of days from now; the signer's key and
    both certificates in a PKCS#12 file in `directory`."""
    now = datetime.datetime.now(datetime.UTC)
    valid_from = now + datetime.timedelta(days=valid_from_days)
    valid_to = now + datetime.timedelta(days=valid_to_days)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("KoB Social test root"))
        .issuer_name(_name("KoB Social test root"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signer=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    signer_key = ec.generate_private_key(ec.SECP256R1())
    signer = (
        x509.CertificateBuilder()
        .subject_name(_name("Kultur och bildning, beslutade handlingsplaner"))
        .issuer_name(root.subject)
        .public_key(signer_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(valid_to)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signer=True), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    path = directory / "signer.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"kob-social",
            signer_key,
            signer,
            [root],
            serialization.BestAvailableEncryption(password.encode("utf-8")),
        )
    )
    root_der = root.public_bytes(serialization.Encoding.DER)
    return SigningCertificate(path=path, password=password, root=asn1_x509.Certificate.load(root_der))


class _TextById(HTMLParser):
    """The text inside the element with one id (nested elements included)."""

    def __init__(self, element_id: str):
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.found = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in VOID_ELEMENTS:
                self.depth += 1
        elif dict(attrs).get("id") == self.element_id:
            self.found += 1
            self.depth = 0 if tag in VOID_ELEMENTS else 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def text_by_id(html: bytes | str, element_id: str) -> str:
    """The whitespace-normalised text of the one element with `element_id` (fails if there are
    none or several)."""
    parser = _TextById(element_id)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    assert parser.found == 1, f"{parser.found} elements with id {element_id!r}"
    return " ".join("".join(parser.parts).split())
