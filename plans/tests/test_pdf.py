"""The signed plan as a PDF/A document (plans/pdf.py): content, archival form, safety, drafts.

The document's text is read back with poppler's pdftotext (skipped where poppler-utils is
missing, a failure under REQUIRE_SERVICES=1); its structure with pyHanko's PDF reader. Fixed
texts are compared with their Swedish translation (`sv`), the language the document is
rendered in whatever the request's language.
"""

import io
import json
import re
import shutil
import subprocess
import tempfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from pyhanko.pdf_utils.reader import PdfFileReader
from weasyprint import HTML

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.tests.channel_factories import approved_plan
from ops.benchmarks.plan_pdf import sample_snapshot
from plans.domain.archive import build_snapshot, draft_pdf, fingerprint
from plans.domain.transitions import transition
from plans.enums import Action, Metric
from plans.models import SignedPlan
from plans.pdf import AUTHOR, BASE_URL, PDF_VARIANT, FetchRefused, StaticOnlyFetcher, render_plan_pdf, write_pdf

from .factories import complete_plan

STYLESHEET_URL = BASE_URL + "static/pdf/plan.css"
HOSTILE = (
    'Se <img src="file:///etc/passwd"> och <link rel=stylesheet href="http://10.0.0.1/x.css">'
    "<style>body{display:none}</style> – åäö"
)
GOALS = [
    {
        "description": "Fler följare bland unga vuxna i Östhammar och Älvkarleby",
        "metric": Metric.FOLLOWERS,
        "baseline": Decimal("1200"),
        "target": Decimal("2000"),
        "deadline": date(2027, 12, 31),
    },
    {
        "description": "Fler anmälningar till författarsamtal på länets bibliotek",
        "metric": Metric.REGISTRATIONS,
        "baseline": Decimal("45"),
        "target": Decimal("120"),
        "deadline": date(2027, 6, 30),
    },
]
CHAIN_WITH_COMMENTS = [
    ("chef", Action.APPROVE, "Bra plan – godkänd för Länsbiblioteket."),
    ("kommunikator", Action.RETURN, "Förtydliga tillsynen under semestern, tack."),
    ("medarbetare", Action.SUBMIT, ""),
    ("chef", Action.APPROVE, ""),
    ("kommunikator", Action.APPROVE, "Nu är tillsynen tydlig; kanalen får öppnas."),
    ("direktor", Action.APPROVE, "Beslutad. Utvärdera målen efter ett år – åäö ÅÄÖ é."),
]


# --- helpers ------------------------------------------------------------------------------------


