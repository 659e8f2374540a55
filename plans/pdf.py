"""The signed plan as a PDF/A document, rendered with WeasyPrint from a snapshot.

The document is laid out like the strategy's template ("Plan för användning av socialt medium
inom Kultur och bildning"): the template's fields in order with the goals as a table after the
purpose, the plan's other fields, the signature block, the director's decision and the whole
decision chain; the diarienummer and version in every page's header, the page number and the
content fingerprint in every footer. It is rendered from the snapshot only (domain.archive),
in Swedish, as PDF/A-2u with every font embedded.

Nothing in it reaches outside the application: WeasyPrint fetches through `StaticOnlyFetcher`,
which serves data: URIs and the application's own static files and refuses everything else.
The plan's text is escaped by the template, so no user text can become markup in the first
place; the fetcher is the second wall.
"""

import datetime
import logging
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Importing WeasyPrint switches Pillow to load truncated images, for the whole process. Our
# documents contain no user images, and the upload checks (channel_register.uploads) must refuse
# truncated ones, so the process-wide default is put back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

logger = logging.getLogger(__name__)

# PDF/A-2 is the level Swedish e-archives take as a matter of course; "u" adds that all text
# maps to Unicode (checked by the tests with pdftotext). "a" would also claim a complete
# logical structure, which WeasyPrint's experimental tagging cannot promise, so the document
# is tagged for screen readers but does not claim level A.
PDF_VARIANT = "pdf/a-2u"
AUTHOR = "Region Uppsala, Kultur och bildning"

# The document's own origin: never resolvable (.invalid, RFC 2606), never fetched from the
# network; the fetcher maps its /static/ paths onto the static files.
BASE_URL = "https://kob-social.invalid/"
STATIC_PREFIX = "/static/"
STYLESHEET = "pdf/plan.css"

# Fields of the strategy's template (the rest of the snapshot's fields are the plan's other
# fields, shown after it). Short values go in a two-column table, long texts under their label.
TEMPLATE_KEYS = (
    "unit",
    "deciding_chef",
    "platform",
    "channel_name",
    "channel_url",
    "purpose",
    "activities",
    "responsible",
    "other_people",
    "supervision",
    "update_frequency",
    "working_hours_per_week",
    "screenshot_responsible",
)
SHORT_KEYS = frozenset(
    {
        "unit",
        "deciding_chef",
        "platform",
        "channel_name",
        "channel_url",
        "responsible",
        "other_people",
        "update_frequency",
        "working_hours_per_week",
        "screenshot_responsible",
        "terms_reviewed",
        "records_reference",
        "registration_number",
        "statistics_use",
        "privacy_notice_url",
        "processing_register_entry",
        "data_requests_by",
        "alt_texts",
        "captions",
        "readable_hashtags",
    }
)
GOALS_AFTER = "purpose"


class FetchRefused(ValueError):
    """WeasyPrint asked for a resource outside data: URIs and the application's static files."""


class StaticOnlyFetcher(URLFetcher):
    """Serves data: URIs and the application's static files; refuses anything else.

    Every request is recorded: `fetched` holds what was served, `refused` what was not (each
    refusal is also logged). WeasyPrint catches the exception, leaves the resource out and goes
    on, so a refused resource never reaches the document. A subclass of WeasyPrint's fetcher,
    since WeasyPrint 70 expects one (it reads the instance's error policy).
    """

    def __init__(self):
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False, timeout=1)
        self.fetched: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            if url.startswith("data:"):
                response = super().fetch(url, headers)
            else:
                response = self._static(url)
        except FetchRefused:
            self.refused.append(url)
            logger.warning("PDF rendering refused to fetch %s", url[:200])
            raise
        self.fetched.append(url)
        return response

    def _static(self, url: str) -> URLFetcherResponse:
        path = static_path(url)
        found = finders.find(path) or _collected(path)
        if not found:
            raise FetchRefused(f"no such static file: {url[:200]}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(found).read_bytes(), headers={"Content-Type": content_type})


def static_path(url: str) -> str:
    """The static file's relative path for a URL under the document's /static/, or refused."""
    parts = urlsplit(url)
    origin = urlsplit(BASE_URL)
    path = unquote(parts.path)
    if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc) or parts.query or parts.fragment:
        raise FetchRefused(f"outside the application's static files: {url[:200]}")
    if not path.startswith(STATIC_PREFIX) or "\\" in path or "\x00" in path:
        raise FetchRefused(f"outside the application's static files: {url[:200]}")
    relative = path[len(STATIC_PREFIX) :]
    if not relative or relative.startswith("/") or ".." in relative.split("/"):
        raise FetchRefused(f"outside the application's static files: {url[:200]}")
    if posixpath.normpath(relative) != relative:
        raise FetchRefused(f"outside the application's static files: {url[:200]}")
    return relative


