"""Rendering the signed plan as PDF/A (issue 6).

Data: a realistic signed-plan snapshot of Musik i Uppland's Instagram channel, with ten goals,
long multi-line texts and the whole decision chain including a returned round. Measured: the
real rendering (`plans.pdf.write_pdf`, as `render_plan_pdf` does it) `pdf_runs` times, seconds
per render. Floor: the same content in the same run with the goals and the decisions as plain
paragraphs instead of tables (`tables=False`), the least any layout of this text must cost; the
ratio says what the tables cost. No database: the snapshot is the whole input.
"""

import os
import time

from plans.domain.archive import fingerprint
from plans.pdf import StaticOnlyFetcher, write_pdf

from . import Measurement

GOALS = [
    ("Fler följare på Instagram bland unga vuxna 18–29 år i länet", "Följare", "1 850,00", "3 000,00", "2027-12-31"),
    (
        "Fler visningar av korta konsertfilmer (reels) från turnéerna",
        "Videovisningar",
        "12 400,00",
        "25 000,00",
        "2027-06-30",
    ),
    (
        "Fler anmälningar till de öppna repetitionerna i Uppsala och Enköping",
        "Anmälningar till evenemang",
        "140,00",
        "300,00",
        "2027-12-31",
    ),
    # Measured for the first time on FIRST_MEASURED_ON instead of from a baseline.
    ("Fler kommentarer och frågor från skolornas musiklärare", "Kommentarer", None, "120,00", "2027-12-31"),
    ("Fler delningar av inlägg om länets konsertscener", "Delningar", "210,00", "500,00", "2027-12-31"),
    ("Kortare svarstid på frågor i kanalen under kontorstid", "Svarstid (timmar)", "30,00", "8,00", "2027-03-31"),
    ("Fler reaktioner på inlägg om Musik i Upplands ensembler", "Reaktioner", "4 200,00", "7 500,00", "2027-12-31"),
    ("Fler besök från kanalen till konsertkalendern på webbplatsen", "Besök", "900,00", "2 400,00", "2027-12-31"),
    ("Minst två inlägg i veckan året runt, även under semestrarna", "Inlägg", "70,00", "104,00", "2027-12-31"),
    (
        "Fler unika besökare på sidan med lärarmaterial för skolkonserter",
        "Unika besökare",
        "520,00",
        "1 200,00",
        "2027-09-30",
    ),
]

FIRST_MEASURED_ON = "2027-01-15"