def sv(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


def pdftotext(pdf: bytes, *args: str) -> str:
    from conftest import skip_or_fail

    if not shutil.which("pdftotext"):
        skip_or_fail("poppler's pdftotext not found (apt-get install poppler-utils)")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run(["pdftotext", *args, handle.name, "-"], check=True, capture_output=True, text=True).stdout


def squash(text: str) -> str:
    """Text without any white space, so that a value wrapped over lines still matches."""
    return re.sub(r"\s+", "", text)


def unhyphenate(text: str) -> str:
    """The decision chain's step and role names are hyphenated at line ends; join them."""
    return re.sub(r"(?<=\w)[-\u2010\u00ad]\n(?=\w)", "", text)


def page_texts(pdf: bytes) -> list[str]:
    return [pdftotext(pdf, "-layout", "-f", str(n), "-l", str(n)) for n in range(1, page_count(pdf) + 1)]


def page_count(pdf: bytes) -> int:
    return PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"]


def xmp(pdf: bytes) -> str:
    reader = PdfFileReader(io.BytesIO(pdf))
    return reader.root["/Metadata"].get_object().data.decode("utf-8")


def plan_through_chain(org, steps=CHAIN_WITH_COMMENTS, **overrides):
    """A Länsbiblioteket plan by `medarbetare`, submitted and taken through `steps`."""
    plan = complete_plan(org.medarbetare, **overrides)
    transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    for actor, action, comment in steps:
        transition(plan.pk, action, actor=getattr(org, actor), comment=comment)
    plan.refresh_from_db()
    return plan


def swedish_plan(org):
    """Signed, with Swedish letters and line breaks in every text, two goals and comments."""
    colleague = make_user(Role.MEDARBETARE, unit=org.library, full_name="Åsa Älvström", title="Bibliotekarie")
    return plan_through_chain(
        org,
        purpose="Nå unga vuxna i Östhammar.\nVäcka läslust – även hos dem som aldrig går till biblioteket.",
        activities="Två inlägg i veckan.\nFörfattarsamtal i Älvkarleby och Öregrund.",
        supervision="Ansvarig bevakar vardagar.\nUnder semestern har ersättaren tillsyn enligt schemat.",
        goals=GOALS,
        other_people=[colleague],
        registration_number="KUN2026-00417",
    )


def signed_pdf(plan) -> bytes:
    signed = plan.signed
    return render_plan_pdf(signed.snapshot, fingerprint=signed.snapshot_sha256)


# --- content ------------------------------------------------------------------------------------


def test_signed_plan_pdf_shows_every_field_of_the_snapshot(org):
    plan = swedish_plan(org)
    snapshot = plan.signed.snapshot

    text = squash(pdftotext(signed_pdf(plan), "-raw"))

    missing = [
        (field["label"], field["value"])
        for field in snapshot["fields"]
        if squash(field["label"]) not in text or squash(field["value"]) not in text
    ]
    assert missing == []
    assert squash(snapshot["title"]) in text
    assert [field["key"] for field in snapshot["fields"] if not field["value"]] == []


def test_signed_plan_pdf_shows_every_goal_in_a_row_of_its_own(org):
    plan = swedish_plan(org)
    goals = plan.signed.snapshot["goals"]

    text = squash(pdftotext(signed_pdf(plan), "-raw"))

    rows = [f"{g['description']} {g['metric']} {g['baseline']} {g['target']} {g['deadline']}" for g in goals]
    assert rows == [
        "Fler följare bland unga vuxna i Östhammar och Älvkarleby Följare 1\xa0200 2\xa0000 2027-12-31",
        "Fler anmälningar till författarsamtal på länets bibliotek Anmälningar till arrangemang 45 120 2027-06-30",
    ]
    assert [squash(row) in text for row in rows] == [True, True]


def test_signed_plan_pdf_places_goals_after_purpose_and_before_activities(org):
    plan = swedish_plan(org)
    labels = {field["key"]: field["label"] for field in plan.signed.snapshot["fields"]}

    text = squash(pdftotext(signed_pdf(plan), "-raw"))

    positions = [
        text.index(squash(labels["purpose"])),
        text.index(squash(GOALS[0]["description"])),
        text.index(squash(labels["activities"])),
    ]
    assert positions == sorted(positions)


def test_signed_plan_pdf_keeps_the_line_breaks_of_multi_line_texts(org):
    plan = swedish_plan(org)

    lines = pdftotext(signed_pdf(plan), "-raw").splitlines()

    first = lines.index("Två inlägg i veckan.")
    assert lines[first + 1] == "Författarsamtal i Älvkarleby och Öregrund."


def test_signed_plan_pdf_shows_every_decision_with_name_and_comment(org):
    plan = swedish_plan(org)
    decisions = plan.signed.snapshot["decisions"]

    text = squash(unhyphenate(pdftotext(signed_pdf(plan), "-raw")))

    shown = [
        all(squash(decision[key]) in text for key in ("step", "outcome", "name", "role", "at", "comment"))
        for decision in decisions
    ]
    assert shown == [True] * len(decisions)
    assert [(decision["name"], decision["comment"]) for decision in decisions] == [
        ("Karin Sjöström", "Bra plan – godkänd för Länsbiblioteket."),
        ("Sara Öberg", "Förtydliga tillsynen under semestern, tack."),
        ("Karin Sjöström", ""),
        ("Sara Öberg", "Nu är tillsynen tydlig; kanalen får öppnas."),
        ("Anders Ekholm", "Beslutad. Utvärdera målen efter ett år – åäö ÅÄÖ é."),
    ]
    assert text.count(squash("Förtydliga tillsynen under semestern, tack.")) == 1


def test_signed_plan_pdf_ends_with_the_signature_block_and_the_directors_decision(org):
    plan = swedish_plan(org)
    signature = plan.signed.snapshot["signature"]
    director = plan.signed.snapshot["director_decision"]

    text = squash(pdftotext(signed_pdf(plan), "-raw"))

    block = squash(
        f"{signature['statement']} {sv('Place')}: {signature['place']} {sv('Date')}: {signature['date']} "
        f"{signature['name']}, {signature['title']} {sv('Signature of the deciding manager')}"
    )
    assert block in text
    with translation.override("sv"):
        approved = gettext("Approved electronically in KoB Social on %(time)s.") % {"time": signature["signed_at"]}
    assert squash(approved) in text
    assert signature["name"] == "Karin Sjöström"
    decision = squash(f"{sv('Decision of the director of culture')} {sv('Decision')} {director['outcome']}")
    assert decision in text
    assert squash(f"{director['name']}, {director['title']} ({director['role']})") in text
    assert text.index(block) < text.index(decision)


def test_signed_plan_pdf_names_whom_a_deputy_decided_for(org, deputies):
    # The kulturdirektör's own plan: the standing deputy decides the last step "för" him.
    plan = complete_plan(org.direktor, unit=org.library, responsible=org.medarbetare)
    transition(plan.pk, Action.SUBMIT, actor=org.direktor)
    for actor in (org.chef, org.kommunikator, deputies.stabschef):
        transition(plan.pk, Action.APPROVE, actor=actor, comment="Godkänd.")
    plan.refresh_from_db()

    text = squash(pdftotext(signed_pdf(plan), "-raw"))

    assert squash("Eva Lund, Stabschef (för Anders Ekholm) (Kulturdirektör)") in text  # the director's decision
    assert text.count(squash("(för Anders Ekholm)")) == 2  # and its row in the decision chain


def test_signed_plan_pdf_carries_diarienummer_version_fingerprint_and_page_numbers_on_every_page(org):
    plan = swedish_plan(org)
    signed = plan.signed

    pages = page_texts(signed_pdf(plan))

    total = len(pages)
    header = f"{sv('Registration number')} {plan.diarienummer} · {sv('Version')} 1"
    with translation.override("sv"):
        numbers = [gettext("Page %(page)s of %(pages)s") % {"page": n, "pages": total} for n in range(1, total + 1)]
    assert [header in page for page in pages] == [True] * total
    assert [re.findall(r"\b[0-9a-f]{64}\b", page) for page in pages] == [[signed.snapshot_sha256]] * total
    assert [numbers[n] in page for n, page in enumerate(pages)] == [True] * total
    assert total >= 2
    assert plan.diarienummer != ""


def test_signed_plan_pdf_keeps_long_addresses_and_words_inside_the_page(org):
    url = "https://www.facebook.com/" + "lansbiblioteket_uppsala_lasframjande_" * 5
    word = "Läsfrämjandeinsatsutvärderingsrapportsammanställningsansvarig" * 3
    plan = approved_plan(org, channel_url=url, purpose=f"{word} och {word}.")
    pdf = signed_pdf(plan)

    boxes = pdftotext(pdf, "-bbox")

    right_edges = [float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes)]
    page_width = 595.276
    right_margin = 20 / 25.4 * 72
    assert max(right_edges) <= page_width - right_margin + 0.5
    assert squash(url) in squash(pdftotext(pdf, "-raw"))


