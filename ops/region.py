"""A region-sized dataset (issue 14): `build_region`, behind `manage.py seed_demo --scale region`.

On an empty database it writes what years of use by the whole administration would have left:
2 000 channels in 5 units, 300 people, 4 000 plans in every state, a million measurements,
100 000 update-log rows, a year of supervision roster and the rest in plausible proportions. Some
channels are well kept, some are not (`Care`), so that an overview has every colour to show.

Rows are written with `bulk_create`, never one at a time through the domain functions, but each
row is what the domain would have written: a plan's status agrees with its decisions (domain.chain),
every submitted series has a diarienummer (and the counter knows it), an approved version has its
frozen snapshot (domain.archive.build_snapshot), a channel's status agrees with its plans and
closure request, people named on a channel were trained when they were appointed, and every unique
constraint holds. History tables (simple-history) are not written: a fabricated dataset has no
changes to record (kob_social.history.fabricated_data). What the scheduled jobs would
have found is found by the jobs themselves: the weekly rhythm checks of the last four weeks and the
screenshot and evaluation duties of today.

Deterministic: one `random.Random(seed)` draws everything, in a fixed order, and the dates are
counted from `today`. `scale` shrinks every count proportionally (tests use 0.01); a count never
falls below what the structure needs to show every state (`MINIMUMS`).
"""

import base64
import datetime
import hashlib
import itertools
import math
import random
import sys
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone, translation
from guardian.models import UserObjectPermission

from accounts.demo import DEMO_PASSWORD
from accounts.enums import AbsenceKind, Course, Role, UnitKind
from accounts.models import Absence, TrainingRecord, Unit, User
from channel_register.addresses import address_key
from channel_register.domain import duties as screenshot_duties
from channel_register.domain.rhythm import run_weekly_check
from channel_register.domain.updates import published_at_noon
from channel_register.enums import (
    INFORMATION_ITEMS,
    ChannelStatus,
    ChecklistItem,
    FrequencyPeriod,
    Platform,
    UpdateSource,
)
from channel_register.models import (
    Agreement,
    Channel,
    ChannelUpdate,
    ChecklistTick,
    InventoryConfirmation,
    RhythmCheck,
    RosterWeek,
    Screenshot,
    ScreenshotDuty,
    ScreenshotFile,
    inventory_due_on,
)
from kob_social.history import fabricated_data
from metrics.domain import duties as evaluation_duties
from metrics.domain.goals import goal_series, progress_of
from metrics.enums import CATALOGUE, DERIVED, Conclusion, EvaluationStatus, MetricKind, Period, Source
from metrics.models import Evaluation, EvaluationDuty, EvaluationGoal, Measurement
from notifications.models import Notification
from plans.domain.archive import build_snapshot, fingerprint
from plans.enums import AccessibilityPractice, Action, Metric, PlanStatus, StatisticsUse, Step
from plans.models import ClosureRequest, Decision, DiarieCounter, Goal, Plan, SignedPlan

# --- The sizes ------------------------------------------------------------------------------------

FULL_SIZE = {"channels": 2_000, "people": 300, "plans": 4_000, "measurements": 1_000_000, "updates": 100_000}
# Below these the structure could not show every plan state and every kind of channel: 7 people
# hold the roles (director, communications officer, administrator, four chefs), and each unit
# needs two staff members, one trained and one whose training has lapsed.
MINIMUMS = {"channels": 20, "people": 17, "plans": 40, "measurements": 100, "updates": 50}

UNITS = ["Kulturutveckling", "Länsbiblioteket", "Musik i Uppland", "Upplandsmuseet", "Staben"]
ROOT = "Kultur och bildning"
ROSTER_WEEKS_BACK, ROSTER_WEEKS_AHEAD = 39, 12  # a year: 39 weeks behind, this one, 12 ahead
TRAINING_VALID_DAYS = 3 * 365
RHYTHM_WEEKS_CHECKED = 4


def region_size(scale: float = 1.0) -> dict[str, int]:
    """The counts `build_region(scale)` writes: FULL_SIZE times `scale`, at least MINIMUMS."""
    if scale <= 0:
        raise ValueError("scale must be above 0")
    return {name: max(MINIMUMS[name], round(count * scale)) for name, count in FULL_SIZE.items()}


class RegionNotEmpty(Exception):
    """The region is built on an empty database only: it would collide with what is there."""


# --- What a channel's story is ------------------------------------------------------------------


class Story:
    """What happened to a channel, from its first plan to today."""

    ACTIVE = "active"  # approved plan, live
    PAUSED = "paused"  # approved plan, live, then paused
    PENDING = "pending"  # first plan submitted, not decided yet (or returned): planned channel
    APPROVED = "approved"  # first plan approved, not live yet: planned channel
    UNSTARTED = "unstarted"  # first plan rejected or withdrawn: closed without being started
    CLOSING = "closing"  # live, then a closure request approved: being closed
    CLOSED = "closed"  # live, closure approved, final screenshot, closed


# Share of the channels, and the least number at any scale (one per state it shows).
STORY_SHARES = [
    (Story.PENDING, 0.06, 4),
    (Story.APPROVED, 0.02, 1),
    (Story.UNSTARTED, 0.04, 2),
    (Story.CLOSING, 0.02, 1),
    (Story.CLOSED, 0.03, 1),
    (Story.PAUSED, 0.03, 1),
]
PENDING_STATES = [PlanStatus.HOS_CHEF, PlanStatus.HOS_KOMMUNIKATION, PlanStatus.HOS_DIREKTOR, PlanStatus.ATERSAND]
UNSTARTED_STATES = [PlanStatus.AVSLAGEN, PlanStatus.ATERKALLAD]
# A live channel may have a next version on its way, or one that was rejected or withdrawn.
OPEN_NEXT_SHARE, OPEN_NEXT_MIN = 0.08, 5
OPEN_STATES = [
    PlanStatus.UTKAST,
    PlanStatus.ATERSAND,
    PlanStatus.HOS_CHEF,
    PlanStatus.HOS_KOMMUNIKATION,
    PlanStatus.HOS_DIREKTOR,
]
ENDED_NEXT_SHARE, ENDED_NEXT_MIN = 0.03, 2
DRAFT_ONLY_SHARE = 0.02  # first drafts not yet submitted: no channel in the register yet


class Care:
    """How well a live channel is kept: updates, roster, screenshots, inventory, evaluation."""

    GOOD, FAIR, POOR = "good", "fair", "poor"


CARE_WEIGHTS = [(Care.GOOD, 0.6), (Care.FAIR, 0.25), (Care.POOR, 0.15)]
LIVE = {Story.ACTIVE, Story.PAUSED, Story.CLOSING, Story.CLOSED}

PLATFORMS = [
    (Platform.FACEBOOK, 30, "https://www.facebook.com/"),
    (Platform.INSTAGRAM, 25, "https://www.instagram.com/"),
    (Platform.YOUTUBE, 10, "https://www.youtube.com/@"),
    (Platform.LINKEDIN, 8, "https://www.linkedin.com/company/"),
    (Platform.X, 5, "https://x.com/"),
    (Platform.TIKTOK, 6, "https://www.tiktok.com/@"),
    (Platform.BLOG, 8, "https://blogg.regionuppsala.se/"),
    (Platform.MASTODON, 3, "https://mastodon.nu/@"),
    (Platform.BLUESKY, 3, "https://bsky.app/profile/"),
    (Platform.FLICKR, 2, "https://www.flickr.com/photos/"),
]
TOPICS = [
    "Läslust",
    "Bokcirkeln",
    "Unga skrivare",
    "Folkmusik",
    "Kammarmusik",
    "Kulturarv",
    "Arkeologi",
    "Dans i länet",
    "Konstbiennalen",
    "Slöjd",
    "Kulturskolan",
    "Hembygd",
    "Berättarkväll",
    "Scenkonst",
    "Film i Uppland",
    "Bibliotek för alla",
]
FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Anders", "Eva", "Per", "Lena", "Mikael",
    "Emma", "Oskar", "Ida", "Jonas", "Elin", "Magnus", "Sofia", "Henrik", "Maja", "Fredrik", "Hanna", "Nils",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Lindqvist", "Åberg", "Sjöström", "Nyström", "Öberg", "Ekholm", "Holm", "Lindberg", "Berg",
]  # fmt: skip
# A 1x1 PNG: the file every screenshot record of the region points at.
PIXEL_PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
NOTES = ["Veckans tips", "Programpuff", "Bakom kulisserna", "Påminnelse om anmälan", "Nytt i samlingarna", ""]