def _collected(path: str) -> str | None:
    """The file in STATIC_ROOT (after collectstatic), if it is there and inside it."""
    root = Path(settings.STATIC_ROOT).resolve()
    candidate = (root / path).resolve()
    if candidate.is_relative_to(root) and candidate.is_file():
        return str(candidate)
    return None


def render_plan_pdf(snapshot: dict, *, fingerprint: str, draft: bool = False) -> bytes:
    """The plan document as PDF/A bytes. A draft is marked "UTKAST – ej beslutad" on every page
    and shows the signature block blank."""
    return write_pdf(snapshot, fingerprint=fingerprint, draft=draft, fetcher=StaticOnlyFetcher())


def write_pdf(
    snapshot: dict, *, fingerprint: str, draft: bool, fetcher: StaticOnlyFetcher, tables: bool = True
) -> bytes:
    """`render_plan_pdf` with the fetcher given (the tests read its record). `tables=False`
    renders the goals and decisions as plain paragraphs: the benchmark's floor, nothing else."""
    with translation.override("sv"):
        return render_document(
            "plans/pdf/plan.html",
            context(snapshot, fingerprint=fingerprint, draft=draft, tables=tables),
            # The permanent part of the file identifier is the content's fingerprint.
            identifier=fingerprint,
            fetcher=fetcher,
        )


def render_document(template: str, values: dict, *, identifier: str, fetcher: StaticOnlyFetcher | None = None) -> bytes:
    """A document of the application as PDF/A-2u bytes, by the rules of the signed plan: in
    Swedish, through the `StaticOnlyFetcher` (nothing outside the application's static files is
    fetched), tagged, every font embedded. `template` escapes the user's text as every template
    does; `identifier` (ASCII) is the permanent part of the file identifier. The evaluation report
    (metrics) is rendered through here too."""
    with translation.override("sv"):
        html = render_to_string(template, values)
        document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher or StaticOnlyFetcher())
        return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, pdf_identifier=identifier.encode("ascii"))


def context(snapshot: dict, *, fingerprint: str, draft: bool, tables: bool) -> dict:
    fields = snapshot.get("fields", [])
    template_groups = _groups([field for field in fields if field["key"] in TEMPLATE_KEYS])
    if not any(group["kind"] == "goals" for group in template_groups):
        template_groups.append({"kind": "goals"})
    signature = snapshot.get("signature") or {}
    director = snapshot.get("director_decision")
    page_before, page_between, page_after = page_label_parts()
    return {
        "title": snapshot.get("title", ""),
        "plan": snapshot.get("plan", {}),
        "template_groups": template_groups,
        "other_groups": _groups([field for field in fields if field["key"] not in TEMPLATE_KEYS]),
        "goals": snapshot.get("goals", []),
        "decisions": snapshot.get("decisions", []),
        "signature": signature,
        # A draft claims nothing: no signer, no place or date, no decision of the director.
        "director": None if draft else director,
        "draft": draft,
        "tables": tables,
        "fingerprint": fingerprint,
        "stylesheet": STATIC_PREFIX + STYLESHEET,
        "author": AUTHOR,
        "created": "" if draft else _w3c((director or {}).get("at") or signature.get("signed_at")),
        "page_before": page_before,
        "page_between": page_between,
        "page_after": page_after,
    }


def _groups(fields: list[dict]) -> list[dict]:
    """Consecutive short fields in one table, each long text on its own; the goals after the
    purpose, as in the template."""
    groups: list[dict] = []
    for field in fields:
        if field["key"] in SHORT_KEYS:
            if groups and groups[-1]["kind"] == "short":
                groups[-1]["fields"].append(field)
            else:
                groups.append({"kind": "short", "fields": [field]})
        else:
            groups.append({"kind": "long", "field": field})
        if field["key"] == GOALS_AFTER:
            groups.append({"kind": "goals"})
    return groups


def page_label_parts() -> tuple[str, str, str]:
    """The active language's "Page X of Y", cut around the two numbers, which only CSS
    counters in the page margin can fill in."""
    label = _("Page %(page)s of %(pages)s")
    before, rest = label.split("%(page)s", 1)
    between, after = rest.split("%(pages)s", 1)
    return before, between, after


def _w3c(local: str | None) -> str:
    """The snapshot's local "YYYY-MM-DD HH:MM" as a W3C date with its offset (the document's
    creation date is the decision's, so that two renderings carry the same one)."""
    if not local:
        return ""
    try:
        moment = datetime.datetime.strptime(local, "%Y-%m-%d %H:%M")
    except ValueError:
        return ""
    return moment.replace(tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat()