def test_signed_plan_pdf_is_the_same_document_when_rendered_twice(org):
    plan = swedish_plan(org)

    first, second = signed_pdf(plan), signed_pdf(plan)

    assert first == second


# --- archival form ------------------------------------------------------------------------------


def test_plan_pdf_declares_pdf_a_2u_in_its_xmp_metadata():
    snapshot = sample_snapshot(goal_count=3)

    metadata = xmp(render_plan_pdf(snapshot, fingerprint=fingerprint(snapshot)))

    part = re.search(r'pdfaid:part="(\d)"', metadata)[1]
    conformance = re.search(r'pdfaid:conformance="([ABU])"', metadata)[1]
    assert (part, conformance) == ("2", "U")
    assert PDF_VARIANT == "pdf/a-2u"


def test_plan_pdf_carries_title_author_language_and_output_intent():
    snapshot = sample_snapshot(goal_count=3)

    pdf = render_plan_pdf(snapshot, fingerprint=fingerprint(snapshot))

    reader = PdfFileReader(io.BytesIO(pdf))
    info = reader.trailer_view["/Info"]
    metadata = xmp(pdf)
    assert (str(info["/Title"]), str(info["/Author"])) == (snapshot["title"], AUTHOR)
    assert str(reader.root["/Lang"]) == "sv"
    assert re.search(r'<rdf:li xml:lang="x-default">([^<]*)</rdf:li>', metadata)[1] == snapshot["title"]
    assert re.search(r"<dc:creator><rdf:Seq><rdf:li>([^<]*)</rdf:li>", metadata)[1] == AUTHOR
    assert re.search(r"<xmp:CreateDate>([^<]*)</xmp:CreateDate>", metadata)[1] == "2026-10-14T16:20:00+02:00"
    assert [str(intent["/S"]) for intent in reader.root["/OutputIntents"]] == ["/GTS_PDFA1"]
    permanent_id, _changing_id = reader.trailer_view["/ID"]
    assert str(permanent_id) == fingerprint(snapshot)


