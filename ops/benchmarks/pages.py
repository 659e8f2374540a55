"""Every page of the application, measured against the trivial view in the same run.

Each page is requested as the person who would use it in the region-sized dataset (the
staff member who wrote a draft, a unit's chef, the communications officer, the director, the
administrator, or nobody for the public pages); its floor is the trivial view through the full
middleware with the same client (`ops.benchmarks.urls`), anonymous or signed in. Pages that
answer with a file (CSV, PDF, iCalendar) are measured with their whole body read.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.domain.calendar import new_calendar_token
from accounts.models import User
from channel_register.enums import ChannelStatus
from channel_register.models import Channel, ScreenshotFile
from metrics.models import Evaluation
from plans.enums import PlanStatus
from plans.models import ClosureRequest, Plan

from .measure import Floor, Result, interleaved

QUERY_GOAL = 12
RATIO_GOAL = 20


@dataclass(frozen=True)
class Page:
    case: str
    username: str | None
    url: str


def _first(queryset):
    return queryset.order_by("pk").first()


def _lookups() -> list[Page]:
    """The citizen's lookup of an official channel's address, written as a phone shares it: the
    first answer reads the register, the next ones are the cached answer, as for a popular fake."""
    address = Channel.objects.filter(status=ChannelStatus.AKTIV).exclude(url="").order_by("pk").values("url").first()
    if address is None:
        return []
    query = "?" + urlencode({"adress": address["url"].replace("https://www.", "https://m.") + "?ref=share"})
    return [
        Page("offentliga registret, uppslag", None, reverse("public_lookup") + query),
        Page("offentliga registret, uppslag (JSON)", None, reverse("public_lookup_json") + query),
    ]


def catalogue() -> list[Page]:
    """The pages, with objects chosen from the dataset (the first of their kind, by id)."""
    chef = User.objects.get(username="chef1")
    unit = chef.unit
    draft = _first(Plan.objects.filter(status=PlanStatus.UTKAST, unit=unit))
    staff = draft.author.username if draft else "medarbetare1"
    channel = _first(Channel.objects.filter(unit=unit, status=ChannelStatus.AKTIV))
    approved = _first(Plan.objects.filter(status=PlanStatus.GODKAND, unit=unit, signed__isnull=False))
    waiting = _first(Plan.objects.filter(status=PlanStatus.HOS_KOMMUNIKATION))
    closure = _first(ClosureRequest.objects.filter(unit=unit))
    evaluation = _first(Evaluation.objects.filter(channel__unit=unit))
    screenshot = _first(ScreenshotFile.objects.filter(screenshot__channel=channel))
    leaver = _first(User.objects.filter(unit=unit, is_active=True, username__startswith="medarbetare"))
    plan_count = Plan.objects.count()
    token = new_calendar_token(User.objects.get(username="kommunikator"))

    pages = [
        Page("offentliga registret, HTML", None, reverse("public_register")),
        Page("offentliga registret, JSON", None, reverse("public_register_json")),
        Page("offentliga registret, CSV", None, reverse("public_register_csv")),
        *_lookups(),
        Page("inloggningssidan", None, reverse("login")),
        Page("tillgänglighetsredogörelsen", None, reverse("accessibility")),
        Page("startsidan, medarbetare", staff, reverse("home")),
        Page("startsidan, chef", "chef1", reverse("home")),
        Page("startsidan, kommunikationsansvarig", "kommunikator", reverse("home")),
        Page("startsidan, administratör", "admin", reverse("home")),
        Page("inkorgen, chef", "chef1", reverse("inbox")),
        Page("planlistan, sida 1", "kommunikator", reverse("plans:list")),
        Page("planlistan, sida 40", "kommunikator", reverse("plans:list") + f"?sida={min(40, plan_count // 25 or 1)}"),
        Page("ny plan", staff, reverse("plans:create")),
        Page("verifiera en PDF", "kommunikator", reverse("plans:verify")),
        Page("kanalregistret", "kommunikator", reverse("channel_register:list")),
        Page("kanalregistret, chef", "chef1", reverse("channel_register:list")),
        Page("försenade inventeringar", "kommunikator", reverse("channel_register:inventory_overdue")),
        Page("utbildningar, kommunikationsansvarig", "kommunikator", reverse("people:trainings")),
        Page("utbildningar, chef", "chef1", reverse("people:trainings")),
        Page("frånvaro, chef", "chef1", reverse("people:absences")),
        Page("ersättare, chef", "chef1", reverse("people:deputies")),
        Page("notiser", "kommunikator", reverse("notifications:list")),
        Page("notisinställningar", "kommunikator", reverse("notifications:preferences")),
        Page("översikten", "kommunikator", reverse("overview:index")),
        Page("översikten, CSV", "kommunikator", reverse("overview:csv")),
        Page("översikten, rapport (PDF)", "kommunikator", reverse("overview:report")),
        Page("kalenderinställningar", "kommunikator", reverse("overview:calendar")),
        Page("kalenderflödet (iCalendar)", None, reverse("overview:calendar_feed", args=[token])),
        Page("granskningsloggen", "admin", reverse("audit:events")),
        Page("granskningsloggen, CSV", "admin", reverse("audit:export")),
    ]
    if draft:
        pages += [
            Page("redigera plan", staff, reverse("plans:edit", args=[draft.pk])),
            Page("förhandsgranska plan (PDF)", staff, reverse("plans:preview", args=[draft.pk])),
        ]
    if approved:
        pages += [
            Page("planens sida, godkänd", "kommunikator", reverse("plans:detail", args=[approved.pk])),
            Page("planens historik", "admin", reverse("plans:story", args=[approved.pk])),
            Page("planens PDF", "kommunikator", reverse("plans:pdf", args=[approved.pk])),
        ]
    if waiting:
        pages.append(Page("planens sida, väntande", "kommunikator", reverse("plans:detail", args=[waiting.pk])))
    if channel:
        args = [channel.pk]
        pages += [
            Page(
                "kanalens sida, kommunikationsansvarig", "kommunikator", reverse("channel_register:detail", args=args)
            ),
            Page("kanalens sida, chef", "chef1", reverse("channel_register:detail", args=args)),
            Page("utse personer", "chef1", reverse("channel_register:appoint", args=args)),
            Page("ny överenskommelse", "chef1", reverse("channel_register:agreement_create", args=args)),
            Page("tillsynsschemat", "chef1", reverse("channel_register:roster", args=args)),
            Page("inventering", "chef1", reverse("channel_register:inventory", args=args)),
            Page("ny skärmdump", "chef1", reverse("channel_register:screenshot_create", args=args)),
            Page("ny borttagning", "chef1", reverse("channel_register:removal_create", args=args)),
            Page("uppdateringsloggen", "chef1", reverse("channel_register:update_log", args=args)),
            Page("ny uppdatering", "chef1", reverse("channel_register:update_create", args=args)),
            Page("kanalens flöde", "chef1", reverse("channel_register:feed_url", args=args)),
            Page("kanalens historik", "admin", reverse("channel_register:story", args=args)),
            Page("ny avvecklingsbegäran", "chef1", reverse("closures:create", args=args)),
            Page("mätning", "chef1", reverse("metrics:channel", args=args)),
            Page("importera mätvärden", "chef1", reverse("metrics:import_start", args=args)),
        ]
    if screenshot:
        pages.append(
            Page(
                "ladda ned skärmdump", "chef1", reverse("channel_register:download", args=["skarmdump", screenshot.pk])
            )
        )
    if closure:
        pages.append(Page("avvecklingsbegäran", "chef1", reverse("closures:detail", args=[closure.pk])))
    if evaluation:
        pages += [
            Page("utvärdering", "chef1", reverse("metrics:evaluation", args=[evaluation.pk])),
            Page("utvärdering (PDF)", "chef1", reverse("metrics:evaluation_pdf", args=[evaluation.pk])),
        ]
    if leaver:
        pages.append(Page("avsluta användare", "admin", reverse("audit:end_person", args=[leaver.pk])))
    return pages


def _getter(client: Client, url: str) -> Callable[[], int]:
    def get() -> int:
        response = client.get(url)
        # 202: a PDF being rendered in the background (its page says so and reloads).
        if response.status_code not in (200, 202):
            raise AssertionError(f"{url}: {response.status_code}")
        if response.streaming:
            return sum(len(chunk) for chunk in response.streaming_content)
        return len(response.content)

    return get


def clients() -> Callable[[str | None], Client]:
    made: dict[str | None, Client] = {}

    def client_for(username: str | None) -> Client:
        if username not in made:
            made[username] = Client()
            if username:
                made[username].force_login(User.objects.get(username=username))
        return made[username]

    return client_for


def floors(client_for, *, pairs: int) -> list[Result]:
    """The floors themselves, each against `SELECT 1` (so that the table shows what a request
    through the middleware costs beyond one query)."""

    def select_one() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    database = Floor("SELECT 1", select_one)
    return [
        interleaved("golv", "SELECT 1", select_one, database, pairs=pairs),
        interleaved(
            "golv",
            "trivial vy, anonym",
            _getter(client_for(None), reverse("bench_trivial")),
            database,
            pairs=pairs,
            size=lambda n: n,
        ),
        interleaved(
            "golv",
            "trivial vy, inloggad",
            _getter(client_for("kommunikator"), reverse("bench_trivial_signed_in")),
            database,
            pairs=pairs,
            size=lambda n: n,
        ),
    ]


def goal_of(result: Result) -> str:
    missed = []
    if result.queries is not None and result.queries > QUERY_GOAL:
        missed.append(f"> {QUERY_GOAL} frågor")
    if result.ratio is not None and result.ratio > RATIO_GOAL:
        missed.append(f"> {RATIO_GOAL}×")
    return "missat: " + ", ".join(missed) if missed else "nått"


def measure(*, pairs: int, only: str | None = None, out=None) -> list[Result]:
    client_for = clients()
    results = floors(client_for, pairs=pairs)
    for page in catalogue():
        if only and only not in page.case:
            continue
        client = client_for(page.username)
        floor_url = reverse("bench_trivial_signed_in" if page.username else "bench_trivial")
        floor = Floor("trivial vy, " + ("inloggad" if page.username else "anonym"), _getter(client, floor_url))
        if out:
            out.write(f"  {page.case} …\n")
        try:
            result = interleaved("sida", page.case, _getter(client, page.url), floor, pairs=pairs, size=lambda n: n)
        except AssertionError as exc:
            result = Result("sida", page.case, floor.name, 0, 0, 0, 0, 0, None, None, None, note=f"fel: {exc}")
        result.note = result.note or page.url
        result.goal = goal_of(result) if result.runs else "fel"
        results.append(result)
    return results