# --- The plan of the data, before anything is written ------------------------------------------


@dataclass
class Person:
    user: User
    unit: str
    trained: str  # "valid", "expiring", "lapsed" or "none"
    valid_until: datetime.date | None = None  # of the last training (None: never trained)


@dataclass
class Event:
    """One decision of the chain (or a submission signed by the chef) as domain.chain writes it."""

    step: Step
    outcome: Action
    by: User
    role: Role
    at: datetime.datetime
    comment: str = ""
    signed_by_submission: bool = False


@dataclass
class Version:
    number: int
    status: PlanStatus
    author: User
    created: datetime.datetime
    submitted: datetime.datetime | None = None
    status_changed: datetime.datetime | None = None
    decided: datetime.datetime | None = None
    approved: datetime.datetime | None = None  # when it became godkänd (also for ersatt)
    events: list[Event] = field(default_factory=list)
    plan: Plan | None = None


@dataclass
class ChannelPlan:
    """One channel's story and everything about it that is decided before writing."""

    index: int
    unit: str
    story: str
    care: str
    platform: str
    name: str
    url: str
    owner: Person
    versions: list[Version] = field(default_factory=list)
    goals: list[dict] = field(default_factory=list)
    update_count: int = 2
    update_period: str = FrequencyPeriod.WEEK
    hours: Decimal = Decimal("2.0")
    registered: datetime.datetime | None = None  # entered the register (first submission)
    activated: datetime.datetime | None = None
    paused: datetime.datetime | None = None
    closure: dict | None = None
    closed: datetime.datetime | None = None
    channel: Channel | None = None
    update_days: list = field(default_factory=list)
    measure_from: datetime.date | None = None
    measure_to: datetime.date | None = None

    @property
    def status(self) -> str:
        if self.story in (Story.PENDING, Story.APPROVED):
            return ChannelStatus.PLANERAD
        if self.story in (Story.UNSTARTED, Story.CLOSED):
            return ChannelStatus.AVSLUTAD
        if self.story == Story.CLOSING:
            return ChannelStatus.AVVECKLAS
        return ChannelStatus.PAUSAD if self.story == Story.PAUSED else ChannelStatus.AKTIV


# --- The builder ----------------------------------------------------------------------------------


def build_region(scale: float = 1.0, *, out=None, seed: int = 14, today: datetime.date | None = None) -> dict[str, int]:
    """Write the region on an empty database and return the rows written per kind (the keys of
    FULL_SIZE and more). `out` (a file-like object; stdout by default) gets one line per step
    with its time. Everything happens in one transaction: a failure leaves nothing behind.
    Raises RegionNotEmpty when the database already holds units, channels or plans."""
    if Unit.objects.exists() or Channel.objects.exists() or Plan.objects.exists():
        raise RegionNotEmpty("The region is built on an empty database: it already holds units, channels or plans.")
    builder = _Builder(region_size(scale), seed=seed, today=today or timezone.localdate(), out=out or sys.stdout)
    started = time.perf_counter()
    with transaction.atomic(), fabricated_data():
        builder.run()
    builder.say(f"Region built in {time.perf_counter() - started:.1f} s.")
    return builder.written


@contextmanager
def _kept_timestamps(*models):
    """Let bulk_create store the creation and change times we give (the years of use) instead of
    now: the models' auto_now/auto_now_add are switched off for the block, in this process only."""
    switched = []
    for model in models:
        for model_field in model._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                switched.append((model_field, model_field.auto_now, model_field.auto_now_add))
                model_field.auto_now = model_field.auto_now_add = False
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in switched:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add


BATCH = 2_000


def _bulk(model, rows: Iterable, batch_size: int = BATCH) -> int:
    """bulk_create from an iterable a batch at a time (a million rows are never all in memory)."""
    written = 0
    rows = iter(rows)
    while batch := list(itertools.islice(rows, batch_size)):
        model.objects.bulk_create(batch, batch_size=batch_size)
        written += len(batch)
    return written


def _insert(model, names: list[str], rows: Iterable[tuple], batch_size: int = 10_000) -> int:
    """INSERT the `rows` (values of the fields `names`, in order; relations as ids) a batch at a
    time, for the two tables of a million rows: bulk_create spends most of its time building and
    preparing model instances. Each value is prepared by its field, as bulk_create would
    (get_db_prep_save), once per distinct value: dates, times and amounts repeat."""
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model_field.column) for model_field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608 - our names

    def preparer(model_field):
        if isinstance(model_field, (models.DateField, models.DecimalField)):  # DateTimeField is a DateField
            prepared = {}

            def prepare(value):
                if value not in prepared:
                    prepared[value] = model_field.get_db_prep_save(value, connection)
                return prepared[value]

            return prepare
        return None

    preparers = [preparer(model_field) for model_field in fields]
    written = 0
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := list(itertools.islice(rows, batch_size)):
            cursor.executemany(
                sql,
                [
                    tuple(
                        value if prepare is None else prepare(value)
                        for prepare, value in zip(preparers, row, strict=True)
                    )
                    for row in batch
                ],
            )
            written += len(batch)
    return written