def test_plan_pdf_embeds_every_font():
    snapshot = sample_snapshot(goal_count=3)
    pdf = render_plan_pdf(snapshot, fingerprint=fingerprint(snapshot))

    reader = PdfFileReader(io.BytesIO(pdf))
    fonts = {}
    for page in reader.root["/Pages"]["/Kids"]:
        for font in page.get_object()["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"]
                fonts[str(descriptor["/FontName"])] = "/FontFile2" in descriptor

    assert set(fonts.values()) == {True}
    families = {re.sub(r"^/[A-Z]{6}\+", "", name) for name in fonts}
    assert {"DejaVu-Serif", "DejaVu-Sans", "DejaVu-Sans-Bold", "DejaVu-Sans-Mono"} <= families


# --- safety -------------------------------------------------------------------------------------


def test_plan_pdf_prints_markup_in_plan_text_as_text_and_fetches_only_its_stylesheet(org):
    plan = approved_plan(org, purpose=HOSTILE, activities=HOSTILE)
    fetcher = StaticOnlyFetcher()

    pdf = write_pdf(plan.signed.snapshot, fingerprint=plan.signed.snapshot_sha256, draft=False, fetcher=fetcher)

    text = squash(pdftotext(pdf, "-raw"))
    assert text.count(squash(HOSTILE)) == 2
    assert (fetcher.fetched, fetcher.refused) == ([STYLESHEET_URL], [])
    assert squash(plan.channel_name) in text