def sample_snapshot(goal_count: int = len(GOALS)) -> dict:
    """A signed plan's snapshot in the shape of plans.domain.archive.build_snapshot."""
    text = {
        "purpose": (
            "Instagram är den kanal där unga vuxna i Uppsala län faktiskt finns. Vi vill visa att "
            "Musik i Upplands konserter, öppna repetitioner och skolkonserter är till för dem.\n"
            "Kanalen kompletterar webbplatsen och nyhetsbrevet; den ersätter dem inte."
        ),
        "activities": (
            "• Två inlägg i veckan: bilder och korta filmer från repetitioner och turnéer.\n"
            "• Ett reportage i månaden om en musiker eller en konsertscen i länet.\n"
            "• Frågestund i direktsändning inför de öppna repetitionerna (fyra per år).\n"
            "• Samarbeten med folkbiblioteken och kulturskolorna i länets åtta kommuner."
        ),
        "supervision": (
            "Ansvarig och ersättare bevakar kanalen vardagar 8–17 enligt tillsynsschemat.\n"
            "Under semestrar (v. 27–32) och längre ledigheter har ersättaren tillsyn; kvällar och "
            "helger bevakas kommentarerna en gång per dag av veckans tillsynsperson.\n"
            "Vid hot eller brott kontaktas kommunikationsansvarig och polisanmälan övervägs."
        ),
    }
    goals = [
        {"description": d, "metric": m, "baseline": b or "", "target": t, "deadline": dl}
        | ({} if b else {"first_measured_on": FIRST_MEASURED_ON})
        for d, m, b, t, dl in (GOALS * (goal_count // len(GOALS) + 1))[:goal_count]
    ]
    return {
        "format": 1,
        "title": "Plan för användning av socialt medium inom Kultur och bildning",
        "plan": {
            "id": 42,
            "series": "7f1c2b9e-0d4a-4c55-9a61-3d2f0e8b7c10",
            "version": 2,
            "diarienummer": "KOB-2026-0137",
            "status": "Godkänd",
        },
        "fields": [
            {"key": "unit", "label": "Enhet/avdelning", "value": "Musik i Uppland"},
            {"key": "deciding_chef", "label": "Beslutande chef", "value": "Erik Nyström, verksamhetschef"},
            {"key": "platform", "label": "Socialt medium", "value": "Instagram"},
            {"key": "channel_name", "label": "Kanalens namn", "value": "Musik i Uppland – konserter i hela länet"},
            {
                "key": "channel_url",
                "label": "Kanalens adress",
                "value": "https://www.instagram.com/musikiuppland_konserter_och_oppna_repetitioner_i_hela_lanet/",
            },
            {
                "key": "purpose",
                "label": "Syfte med att använda detta sociala medium, varför vill du använda just det?",
                "value": text["purpose"],
            },
            {
                "key": "activities",
                "label": "Aktiviteter i denna sociala mediekanal som planeras för att målet/målen ska uppnås",
                "value": text["activities"],
            },
            {"key": "responsible", "label": "Ansvarig för användandet", "value": "Oskar Åberg, kommunikatör"},
            {
                "key": "other_people",
                "label": "Övriga personer som handhar enhetens/avdelningens del i mediet",
                "value": "Ingrid Öhman, producent, Sören Ängqvist, musiker och pedagog",
            },
            {
                "key": "supervision",
                "label": "Så här planeras den kontinuerliga tillsynen, dvs. även under semestrar och andra längre "
                "ledigheter",
                "value": text["supervision"],
            },
            {"key": "update_frequency", "label": "Hur ofta kanalen uppdateras", "value": "2 per vecka"},
            {
                "key": "working_hours_per_week",
                "label": "Arbetstid för handhavandet (timmar per vecka)",
                "value": "6,5 timmar per vecka",
            },
            {
                "key": "screenshot_responsible",
                "label": "Ansvarig för att göra skärmdumpar varje halvår",
                "value": "Ingrid Öhman, producent",
            },
            {
                "key": "target_groups",
                "label": "Målgrupper",
                "value": "Unga vuxna 18–29 år i Uppsala län.\nMusiklärare och kulturskolor i länets kommuner.",
            },
            {
                "key": "terms_reviewed",
                "label": "Plattformens villkor granskade",
                "value": "2026-09-14, Oskar Åberg, kommunikatör",
            },
            {
                "key": "case_routine",
                "label": "Rutin för enskilda ärenden i kanalen",
                "value": "Frågor som rör enskilda ärenden besvaras inte i kanalen. Avsändaren hänvisas till "
                "kultur@regionuppsala.se och ärendet registreras i diariet samma dag.",
            },
            {
                "key": "records_reference",
                "label": "Hänvisning till dokumenthanteringsplanen",
                "value": "Dokumenthanteringsplan Kultur och bildning 4.2.1, Sociala medier: skärmdumpar bevaras",
            },
            {
                "key": "registration_number",
                "label": "Diarienummer i Regionens ärendesystem",
                "value": "KUN2026-00417",
            },
            {
                "key": "statistics_use",
                "label": "Används plattformens statistik (till exempel Insights)?",
                "value": "Ja, plattformens statistik används",
            },
            {
                "key": "privacy_notice_url",
                "label": "Adress till integritetsinformationen i kanalen",
                "value": "https://www.regionuppsala.se/om-webbplatsen/personuppgifter/",
            },
            {
                "key": "processing_register_entry",
                "label": "Hänvisning till Regionens register över behandlingar",
                "value": "Registret över behandlingar, Kultur och bildning: sociala medier",
            },
            {
                "key": "data_requests_by",
                "label": "Vem som besvarar begäranden från de registrerade",
                "value": "Region Uppsalas dataskyddsfunktion, dataskydd@regionuppsala.se",
            },
            {
                "key": "personal_data_note",
                "label": "Övrigt om personuppgifter",
                "value": "Region Uppsala är gemensamt personuppgiftsansvarig med Meta för sidans statistik. "
                "Bilder på publik publiceras bara med samtycke.",
            },
            {
                "key": "accessibility_routine",
                "label": "Tillgänglighetsrutin",
                "value": "Alla bilder får alt-text; alla filmer textas på svenska innan de publiceras.",
            },
            {"key": "alt_texts", "label": "Alternativtext på bilder", "value": "Ingår i rutinen"},
            {"key": "captions", "label": "Textning av filmer", "value": "Ingår i rutinen"},
            {
                "key": "readable_hashtags",
                "label": "Läsbara hashtaggar (#KulturOchBildning)",
                "value": "Ingår i rutinen",
            },
            {
                "key": "channel_information",
                "label": "Information som visas i kanalen",
                "value": "Kontot drivs av Musik i Uppland, Region Uppsala. Inlägg och kommentarer kan vara "
                "allmänna handlingar. Länk till regionuppsala.se/sociala-medier.",
            },
        ],
        "goals": goals,
        "decisions": [
            {
                "step": "Chef",
                "outcome": "Godkänd",
                "name": "Erik Nyström",
                "title": "verksamhetschef",
                "role": "Chef",
                "at": "2026-10-05 09:12",
                "comment": "",
                "signed_by_submission": False,
            },
            {
                "step": "Kommunikationsansvarig",
                "outcome": "Återsänd för ändringar",
                "name": "Sara Öberg",
                "title": "kommunikationsansvarig",
                "role": "Kommunikationsansvarig",
                "at": "2026-10-07 14:30",
                "comment": "Komplettera tillsynen under semesterveckorna och ange vem som bevakar kvällar.",
                "signed_by_submission": False,
            },
            {
                "step": "Chef",
                "outcome": "Godkänd",
                "name": "Erik Nyström",
                "title": "verksamhetschef",
                "role": "Chef",
                "at": "2026-10-09 10:01",
                "comment": "Tillsynen kompletterad enligt kommunikationsansvarigs synpunkter.",
                "signed_by_submission": False,
            },
            {
                "step": "Kommunikationsansvarig",
                "outcome": "Godkänd",
                "name": "Sara Öberg",
                "title": "kommunikationsansvarig",
                "role": "Kommunikationsansvarig",
                "at": "2026-10-12 08:45",
                "comment": "",
                "signed_by_submission": False,
            },
            {
                "step": "Kulturdirektör",
                "outcome": "Godkänd",
                "name": "Anders Ekholm",
                "title": "kulturdirektör",
                "role": "Kulturdirektör",
                "at": "2026-10-14 16:20",
                "comment": "Godkänns. Utvärdera målen efter ett år.",
                "signed_by_submission": False,
            },
        ],
        "signature": {
            "statement": "Jag har tagit del av, och godkänner, denna handlingsplan",
            "place": "Uppsala",
            "date": "2026-10-09",
            "signed_at": "2026-10-09 10:01",
            "name": "Erik Nyström",
            "title": "verksamhetschef",
        },
        "director_decision": {
            "outcome": "Godkänd",
            "at": "2026-10-14 16:20",
            "comment": "Godkänns. Utvärdera målen efter ett år.",
            "role": "Kulturdirektör",
            "name": "Anders Ekholm",
            "title": "kulturdirektör",
        },
    }


def _timed(snapshot: dict, fingerprint: str, runs: int, tables: bool) -> float:
    """Seconds per render over `runs` renders, after one untimed render that warms
    WeasyPrint's font and stylesheet caches."""

    def once() -> bytes:
        return write_pdf(snapshot, fingerprint=fingerprint, draft=False, fetcher=StaticOnlyFetcher(), tables=tables)

    once()
    started = time.perf_counter()
    for _ in range(runs):
        pdf = once()
    elapsed = (time.perf_counter() - started) / runs
    assert pdf.startswith(b"%PDF-")
    return elapsed


def run(options) -> list[Measurement]:
    """`pdf_runs` renders of each (default 10; the command has no option for it, so the test
    suite's smoke run sets BENCHMARK_PDF_RUNS=1 instead)."""

    runs = max(int(options.get("pdf_runs") or os.environ.get("BENCHMARK_PDF_RUNS") or 10), 1)
    snapshot = sample_snapshot()
    value = fingerprint(snapshot)
    floor_seconds = _timed(snapshot, value, runs, tables=False)
    seconds = _timed(snapshot, value, runs, tables=True)
    return [
        Measurement(
            "plan_pdf",
            f"{len(snapshot['goals'])} mål, {len(snapshot['decisions'])} beslut",
            seconds,
            None,
            floor_seconds,
            note=f"s per rendering, medel av {runs}; golv: mål och beslut som stycken",
        )
    ]