def _share(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights`, exactly (largest remainders)."""
    whole = sum(weights)
    if whole <= 0:
        return [0] * len(weights)
    raw = [total * weight / whole for weight in weights]
    parts = [math.floor(value) for value in raw]
    order = sorted(range(len(raw)), key=lambda i: parts[i] - raw[i])
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


class _Builder:
    def __init__(self, size: dict[str, int], *, seed: int, today: datetime.date, out):
        self.size = size
        self.rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not security
        self.today = today
        # Everything drawn happened before `today` began: the rows depend on the seed and the day
        # only, not on the hour the builder runs.
        self.now = self.at(today, 0) - datetime.timedelta(minutes=1)
        self.out = out
        self.written: dict[str, int] = defaultdict(int)

    # --- helpers ---

    def say(self, line: str) -> None:
        self.out.write(line + "\n")

    @contextmanager
    def step(self, label: str):
        started = time.perf_counter()
        before = dict(self.written)
        yield
        rows = ", ".join(
            f"{key} {value - before.get(key, 0)}" for key, value in self.written.items() if value != before.get(key, 0)
        )
        self.say(f"{label}: {rows or 'nothing'} ({time.perf_counter() - started:.1f} s)")

    def at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time(hour, minute)), timezone.get_default_timezone()
        )

    def day_of(self, moment: datetime.datetime) -> datetime.date:
        return timezone.localdate(moment)

    def days_ago(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def later(self, moment: datetime.datetime, days: int) -> datetime.datetime:
        return min(moment + datetime.timedelta(days=days, hours=self.rng.randint(0, 5)), self.now)

    def run(self) -> None:
        with self.step("People and units"):
            self.people()
        with self.step("Stories drawn (nothing written yet)"):
            self.plan_channels()
        with self.step("Training records"):
            self.write_trainings()
        with _kept_timestamps(
            Channel, Plan, ClosureRequest, Agreement, Screenshot, Evaluation, TrainingRecord, Absence
        ):
            with self.step("Channels, plans, goals, decisions"):
                self.write_channels_and_plans()
            with self.step("Signed plans (frozen snapshots)"):
                self.write_signed_plans()
            with self.step("Go-live: checklist, agreements, roster"):
                self.write_go_live()
            with self.step("Closure requests"):
                self.write_closures()
            with self.step("Update log"):
                self.write_updates()
            with self.step("Measurements"):
                self.write_measurements()
            with self.step("Screenshots and inventory"):
                self.write_screenshots_and_inventory()
            with self.step("Evaluations"):
                self.write_evaluations()
        with self.step("Scheduled jobs (rhythm checks, duties)"):
            self.run_jobs()

    # --- people -----------------------------------------------------------------------------

    def people(self) -> None:
        root = Unit.objects.create(name=ROOT, kind=UnitKind.FORVALTNING)
        self.units = {
            name: Unit.objects.create(
                name=name, kind=UnitKind.STAB if name == "Staben" else UnitKind.ENHET, parent=root
            )
            for name in UNITS
        }
        self.written["units"] = len(self.units) + 1
        password = make_password(DEMO_PASSWORD)  # one hash for all: hashing 300 times takes minutes
        groups = {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}
        self.everyone: list[Person] = []
        memberships = []

        def person(username, full_name, title, unit, roles, trained, admin=False) -> Person:
            # Saved one by one (a few hundred): the signals give each their unit's read permission.
            user = User(
                username=username,
                full_name=full_name,
                title=title,
                email=f"{username}@kob-social.invalid",
                unit=self.units[unit],
                is_staff=admin,
                is_superuser=admin,
                password=password,
            )
            user.save()
            memberships.extend(User.groups.through(user_id=user.pk, group_id=groups[role].pk) for role in roles)
            made = Person(user, unit, trained)
            self.everyone.append(made)
            return made

        self.director = person("direktor", "Anders Ekholm", "Kulturdirektör", "Staben", [Role.KULTURDIREKTOR], "valid")
        self.officer = person(
            "kommunikator", "Sara Öberg", "Kommunikationsansvarig", "Staben", [Role.KOMMUNIKATIONSANSVARIG], "valid"
        )
        person("admin", "Lena Holm", "Systemadministratör", "Staben", [Role.SYSTEMADMINISTRATOR], "none", admin=True)
        self.chefs: dict[str, Person] = {"Staben": self.director}
        for number, unit in enumerate(UNITS[:-1], start=1):
            name = f"{FIRST_NAMES[(number * 5) % len(FIRST_NAMES)]} {LAST_NAMES[(number * 7) % len(LAST_NAMES)]}"
            self.chefs[unit] = person(f"chef{number}", name, "Enhetschef", unit, [Role.CHEF], "valid")
        # Staff: per unit in turn; within a unit, trained in this pattern (one in ten lapsed, one
        # expiring, one never trained), so that every unit has a trained and a lapsed person.
        pattern = ["valid", "lapsed", "valid", "valid", "expiring", "valid", "none", "valid", "valid", "valid"]
        self.staff: dict[str, list[Person]] = defaultdict(list)
        for number in range(self.size["people"] - len(self.everyone)):
            unit = UNITS[number % len(UNITS)]
            position = len(self.staff[unit])
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            title = self.rng.choice(["Kommunikatör", "Bibliotekskonsulent", "Producent", "Antikvarie", "Pedagog"])
            made = person(f"medarbetare{number + 1}", name, title, unit, [Role.MEDARBETARE], pattern[position % 10])
            self.staff[unit].append(made)
        User.groups.through.objects.bulk_create(memberships)
        root.chef = self.director.user
        root.save()
        for unit, chef in self.chefs.items():
            self.units[unit].chef = chef.user
            self.units[unit].save()
        self.written["people"] = len(self.everyone)

        absences = []
        for made in self.everyone:
            if self.rng.random() < 0.6:  # a summer vacation, this year's or next
                year = self.today.year + (1 if self.today.month > 8 else 0)
                start = datetime.date(year, 6, 22) + datetime.timedelta(days=self.rng.randint(0, 35))
                absences.append(self.absence(made, AbsenceKind.SEMESTER, start, 20, "Sommarsemester"))
            if self.rng.random() < 0.12:  # a short leave in the coming weeks: a roster gap without a backup
                start = self.today + datetime.timedelta(days=self.rng.randint(3, 28))
                absences.append(self.absence(made, AbsenceKind.TJANSTLEDIGHET, start, 4, "Kurs"))
        with _kept_timestamps(Absence):
            self.written["absences"] += _bulk(Absence, absences)

    def write_trainings(self) -> None:
        """Legal training, renewed every three years before it runs out, for everyone trained:
        valid on every day since the first go-live of the region, so that nobody was appointed or
        rostered untrained. A lapsed person's last training ran out after the latest go-live of
        the channels they own (the appointment was valid; the renewal never came); an expiring
        one's runs out within 50 days."""
        first_live = min((self.day_of(p.activated) for p in self.channels if p.activated), default=self.today)
        last_owned = defaultdict(lambda: first_live)
        for plan in self.channels:
            if plan.activated is not None:
                last_owned[plan.owner.user.pk] = max(last_owned[plan.owner.user.pk], self.day_of(plan.activated))
        validity = datetime.timedelta(days=TRAINING_VALID_DAYS)
        records = []
        for made in self.everyone:
            if made.trained == "none":
                continue
            if made.trained == "lapsed":
                earliest = min(
                    last_owned[made.user.pk] + datetime.timedelta(days=1), self.today - datetime.timedelta(days=1)
                )
                span = max((self.today - datetime.timedelta(days=1) - earliest).days, 0)
                valid_until = earliest + datetime.timedelta(days=self.rng.randint(0, min(span, 400)))
            elif made.trained == "expiring":
                valid_until = self.today + datetime.timedelta(days=self.rng.randint(10, 50))
            else:
                valid_until = self.today + datetime.timedelta(days=self.rng.randint(120, TRAINING_VALID_DAYS - 30))
            made.valid_until = valid_until
            completed = valid_until - validity
            records.append(self.training(made, completed))
            while completed > first_live:  # the one before, renewed a few weeks before it ran out
                completed = completed - validity + datetime.timedelta(days=self.rng.randint(10, 60))
                records.append(self.training(made, completed))
        with _kept_timestamps(TrainingRecord):
            self.written["training records"] += _bulk(TrainingRecord, records)

    def training(self, made: Person, completed: datetime.date) -> TrainingRecord:
        return TrainingRecord(
            user=made.user,
            course=Course.LEGAL_BASICS,
            completed_on=completed,
            valid_until=completed + datetime.timedelta(days=TRAINING_VALID_DAYS),
            created_at=self.at(completed, 15),
        )

    def absence(self, made: Person, kind: str, start: datetime.date, days: int, note: str) -> Absence:
        return Absence(
            user=made.user,
            kind=kind,
            starts_on=start,
            ends_on=start + datetime.timedelta(days=days),
            note=note,
            created_at=self.at(min(start, self.today) - datetime.timedelta(days=30)),
        )

    def trained(self, unit: str, *, lapsed: bool = False) -> list[Person]:
        wanted = {"lapsed"} if lapsed else {"valid", "expiring"}
        return [made for made in self.staff[unit] if made.trained in wanted]

    # --- the stories ------------------------------------------------------------------------

    def plan_channels(self) -> None:
        count = self.size["channels"]
        deck = []
        for story, share, least in STORY_SHARES:
            deck += [story] * max(least, round(count * share))
        deck += [Story.ACTIVE] * (count - len(deck))
        self.rng.shuffle(deck)
        cares = [care for care, _weight in CARE_WEIGHTS]
        weights = [weight for _care, weight in CARE_WEIGHTS]
        self.channels: list[ChannelPlan] = []
        per_platform = defaultdict(int)
        for index, story in enumerate(deck):
            unit = UNITS[index % len(UNITS)]
            care = self.rng.choices(cares, weights)[0] if story in LIVE else Care.GOOD
            platform, _weight, base = self.rng.choices(PLATFORMS, [weight for _p, weight, _b in PLATFORMS])[0]
            per_platform[platform] += 1
            topic = TOPICS[index % len(TOPICS)]
            name = f"{topic} – {unit} {per_platform[platform]}"
            slug = f"kob-{index + 1}"
            # An owner whose training lapsed after the appointment: one poor live channel in two.
            lapsed = care == Care.POOR and story in LIVE and index % 2 == 0
            owner = self.rng.choice(self.trained(unit, lapsed=lapsed))
            plan = ChannelPlan(index, unit, story, care, platform, name, base + slug, owner)
            weekly = self.rng.random() < 0.8
            plan.update_period = FrequencyPeriod.WEEK if weekly else FrequencyPeriod.MONTH
            plan.update_count = self.rng.randint(1, 3) if weekly else self.rng.randint(2, 6)
            plan.hours = Decimal(self.rng.choice(["1.0", "1.5", "2.0", "3.0", "4.0", "6.0", "8.0"]))
            self.channels.append(plan)

        live = [plan for plan in self.channels if plan.story in (Story.ACTIVE, Story.PAUSED)]
        open_next = max(OPEN_NEXT_MIN, round(len(live) * OPEN_NEXT_SHARE))
        ended_next = max(ENDED_NEXT_MIN, round(len(live) * ENDED_NEXT_SHARE))
        drafts = max(1, round(self.size["plans"] * DRAFT_ONLY_SHARE))
        base = len(self.channels) + open_next + ended_next + drafts
        approved = [plan for plan in self.channels if plan.story in LIVE]
        extra = self.size["plans"] - base
        if extra < 0:
            raise ValueError(f"{self.size['plans']} plans are too few for {len(self.channels)} channels.")
        superseded = [extra // len(approved) + (1 if i < extra % len(approved) else 0) for i in range(len(approved))]
        self.rng.shuffle(superseded)
        extras = dict(zip((plan.index for plan in approved), superseded, strict=True))
        opens = {plan.index: OPEN_STATES[i % len(OPEN_STATES)] for i, plan in enumerate(live[:open_next])}
        ended = {plan.index: UNSTARTED_STATES[i % 2] for i, plan in enumerate(live[open_next : open_next + ended_next])}

        for plan in self.channels:
            plan.goals = self.goals_for(plan)
            self.story(plan, extras.get(plan.index, 0), opens.get(plan.index), ended.get(plan.index))
        self.draft_only = [self.draft_only_plan(i) for i in range(drafts)]

    def goals_for(self, plan: ChannelPlan) -> list[dict]:
        fitting = [
            value
            for value, spec in CATALOGUE.items()
            if spec.fits(plan.platform) and value not in DERIVED and value != Metric.FOLLOWERS
        ]
        metrics = [Metric.FOLLOWERS.value, *self.rng.sample(fitting, self.rng.randint(0, 2))]
        goals = []
        for metric in metrics:
            spec = CATALOGUE[metric]
            if spec.kind == MetricKind.LEVEL and spec.higher_is_better:  # followers
                baseline = Decimal(self.rng.randint(150, 6000))
                target = (baseline * Decimal(self.rng.choice(["1.2", "1.5", "2.0"]))).quantize(Decimal(1))
                text = "Fler följare i målgruppen"
            elif not spec.higher_is_better:  # response time, hours
                baseline, target = Decimal(self.rng.randint(16, 48)), Decimal(self.rng.choice([4, 8, 12]))
                text = "Kortare svarstid på frågor"
            else:  # a count per month
                baseline = Decimal(self.rng.randint(20, 3000))
                target = (baseline * Decimal(self.rng.choice(["1.3", "1.5", "2.0"]))).quantize(Decimal(1))
                with translation.override(settings.LANGUAGE_CODE):  # written in Swedish, whatever is active
                    text = f"Fler {spec.unit} per månad"
            goals.append({"description": text, "metric": metric, "baseline": baseline, "target": target})
        return goals

    def chain_people(self, unit: str) -> tuple[User, Role]:
        chef = self.chefs[unit].user
        role = Role.KULTURDIREKTOR if chef == self.director.user else Role.CHEF
        return chef, role

    def decide(self, version: Version, unit: str, target: PlanStatus, *, stop: Step | None = None) -> datetime.datetime:
        """Submit `version` (at version.submitted) and take it through the chain to `target`, as
        domain.chain would: approvals step by step, then the return or rejection at `stop`, or a
        withdrawal while it waits at `stop`. Returns the time of its last event."""
        chef, chef_role = self.chain_people(unit)
        moment = version.submitted
        version.events = []
        steps = [
            (Step.CHEF, chef, chef_role),
            (Step.KOMMUNIKATION, self.officer.user, Role.KOMMUNIKATIONSANSVARIG),
            (Step.DIREKTOR, self.director.user, Role.KULTURDIREKTOR),
        ]
        if version.author == chef:  # the chef wrote it: submitting signs the chef step
            version.events.append(Event(Step.CHEF, Action.APPROVE, chef, chef_role, moment, signed_by_submission=True))
            steps = steps[1:]
        waiting = {PlanStatus.HOS_CHEF: Step.CHEF, PlanStatus.HOS_KOMMUNIKATION: Step.KOMMUNIKATION}
        waiting[PlanStatus.HOS_DIREKTOR] = Step.DIREKTOR
        last_step = waiting.get(target) or stop or Step.DIREKTOR
        for step, person, role in steps:
            if step == last_step and target in waiting:
                break
            moment = self.later(moment, self.rng.randint(1, 4))
            if step == last_step and target == PlanStatus.ATERSAND:
                comment = "Beskriv tillsynen under semestrarna tydligare och vem som ersätter ansvarig."
                version.events.append(Event(step, Action.RETURN, person, role, moment, comment))
                break
            if step == last_step and target == PlanStatus.AVSLAGEN:
                comment = "Kanalen överlappar en befintlig kanal i förvaltningen; nå målgruppen där i stället."
                version.events.append(Event(step, Action.REJECT, person, role, moment, comment))
                break
            if step == last_step and target == PlanStatus.ATERKALLAD:
                moment = self.later(moment, 1)
                break
            version.events.append(Event(step, Action.APPROVE, person, role, moment))
        version.status = target
        version.status_changed = moment
        if target in (PlanStatus.GODKAND, PlanStatus.AVSLAGEN):
            version.decided = moment
        if target == PlanStatus.GODKAND:
            version.approved = moment
        return moment

    def story(self, plan: ChannelPlan, superseded: int, open_state, ended_state) -> None:
        """Draw the plan versions (and go-live, pause, closure) of the channel's story."""
        author = plan.owner.user
        chef = self.chefs[plan.unit].user
        if plan.story == Story.PENDING:
            state = PENDING_STATES[plan.index % len(PENDING_STATES)]
            submitted = self.at(self.days_ago(8, 40), 9)
            version = Version(1, state, author, submitted - datetime.timedelta(days=5), submitted)
            stop = {PlanStatus.ATERSAND: self.rng.choice([Step.CHEF, Step.KOMMUNIKATION])}.get(state)
            self.decide(version, plan.unit, state, stop=stop)
            plan.versions, plan.registered = [version], submitted
            return
        if plan.story == Story.UNSTARTED:
            state = UNSTARTED_STATES[plan.index % 2]
            submitted = self.at(self.days_ago(30, 500), 9)
            version = Version(1, state, author, submitted - datetime.timedelta(days=7), submitted)
            stop = self.rng.choice([Step.CHEF, Step.KOMMUNIKATION, Step.DIREKTOR])
            plan.closed = self.decide(version, plan.unit, state, stop=stop)
            plan.versions, plan.registered = [version], submitted
            return
        # A series with approved versions: the first submitted long enough ago for all of them.
        approvals = superseded + 1
        if plan.story == Story.APPROVED:
            first = self.days_ago(25, 60)
        else:
            first = self.days_ago(150 + 40 * approvals, 1300 + 40 * approvals)
        end = self.today - datetime.timedelta(days=60 if plan.story in (Story.CLOSING, Story.CLOSED) else 25)
        span = max((end - first).days, 1)
        days = sorted([first] + [first + datetime.timedelta(days=self.rng.randint(1, span)) for _ in range(superseded)])
        for number, day in enumerate(days, start=1):
            # Each version is submitted no earlier than a week after the one before was approved.
            floor = plan.versions[-1].approved + datetime.timedelta(days=7) if plan.versions else None
            submitted = max(self.at(day, 9), floor) if floor else self.at(day, 9)
            writer = chef if self.rng.random() < 0.1 else author
            version = Version(number, PlanStatus.GODKAND, writer, submitted - datetime.timedelta(days=6), submitted)
            self.decide(version, plan.unit, PlanStatus.GODKAND)
            if plan.versions:
                plan.versions[-1].status = PlanStatus.ERSATT
                plan.versions[-1].status_changed = version.approved
            plan.versions.append(version)
        plan.registered = plan.versions[0].submitted
        approved = plan.versions[0].approved
        if plan.story == Story.APPROVED:
            return
        plan.activated = self.later(approved, self.rng.randint(3, 20))
        last = max(plan.versions[-1].approved, plan.activated)
        if plan.story == Story.PAUSED:
            plan.paused = self.later(last, self.rng.randint(5, 20))
            last = plan.paused
        if plan.story in (Story.CLOSING, Story.CLOSED):
            submitted = self.later(last, self.rng.randint(5, 15))
            closure = Version(0, PlanStatus.GODKAND, chef, submitted - datetime.timedelta(days=3), submitted)
            self.decide(closure, plan.unit, PlanStatus.GODKAND)
            plan.closure = {"version": closure}
            if plan.story == Story.CLOSED:
                plan.closure["final_screenshot"] = self.later(closure.approved, 5)
                plan.closed = self.later(closure.approved, 8)
            return
        for state in (ended_state, open_state):
            if state is None:
                continue
            number = plan.versions[-1].number + 1
            created = self.later(last, self.rng.randint(2, 10))
            version = Version(number, state, author, created)
            if state != PlanStatus.UTKAST:
                version.submitted = self.later(created, 1)
                stop = self.rng.choice([Step.CHEF, Step.KOMMUNIKATION])
                if state == PlanStatus.ATERKALLAD:
                    stop = Step.KOMMUNIKATION
                last = self.decide(version, plan.unit, state, stop=stop)
            else:
                last = created
            plan.versions.append(version)

    def draft_only_plan(self, number: int) -> tuple[str, Version, str, str]:
        unit = UNITS[number % len(UNITS)]
        author = self.rng.choice(self.trained(unit)).user
        created = self.at(self.days_ago(1, 30), 13)
        topic = TOPICS[(number * 3) % len(TOPICS)]
        return (
            unit,
            Version(1, PlanStatus.UTKAST, author, created),
            f"{topic} – nytt konto {number + 1}",
            Platform.INSTAGRAM,
        )

    # --- channels and plans -------------------------------------------------------------------

    def write_channels_and_plans(self) -> None:
        registered = list(self.channels)
        for plan in registered:
            status_changed = {
                Story.ACTIVE: plan.activated,
                Story.PAUSED: plan.paused,
                Story.CLOSING: plan.closure and plan.closure["version"].approved,
                Story.CLOSED: plan.closed,
                Story.UNSTARTED: plan.closed,
            }.get(plan.story)
            plan.channel = Channel(
                platform=plan.platform,
                name=plan.name,
                url=plan.url,
                unit=self.units[plan.unit],
                status=plan.status,
                revision=len(plan.versions) + (2 if plan.activated else 0),
                owner=plan.owner.user if plan.activated else None,
                screenshot_responsible=plan.owner.user if plan.activated else None,
                created_at=plan.registered,
                activated_at=plan.activated,
                closed_at=plan.closed,
                status_changed_at=status_changed,
                # bulk_create skips Channel.save, which stores the due day and the address's
                # key: the rules, by hand.
                inventory_due=inventory_due_on(plan.status, plan.activated),
                canonical_address=address_key(plan.url),
            )
        Channel.objects.bulk_create([plan.channel for plan in registered], batch_size=BATCH)
        self.written["channels"] += len(registered)

        # Diarienummer: one per series at its first submission, numbered per year in order.
        numbered = sorted(
            (plan for plan in self.channels if plan.versions[0].submitted), key=lambda p: p.versions[0].submitted
        )
        last_of_year: dict[int, int] = defaultdict(int)
        self.diarienummer = {}
        for plan in numbered:
            year = self.day_of(plan.versions[0].submitted).year
            last_of_year[year] += 1
            self.diarienummer[plan.index] = settings.DIARIENUMMER_FORMAT.format(year=year, seq=last_of_year[year])
        DiarieCounter.objects.bulk_create(DiarieCounter(year=year, last=last) for year, last in last_of_year.items())

        # Version by version, so that each points at the one before it.
        rows: list[tuple[Version, ChannelPlan | None]] = []
        depth = max(len(plan.versions) for plan in self.channels)
        series = {plan.index: uuid.UUID(int=self.rng.getrandbits(128), version=4) for plan in self.channels}
        for number in range(1, depth + 1):
            batch = []
            for plan in self.channels:
                if len(plan.versions) < number:
                    continue
                version = plan.versions[number - 1]
                previous = plan.versions[number - 2].plan if number > 1 else None
                version.plan = self.plan_row(plan, version, series[plan.index], previous)
                batch.append((version, plan))
            if number == 1:
                for unit, version, name, platform in self.draft_only:
                    draft = ChannelPlan(-1, unit, "", Care.GOOD, platform, name, "", Person(version.author, unit, ""))
                    draft.goals = self.goals_for(draft)
                    version.plan = self.plan_row(
                        draft, version, uuid.UUID(int=self.rng.getrandbits(128), version=4), None
                    )
                    version.plan.channel = None
                    batch.append((version, draft))
            Plan.objects.bulk_create([version.plan for version, _plan in batch], batch_size=BATCH)
            rows += batch
        self.written["plans"] += len(rows)

        goals, decisions, permissions = [], [], []
        permission = Permission.objects.get(content_type__app_label="plans", codename="change_plan")
        plan_type = ContentType.objects.get_for_model(Plan)
        for version, plan in rows:
            for position, goal in enumerate(plan.goals):
                # Copied from version to version (drafts.revise): counted from the first one.
                written = plan.versions[0].created if plan.versions else version.created
                deadline = self.day_of(written) + datetime.timedelta(days=365 * (1 + position % 2))
                goals.append(Goal(plan=version.plan, position=position, deadline=deadline, **goal))
            for event in version.events:
                decisions.append(self.decision_row(event, plan=version.plan))
            permissions.append(
                UserObjectPermission(
                    permission=permission, content_type=plan_type, object_pk=str(version.plan.pk), user=version.author
                )
            )
        self.written["goals"] += _bulk(Goal, goals)
        self.written["decisions"] += _bulk(Decision, decisions)
        _bulk(UserObjectPermission, permissions)
        self.plan_rows = rows

    def plan_row(self, plan: ChannelPlan, version: Version, series, previous: Plan | None) -> Plan:
        unit = self.units[plan.unit]
        submitted = version.submitted is not None
        chef = self.chefs[plan.unit].user
        return Plan(
            unit=unit,
            deciding_chef=chef if submitted else None,
            platform=plan.platform,
            channel_name=plan.name,
            channel_url=plan.url,
            purpose=f"Nå fler invånare i Uppsala län med {unit.name}s verksamhet och föra en dialog med dem.",
            activities="Regelbundna inlägg om program, tips och bakom kulisserna; svar på frågor inom en arbetsdag.",
            responsible=plan.owner.user,
            supervision="Ansvarig bevakar vardagar; ersättare enligt tillsynsschemat under semestrar och ledigheter.",
            update_count=plan.update_count,
            update_period=plan.update_period,
            working_hours_per_week=plan.hours,
            screenshot_responsible=plan.owner.user,
            target_groups="Invånare i Uppsala län, särskilt unga vuxna och föreningslivet.",
            terms_reviewed_on=self.day_of(version.created) - datetime.timedelta(days=10),
            terms_reviewed_by=plan.owner.user,
            case_routine="Frågor om enskilda ärenden hänvisas till e-post och diarieförs.",
            records_reference="Dokumenthanteringsplan Kultur och bildning 4.2.1",
            statistics_use=StatisticsUse.USED,
            privacy_notice_url="https://www.regionuppsala.se/om-webbplatsen/personuppgifter/",
            processing_register_entry="Registret över behandlingar, Kultur och bildning: sociala medier",
            data_requests_by="Region Uppsalas dataskyddsfunktion",
            personal_data_note="Regionen är gemensamt personuppgiftsansvarig med plattformen.",
            accessibility_routine="Alt-text på alla bilder och textning av alla filmer.",
            alt_texts=AccessibilityPractice.IN_ROUTINE,
            captions=AccessibilityPractice.IN_ROUTINE,
            readable_hashtags=AccessibilityPractice.IN_ROUTINE,
            channel_information=(
                "Kanalen drivs av Region Uppsala, Kultur och bildning. Inlägg kan vara allmänna handlingar."
            ),
            tools="Plattformens egen statistik och publiceringsverktyg.",
            channel=plan.channel if (submitted or version.number > 1) else None,
            status=version.status,
            revision=1 + len(version.events) + (1 if submitted else 0),
            series=series,
            version_number=version.number,
            previous_version=previous,
            # A revision carries the series' number from its first submission (drafts.revise).
            diarienummer=self.diarienummer.get(plan.index, "") if (submitted or version.number > 1) else "",
            author=version.author,
            created_at=version.created,
            updated_at=version.status_changed or version.created,
            submitted_at=version.submitted,
            status_changed_at=version.status_changed,
            decided_at=version.decided,
        )

    def decision_row(self, event: Event, **document) -> Decision:
        return Decision(
            **document,
            step=event.step,
            outcome=event.outcome,
            decided_by=event.by,
            role=event.role,
            comment=event.comment,
            decided_at=event.at,
            signed_by_submission=event.signed_by_submission,
        )

    def write_signed_plans(self) -> None:
        """The frozen snapshot of every version that was approved, as domain.archive.freeze wrote
        it at the approval (the status then was godkänd). The PDFs are not rendered: a worker
        renders each one the first time it is asked for (plans.tasks)."""
        signed = []
        for version, _plan in self.plan_rows:
            if version.approved is None:
                continue
            row = version.plan
            status, row.status = row.status, PlanStatus.GODKAND
            snapshot = build_snapshot(row)
            row.status = status
            signed.append(
                SignedPlan(
                    plan=row, snapshot=snapshot, snapshot_sha256=fingerprint(snapshot), frozen_at=version.approved
                )
            )
        self.written["signed plans"] += _bulk(SignedPlan, signed, batch_size=500)

    # --- go-live ---------------------------------------------------------------------------------

    def write_go_live(self) -> None:
        ticks, agreements, roster = [], [], []
        this_monday = self.today - datetime.timedelta(days=self.today.weekday())
        for plan in self.channels:
            chef = self.chefs[plan.unit].user
            if plan.story == Story.APPROVED:
                for item in list(ChecklistItem)[: plan.index % 3]:
                    ticks.append(ChecklistTick(channel=plan.channel, item=item, ticked_by=chef, ticked_at=self.now))
            if plan.activated is None:
                continue
            before = plan.activated - datetime.timedelta(days=2)
            for item in ChecklistItem:
                ticks.append(ChecklistTick(channel=plan.channel, item=item, ticked_by=chef, ticked_at=before))
            agreements.append(
                Agreement(
                    channel=plan.channel,
                    owner=plan.owner.user,
                    chef=chef,
                    tasks="Publicera inlägg enligt planen, svara på kommentarer vardagar och bevaka kanalen.",
                    hours_per_week=plan.hours,
                    created_at=before,
                    chef_confirmed_at=before,
                    owner_confirmed_at=self.later(before, 1),
                )
            )
            # A year of roster: from the go-live (or 39 weeks back) to 12 weeks ahead for a well
            # kept channel; a fair one's ends 4 weeks ahead, a poor one's this week (gaps ahead).
            # A closed channel's ends with its closure.
            activated_monday = self.day_of(plan.activated) - datetime.timedelta(
                days=self.day_of(plan.activated).weekday()
            )
            first = max(activated_monday, this_monday - datetime.timedelta(weeks=ROSTER_WEEKS_BACK))
            ahead = {Care.GOOD: ROSTER_WEEKS_AHEAD, Care.FAIR: 4, Care.POOR: 0}[plan.care]
            last = this_monday + datetime.timedelta(weeks=ahead)
            if plan.closure is not None:
                last = self.day_of(plan.closure["version"].approved)
            if plan.owner.valid_until is not None:  # rostered only while trained to the week's Friday
                until = plan.owner.valid_until
                monday = until - datetime.timedelta(days=until.weekday() + (7 if until.weekday() < 4 else 0))
                last = min(last, monday)
            backups = [
                made for made in self.staff[plan.unit] if made.trained == "valid" and made.user != plan.owner.user
            ]
            backup = self.rng.choice(backups).user if backups and plan.care != Care.POOR else None
            week = first
            while week <= last:
                year, number, _weekday = week.isocalendar()
                roster.append(
                    RosterWeek(
                        channel=plan.channel, iso_year=year, iso_week=number, primary=plan.owner.user, backup=backup
                    )
                )
                week += datetime.timedelta(weeks=1)
        self.written["checklist ticks"] += _bulk(ChecklistTick, ticks)
        self.written["agreements"] += _bulk(Agreement, agreements)
        self.written["roster weeks"] += _bulk(RosterWeek, roster, batch_size=5_000)

    def write_closures(self) -> None:
        closing = [plan for plan in self.channels if plan.closure is not None]
        requests = []
        for plan in closing:
            version = plan.closure["version"]
            requests.append(
                ClosureRequest(
                    channel=plan.channel,
                    unit=self.units[plan.unit],
                    reason="Få följare och nästan ingen dialog det senaste året.",
                    measures_tried="Fler inlägg, samarbete med andra enheter, annonsering på webbplatsen.",
                    visitor_figures="Färre än 200 följare och några få interaktioner per månad.",
                    followers_notice="Ett sista inlägg som hänvisar till förvaltningens huvudkanal.",
                    account_fate="Kontot låses och raderas efter en slutlig skärmdump.",
                    status=PlanStatus.GODKAND,
                    revision=1 + len(version.events),
                    author=version.author,
                    deciding_chef=version.author,
                    created_at=version.created,
                    updated_at=version.status_changed,
                    submitted_at=version.submitted,
                    status_changed_at=version.status_changed,
                    decided_at=version.decided,
                )
            )
        ClosureRequest.objects.bulk_create(requests)
        self.written["closure requests"] += len(requests)
        decisions = [
            self.decision_row(event, closure=request)
            for plan, request in zip(closing, requests, strict=True)
            for event in plan.closure["version"].events
        ]
        self.written["decisions"] += _bulk(Decision, decisions)

    # --- the update log ---------------------------------------------------------------------------

    def live_days(self, plan: ChannelPlan) -> tuple[datetime.date, datetime.date]:
        """The days a channel was in use: from its go-live to yesterday, or to its closure request."""
        end = self.today - datetime.timedelta(days=1)
        if plan.closure is not None:
            end = min(end, self.day_of(plan.closure["version"].approved))
        if plan.paused is not None:
            end = min(end, self.day_of(plan.paused))
        return self.day_of(plan.activated), end

    def write_updates(self) -> None:
        live = [plan for plan in self.channels if plan.activated is not None]
        factor = {Care.GOOD: 1.3, Care.FAIR: 0.9, Care.POOR: 0.35}
        per_week = {
            plan.index: plan.update_count / (1 if plan.update_period == FrequencyPeriod.WEEK else 4.3) for plan in live
        }
        weights = [factor[plan.care] * per_week[plan.index] for plan in live]
        quotas = _share(self.size["updates"], weights)
        carry = 0
        for plan, quota in itertools.chain(zip(live, quotas, strict=True), ((plan, 0) for plan in live)):
            quota += carry
            if quota <= 0:
                continue
            days = self.update_days(plan, quota, factor[plan.care] * per_week[plan.index])
            carry = quota - len(days)
            plan.update_days += days
        if carry:
            raise ValueError(f"{carry} updates found no channel with room for them.")
        # Logged by hand by the owner (domain.updates.log_update), on the day of publishing.
        rows = (
            (
                plan.channel.pk,
                published_at_noon(day),
                UpdateSource.MANUAL,
                f"{plan.url}/posts/{number + 1}" if number % 3 == 0 else "",
                NOTES[number % len(NOTES)],
                "",
                plan.owner.user.pk,
                published_at_noon(day) + datetime.timedelta(hours=3),
            )
            for plan in live
            for number, day in enumerate(sorted(plan.update_days))
        )
        columns = ["channel", "published_at", "source", "link", "note", "entry_key", "logged_by", "created_at"]
        self.written["updates"] += _insert(ChannelUpdate, columns, rows)

    def update_days(self, plan: ChannelPlan, quota: int, rate: float) -> list[datetime.date]:
        """Up to `quota` publishing days, week by week backwards from yesterday at `rate` a week,
        on days not taken yet (a day has at most three updates)."""
        first, last = self.live_days(plan)
        taken = defaultdict(int)
        for day in plan.update_days:
            taken[day] += 1
        days = []
        week_end = last
        while len(days) < quota and week_end >= first:
            week = [
                week_end - datetime.timedelta(days=i)
                for i in range(7)
                if week_end - datetime.timedelta(days=i) >= first
            ]
            count = max(0, round(rate + self.rng.uniform(-0.7, 0.7)))
            for _ in range(min(count, quota - len(days))):
                day = self.rng.choice(week)
                if taken[day] < 3:
                    taken[day] += 1
                    days.append(day)
            week_end -= datetime.timedelta(weeks=1)
        if len(days) < quota:  # the weeks are used up: fill the remaining room day by day
            day = first
            while len(days) < quota and day <= last:
                while taken[day] < 3 and len(days) < quota:
                    taken[day] += 1
                    days.append(day)
                day += datetime.timedelta(days=1)
        return days

    # --- measurements -------------------------------------------------------------------------------

    def write_measurements(self) -> None:
        """Daily values of each goal metric of the plan in force, from yesterday backwards, for the
        live channels (none for one poor channel in three: "no data"). Followers grow toward the
        target at a pace that depends on the care; counts wobble around a monthly level."""
        measured = [
            plan
            for plan in self.channels
            if plan.activated is not None and not (plan.care == Care.POOR and plan.index % 3 == 0)
        ]
        if not measured:
            return
        capacity = {}
        for plan in measured:
            first, last = self.live_days(plan)
            first = max(first, self.today - datetime.timedelta(days=3 * 365))
            plan.measure_from, plan.measure_to = first, last
            capacity[plan.index] = len(plan.goals) * max((last - first).days + 1, 0)
        quotas = _share(self.size["measurements"], [min(capacity[p.index], 2_000) for p in measured])
        # What does not fit a channel's days goes to the next one with room.
        spill = 0
        for i, plan in enumerate(measured):
            quotas[i] += spill
            spill = max(0, quotas[i] - capacity[plan.index])
            quotas[i] -= spill
        for i, plan in enumerate(measured):
            room = capacity[plan.index] - quotas[i]
            moved = min(room, spill)
            quotas[i] += moved
            spill -= moved
        if spill:
            raise ValueError(f"{spill} measurements do not fit the channels' days.")
        columns = ["channel", "metric", "period", "on", "value", "source", "recorded_by", "recorded_at"]
        self.written["measurements"] += _insert(Measurement, columns, self.measurement_rows(measured, quotas))

    def measurement_rows(self, measured: list[ChannelPlan], quotas: list[int]):
        """(channel, metric, period, on, value, source, recorded_by, recorded_at) per value."""
        pace = {Care.GOOD: 1.1, Care.FAIR: 0.6, Care.POOR: 0.1}
        for plan, quota in zip(measured, quotas, strict=True):
            if quota <= 0:
                continue
            channel_id, recorder_id = plan.channel.pk, plan.owner.user.pk
            span = max((plan.measure_to - plan.measure_from).days, 1)
            goals = [
                (goal["metric"], CATALOGUE[goal["metric"]].kind == MetricKind.LEVEL, float(goal["baseline"]),
                 float(goal["target"] - goal["baseline"]))
                for goal in plan.goals
            ]  # fmt: skip
            written = 0
            day = plan.measure_to
            while written < quota:
                progress = (day - plan.measure_from).days / span * pace[plan.care]
                recorded_at = self.at(min(day + datetime.timedelta(days=1), self.today), 8)
                for metric, level, baseline, rise in goals[: quota - written]:
                    value = baseline + rise * progress
                    if level:
                        value = max(0, round(value) + self.rng.randint(-3, 3))
                    else:  # a monthly level counted per day
                        value = max(0, round(value / 30 * self.rng.uniform(0.6, 1.4)))
                    yield (channel_id, metric, Period.DAY, day, value, Source.MANUAL, recorder_id, recorded_at)
                    written += 1
                day -= datetime.timedelta(days=1)

    # --- screenshots, inventory, evaluations ------------------------------------------------------

    def screenshot_file(self) -> tuple[str, int, str]:
        """One small PNG under MEDIA_ROOT that every screenshot record of the region points at."""
        png = base64.b64decode(PIXEL_PNG)
        name = "uploads/region/skarmdump.png"
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        return name, len(png), hashlib.sha256(png).hexdigest()

    def write_screenshots_and_inventory(self) -> None:
        name, size, digest = self.screenshot_file()
        screenshots, inventories = [], []
        for plan in self.channels:
            if plan.activated is None:
                continue
            first, last = self.live_days(plan)
            halves = {Care.GOOD: [0, 1, 2], Care.FAIR: [1, 2], Care.POOR: []}[plan.care]
            for back in halves:  # this half year, the one before and the one before that
                start, end = self.half_year(back)
                day = max(start, first) + datetime.timedelta(days=self.rng.randint(0, 40))
                if day <= min(end, last):
                    screenshots.append(self.screenshot(plan, day))
            if plan.closure is not None and "final_screenshot" in plan.closure:
                screenshots.append(self.screenshot(plan, self.day_of(plan.closure["final_screenshot"]), final=True))
            if plan.story in (Story.ACTIVE, Story.PAUSED):
                months = {Care.GOOD: (0, 5), Care.FAIR: (7, 11), Care.POOR: None}[plan.care]
                if months is not None:
                    day = max(first, self.today - datetime.timedelta(days=30 * self.rng.randint(*months) + 3))
                    inventories.append(
                        InventoryConfirmation(
                            channel=plan.channel,
                            confirmed_by=plan.owner.user,
                            confirmed_at=self.at(day, 11),
                            still_used=True,
                            owners_correct=plan.care == Care.GOOD,
                            # What the channel states must all be true: the domain refuses a
                            # confirmation otherwise (confirm_inventory).
                            **dict.fromkeys(INFORMATION_ITEMS.values(), True),
                            note="" if plan.care == Care.GOOD else "Tillsynsschemat behöver ses över.",
                        )
                    )
        Screenshot.objects.bulk_create(screenshots, batch_size=BATCH)
        self.written["screenshots"] += len(screenshots)
        files = (
            ScreenshotFile(
                screenshot=shot,
                file=name,
                original_name="skarmdump.png",
                content_type="image/png",
                size=size,
                sha256=digest,
            )
            for shot in screenshots
        )
        _bulk(ScreenshotFile, files)
        self.written["inventory confirmations"] += _bulk(InventoryConfirmation, inventories)
        # Nor does bulk_create run InventoryConfirmation.save: the due day moves here (each
        # channel has one confirmation at most, after its activation).
        for confirmation in inventories:
            channel = confirmation.channel
            channel.inventory_due = inventory_due_on(channel.status, confirmation.confirmed_at)
        Channel.objects.bulk_update([c.channel for c in inventories], ["inventory_due"], batch_size=BATCH)

    def half_year(self, back: int) -> tuple[datetime.date, datetime.date]:
        half = 1 if self.today.month <= 6 else 2
        year = self.today.year
        for _ in range(back):
            year, half = (year, 1) if half == 2 else (year - 1, 2)
        return ScreenshotDuty.bounds(year, half)

    def screenshot(self, plan: ChannelPlan, day: datetime.date, *, final: bool = False) -> Screenshot:
        return Screenshot(
            channel=plan.channel,
            taken_on=day,
            taken_by=plan.owner.user,
            url=plan.url,
            diarienummer=self.diarienummer.get(plan.index, "") if final else "",
            is_final=final,
            created_at=self.at(day, 14),
        )

    def write_evaluations(self) -> None:
        """A completed evaluation within the year for a well kept channel that has been live for a
        year, one older than a year for a fair one, none for a poor one; and a draft for some.
        The goals' results are taken as domain.evaluations takes them, as of the completion day."""
        evaluations = []
        for plan in self.channels:
            if plan.story not in (Story.ACTIVE, Story.PAUSED) or plan.activated is None:
                continue
            live_for = (self.today - self.day_of(plan.activated)).days
            if live_for < 365 or plan.care == Care.POOR:
                continue
            back = self.rng.randint(20, 300) if plan.care == Care.GOOD else self.rng.randint(390, 500)
            day = self.today - datetime.timedelta(days=min(back, live_for - 1))
            completed = self.at(day, 15)
            in_force = [v for v in plan.versions if v.approved is not None and v.approved <= completed]
            if not in_force:
                continue
            evaluations.append((plan, in_force[-1], completed, EvaluationStatus.DONE))
            if plan.index % 10 == 0:  # a draft of the next one
                evaluations.append((plan, in_force[-1], self.now, EvaluationStatus.DRAFT))
        rows = []
        for plan, version, moment, status in evaluations:
            done = status == EvaluationStatus.DONE
            rows.append(
                Evaluation(
                    channel=plan.channel,
                    plan=version.plan,
                    author=plan.owner.user,
                    status=status,
                    summary="Kanalen når målgruppen och är värd sina timmar; fler boktips, färre inlägg om öppettider."
                    if done
                    else "",
                    conclusion=Conclusion.CONTINUE if done else "",
                    created_at=moment - datetime.timedelta(days=5),
                    updated_at=moment,
                    completed_at=moment if done else None,
                    completed_by=plan.owner.user if done else None,
                    revision=2 if done else 0,
                )
            )
        Evaluation.objects.bulk_create(rows, batch_size=BATCH)
        self.written["evaluations"] += len(rows)
        goal_rows = []
        for row, (plan, _version, moment, status) in zip(rows, evaluations, strict=True):
            goals = [
                EvaluationGoal(
                    evaluation=row,
                    position=position,
                    deadline=goal.deadline,
                    **{key: getattr(goal, key) for key in ("description", "metric", "baseline", "target")},
                )
                for position, goal in enumerate(self.goal_rows_of(row.plan))
            ]
            as_of = self.day_of(moment)
            series = goal_series(plan.channel, goals, today=as_of)
            for goal in goals:
                progress = progress_of(goal, series, today=as_of)
                goal.result_status = progress.status
                goal.result_reason = str(progress.reason)[:500]
                goal.latest, goal.latest_on, goal.measured_on = progress.latest, progress.latest_on, as_of
                if status == EvaluationStatus.DONE:
                    goal.went_well = "Stadig ökning, särskilt efter tipsen på fredagar."
                    goal.went_badly = "Få delningar av inläggen om öppettider."
                    goal.change = "Fler tips, färre inlägg om öppettider."
            goal_rows += goals
        _bulk(EvaluationGoal, goal_rows)

    def goal_rows_of(self, plan: Plan) -> list[Goal]:
        if not hasattr(self, "_goals_by_plan"):
            self._goals_by_plan = defaultdict(list)
            for goal in Goal.objects.order_by("position", "pk"):
                self._goals_by_plan[goal.plan_id].append(goal)
        return self._goals_by_plan[plan.pk]

    # --- the scheduled jobs ---------------------------------------------------------------------

    def run_jobs(self) -> None:
        """What the scheduled jobs would have found by now, found by them: the weekly checks of
        the last four weeks (oldest first), and today's screenshot and evaluation duties."""
        this_monday = self.today - datetime.timedelta(days=self.today.weekday())
        results = {}
        for weeks_ago in range(RHYTHM_WEEKS_CHECKED - 1, -1, -1):
            results = run_weekly_check(today=this_monday - datetime.timedelta(weeks=weeks_ago))
        self.say(f"  weekly check of the last week: {results}")
        self.say(f"  screenshot duties: {screenshot_duties.run_screenshot_duties(today=self.today)}")
        self.say(f"  evaluation duties: {evaluation_duties.run_evaluation_duties(today=self.today)}")
        for label, model in [
            ("rhythm checks", RhythmCheck),
            ("screenshot duties", ScreenshotDuty),
            ("evaluation duties", EvaluationDuty),
            ("notifications", Notification),
        ]:
            self.written[label] = model.objects.count()