def test_fetcher_inside_weasyprint_records_what_it_refused():
    fetcher = StaticOnlyFetcher()
    html = (
        '<link rel="stylesheet" href="/static/pdf/plan.css"><link rel="stylesheet" href="http://10.0.0.1/x.css">'
        '<img src="file:///etc/passwd"><img src="/static/../../etc/passwd"><p>Hej</p>'
    )

    HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf()

    assert fetcher.fetched == [STYLESHEET_URL]
    assert sorted(fetcher.refused) == sorted(["http://10.0.0.1/x.css", "file:///etc/passwd", BASE_URL + "etc/passwd"])


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://10.0.0.1/",
        "http://10.0.0.1/static/pdf/plan.css",
        "https://example.org/static/pdf/plan.css",
        "ftp://kob-social.invalid/static/pdf/plan.css",
        BASE_URL + "media/skärmdump.png",
        BASE_URL + "static/../kob_social/settings.py",
        BASE_URL + "static/%2e%2e/kob_social/settings.py",
        BASE_URL + "static//etc/passwd",
        BASE_URL + "static/pdf/plan.css?x=1",
        BASE_URL + "static/pdf/finns-inte.css",
    ],
)
def test_fetcher_refuses_anything_but_data_and_static_files(url):
    fetcher = StaticOnlyFetcher()

    with pytest.raises(FetchRefused):
        fetcher.fetch(url)

    assert (fetcher.fetched, fetcher.refused) == ([], [url])


def test_fetcher_serves_static_files_and_data_uris():
    fetcher = StaticOnlyFetcher()

    stylesheet = fetcher.fetch(STYLESHEET_URL)
    data = fetcher("data:text/plain;charset=utf-8,h%C3%A4lsning")

    assert (stylesheet.read(), stylesheet.content_type) == (
        (Path(settings.BASE_DIR) / "static" / "pdf" / "plan.css").read_bytes(),
        "text/css",
    )
    assert data.read().decode("utf-8") == "hälsning"
    assert fetcher.refused == []


# --- drafts -------------------------------------------------------------------------------------


def test_draft_preview_is_marked_on_every_page(org):
    long_text = "\n".join(f"Rad {n}: läsfrämjande inlägg om böcker från länets bibliotek." for n in range(40))
    plan = complete_plan(org.medarbetare, purpose=long_text)

    pages = page_texts(draft_pdf(build_snapshot(plan)))

    marking = sv("DRAFT – not decided")
    assert [page.count(marking) >= 1 for page in pages] == [True] * len(pages)
    assert len(pages) >= 2


def test_draft_preview_makes_no_signature_claims(org):
    plan = plan_through_chain(org, steps=[("chef", Action.APPROVE, ""), ("kommunikator", Action.APPROVE, "")])
    with translation.override("sv"):
        signed_sentence = gettext("Approved electronically in KoB Social on %(time)s.").split("%(time)s")[0]

    text = squash(pdftotext(draft_pdf(build_snapshot(plan)), "-raw"))

    assert squash(sv("This is a draft. The plan has not been decided and has not been signed.")) in text
    assert squash(signed_sentence) not in text
    assert squash(sv("Decision of the director of culture")) not in text
    assert squash(f"{sv('Place')}: Uppsala") not in text


def test_draft_pdf_is_not_archived(org):
    plan = complete_plan(org.medarbetare)
    media_before = sorted(Path(settings.MEDIA_ROOT).rglob("*"))

    pdf = draft_pdf(build_snapshot(plan))

    assert pdf[:5] == b"%PDF-"
    assert SignedPlan.objects.count() == 0
    assert sorted(Path(settings.MEDIA_ROOT).rglob("*")) == media_before


# --- benchmark ----------------------------------------------------------------------------------


def test_benchmark_plan_pdf_runs_and_reports_the_ratio_to_its_floor(tmp_path, monkeypatch):
    monkeypatch.setenv("BENCHMARK_PDF_RUNS", "1")
    path = tmp_path / "benchmark.json"

    call_command("benchmark", "plan_pdf", "--in-place", "--json", str(path), stdout=io.StringIO())

    results = json.loads(path.read_text(encoding="utf-8"))
    assert [(row["benchmark"], row["case"]) for row in results] == [("plan_pdf", "10 mål, 5 beslut")]
    assert results[0]["ratio"] == results[0]["seconds"] / results[0]["floor_seconds"]
    assert results[0]["seconds"] > 0
