"""The permission ladder of every channel register URL, as one table written by hand.

Each cell is the status one person gets for one URL and method. Anonymous visitors are sent
to the login page; another unit's channel does not exist for you (404, the public register
aside); a channel you can see but an action you may not take is 403; a method the URL does
not take is 405. Every refused POST leaves the database and the stored files exactly as
they were, and every accepted one changes them.

The channels are all Länsbiblioteket's, run by `medarbetare` (the owner, the screenshot
responsible, the author of the closure requests). `kollega` works in Länsbiblioteket too but
has no part in any channel: the column that tells what a unit member may do as such.
"""

from datetime import timedelta
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import people_urls
from accounts.enums import AbsenceKind, Course, DeputyCondition, Role
from accounts.models import Absence, Deputy, TrainingRecord
from accounts.tests.factories import make_user
from channel_register import urls as channel_register_urls
from channel_register.domain.channels import (
    appoint,
    channel_transition,
    log_removal,
    propose_agreement,
    record_screenshot,
)
from channel_register.domain.updates import log_update
from channel_register.enums import ChannelAction, ChannelStatus, RemovalCategory
from channel_register.models import (
    Agreement,
    Channel,
    ChannelFeed,
    ChannelUpdate,
    ChecklistTick,
    InventoryConfirmation,
    RemovalEntry,
    RosterWeek,
    Screenshot,
    ScreenshotFile,
)
from plans import closure_urls
from plans.domain import closures
from plans.enums import Action, PlanStatus
from plans.models import ClosureRequest, Decision
from plans.tests.factories import submitted_plan

from .channel_factories import (
    ANALYSIS,
    ANSWERED,
    STATED_POSTED,
    active_channel,
    closing_channel,
    final_screenshot,
    planned_channel_ready,
    png_upload,
    submitted_closure,
    trained,
)
from .channel_upkeep_factories import feed_entry, feed_state

ROLES = ("anonymous", "owner", "kollega", "medarbetare2", "chef", "chef2", "kommunikator", "direktor", "admin")

# Which channel or closure request each endpoint acts on (see World):
#   planned  planerad, approved plan, whole checklist ticked (ready to activate)
#   active   aktiv; a screenshot with a file, a removal entry, an agreement the owner has not
#            confirmed yet, an update logged by the owner and one read from its feed, whose
#            reading state is stored; no closure request
#   paused   pausad, with a closure request drafted by the owner ("draft")
#   pending  aktiv, with a closure request submitted by the owner, at the chef ("pending")
#   closing  avvecklas (its closure approved through the chain), with a final screenshot
#   music    a planned channel of Musik i Uppland
# fmt: off
EXPECTED = {
    # (endpoint, method):                anon owner koll med2 chef chef2 komm  dir admin
    ("list", "GET"):                    (302, 200, 200, 200, 200, 200, 200, 200, 200),
    ("list", "POST"):                   (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("detail", "GET"):                  (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("detail", "POST"):                 (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("detail:music", "GET"):            (302, 404, 404, 200, 404, 200, 200, 200, 200),
    # The decision history of a channel (audit.rules.can_read_audit): the administrator and the
    # kulturdirektör, whoever else may read the channel.
    ("story", "GET"):                   (302, 403, 403, 403, 403, 403, 403, 200, 200),
    ("story", "POST"):                  (302, 405, 405, 405, 405, 405, 405, 405, 405),
    # Status and checklist: the unit's chef and the kommunikationsansvarig. Overseers who only
    # read (kulturdirektör, administrator) see the channel but may not change it.
    ("status:activate", "POST"):        (302, 403, 403, 404, 302, 404, 302, 403, 403),
    ("status:pause", "POST"):           (302, 403, 403, 404, 302, 404, 302, 403, 403),
    ("status:resume", "POST"):          (302, 403, 403, 404, 302, 404, 302, 403, 403),
    # Closing starts only through a closure request decided in the chain: nobody may press it.
    ("status:start_closure", "POST"):   (302, 403, 403, 404, 403, 404, 403, 403, 403),
    # A planned channel is closed unstarted only when its first plan is rejected or withdrawn.
    ("status:archive", "POST"):         (302, 403, 403, 404, 403, 404, 403, 403, 403),
    ("status:close", "POST"):           (302, 403, 403, 404, 302, 404, 302, 403, 403),
    ("status:pause", "GET"):            (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("checklist", "POST"):              (302, 403, 403, 404, 302, 404, 302, 403, 403),
    ("checklist", "GET"):               (302, 405, 405, 405, 405, 405, 405, 405, 405),
    # People and agreements: the unit's chef only.
    ("appoint", "GET"):                 (302, 403, 403, 404, 200, 404, 403, 403, 403),
    ("appoint", "POST"):                (302, 403, 403, 404, 302, 404, 403, 403, 403),
    ("agreement_create", "GET"):        (302, 403, 403, 404, 200, 404, 403, 403, 403),
    ("agreement_create", "POST"):       (302, 403, 403, 404, 302, 404, 403, 403, 403),
    # The owner and the chef of the agreement confirm it; the chef did so by writing it, so
    # the chef's second confirmation is accepted and changes nothing (NO_EFFECT).
    ("agreement_confirm", "POST"):      (302, 302, 403, 404, 302, 404, 403, 403, 403),
    ("agreement_confirm", "GET"):       (302, 405, 405, 405, 405, 405, 405, 405, 405),
    # Roster, screenshots and the removal log: the channel's people, chef and kommunikator.
    ("roster", "GET"):                  (302, 200, 403, 404, 200, 404, 200, 403, 403),
    ("roster", "POST"):                 (302, 302, 403, 404, 302, 404, 302, 403, 403),
    # The inventory: the owner and the unit's chef.
    ("inventory", "GET"):               (302, 200, 403, 404, 200, 404, 403, 403, 403),
    ("inventory", "POST"):              (302, 302, 403, 404, 302, 404, 403, 403, 403),
    ("screenshot_create", "GET"):       (302, 200, 403, 404, 200, 404, 200, 403, 403),
    ("screenshot_create", "POST"):      (302, 302, 403, 404, 302, 404, 302, 403, 403),
    ("removal_create", "GET"):          (302, 200, 403, 404, 200, 404, 200, 403, 403),
    ("removal_create", "POST"):         (302, 302, 403, 404, 302, 404, 302, 403, 403),
    # Stored files: whoever reads the channel.
    # The whole screenshot and removal logs (the channel's page shows their summaries): whoever
    # reads the channel.
    ("screenshots", "GET"):             (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("screenshots", "POST"):            (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("removals", "GET"):                (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("removals", "POST"):               (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("download:skarmdump", "GET"):      (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("download:skarmdump", "POST"):     (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("download:bevis", "GET"):          (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("download:bevis", "POST"):         (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("download:okand", "GET"):          (302, 404, 404, 404, 404, 404, 404, 404, 404),
    # The update log: read by whoever reads the channel; updates logged by the channel's people,
    # the unit's chef and the overseers, while the channel is active or paused (not planned).
    ("update_log", "GET"):              (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("update_log", "POST"):             (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("update_create", "GET"):           (302, 200, 403, 404, 200, 404, 200, 200, 200),
    ("update_create", "POST"):          (302, 302, 403, 404, 302, 404, 302, 302, 302),
    ("update_create:planned", "GET"):   (302, 403, 403, 404, 403, 404, 403, 403, 403),
    ("update_create:planned", "POST"):  (302, 403, 403, 404, 403, 404, 403, 403, 403),
    # A manual entry (logged by the owner) is deleted by whoever logged it or the unit's chef;
    # an entry read from the feed by nobody.
    ("update_delete", "POST"):          (302, 302, 403, 404, 302, 404, 403, 403, 403),
    ("update_delete", "GET"):           (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("update_delete:feed", "POST"):     (302, 403, 403, 404, 403, 404, 403, 403, 403),
    # The feed address: the owner, the unit's chef and the overseers.
    ("feed_url", "GET"):                (302, 200, 403, 404, 200, 404, 200, 200, 200),
    ("feed_url", "POST"):               (302, 302, 403, 404, 302, 404, 302, 302, 302),
    # Closure: asked for by the owner, the chef or the kommunikationsansvarig; edited and
    # submitted by its author; decided step by step as a plan is.
    ("closure_create", "GET"):          (302, 200, 403, 404, 200, 404, 200, 403, 403),
    ("closure_create", "POST"):         (302, 302, 403, 404, 302, 404, 302, 403, 403),
    ("closure_detail:draft", "GET"):    (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("closure_detail:draft", "POST"):   (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("closure_detail:pending", "GET"):  (302, 200, 200, 404, 200, 404, 200, 200, 200),
    ("closure_edit:draft", "GET"):      (302, 200, 403, 404, 403, 404, 403, 403, 403),
    ("closure_edit:draft", "POST"):     (302, 302, 403, 404, 403, 404, 403, 403, 403),
    ("closure_edit:pending", "GET"):    (302, 403, 403, 404, 403, 404, 403, 403, 403),
    ("closure_edit:pending", "POST"):   (302, 403, 403, 404, 403, 404, 403, 403, 403),
    ("closure_action:submit", "POST"):  (302, 302, 403, 404, 403, 404, 403, 403, 403),
    ("closure_action:approve", "POST"): (302, 403, 403, 404, 302, 404, 403, 403, 403),
    ("closure_action:approve", "GET"):  (302, 405, 405, 405, 405, 405, 405, 405, 405),
    # Pages about people, open to everyone signed in; each shows what is theirs to follow.
    ("inventory_overdue", "GET"):       (302, 200, 200, 200, 200, 200, 200, 200, 200),
    ("inventory_overdue", "POST"):      (302, 405, 405, 405, 405, 405, 405, 405, 405),
    ("trainings", "GET"):               (302, 200, 200, 200, 200, 200, 200, 200, 200),
    # A training for `kollega` (Länsbiblioteket): registered by the chef or the
    # kommunikationsansvarig; refused by the form (200, not among the choices) for chefs of
    # other units (chef2; the kulturdirektör leads Staben); 403 for those who register for nobody.
    ("trainings", "POST"):              (302, 403, 403, 403, 302, 200, 302, 200, 403),
    ("absences", "GET"):                (302, 200, 200, 200, 200, 200, 200, 200, 200),
    # An absence for `kollega`: the chef registers it; those who may choose nobody but
    # themselves have no person field and register their own; chefs of other units are
    # refused by the form (200).
    ("absences", "POST"):               (302, 302, 302, 302, 302, 200, 302, 200, 302),
    # A chef's deputies, for those who lead a unit (the kulturdirektör leads Staben); a deputy
    # for Länsbiblioteket is named by its chef, refused by the form (200) for other chefs.
    ("deputies", "GET"):                (302, 403, 403, 403, 200, 200, 403, 200, 403),
    ("deputies", "POST"):               (302, 403, 403, 403, 302, 200, 403, 200, 403),
}
# fmt: on

# Accepted, and rightly without any effect.
NO_EFFECT = {("agreement_confirm", "POST", "chef")}

STATUS_ACTIONS = {
    "activate": ("planned", ChannelAction.ACTIVATE),
    "pause": ("active", ChannelAction.PAUSE),
    "resume": ("paused", ChannelAction.RESUME),
    "start_closure": ("active", ChannelAction.START_CLOSURE),
    "archive": ("planned", ChannelAction.ARCHIVE),
    "close": ("closing", ChannelAction.CLOSE),
}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored files land in this test's own directory, so that "nothing stored" can be seen."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _cases():
    for (endpoint, method), statuses in EXPECTED.items():
        for role, status in zip(ROLES, statuses, strict=True):
            yield pytest.param(endpoint, method, role, status, id=f"{endpoint}-{method}-{role}")


def appointed(org, channel: Channel) -> Channel:
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


class World:
    """The channels and closure requests of the table (see the comment above EXPECTED), each
    built through the domain the first time a request needs it: a full set for every one of
    the hundreds of cases would make this file several times slower, for nothing."""

    def __init__(self, org):
        self.org = org
        self.today = timezone.localdate()
        self.kollega = make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Per Kollega")
        trained(org.medarbetare)
        trained(self.kollega)
        self.people = {"owner": org.medarbetare, "kollega": self.kollega}
        self.people |= {role: getattr(org, role) for role in ROLES[3:]}

    def channel(self, name: str) -> Channel:
        channel = getattr(self, name)
        channel.refresh_from_db()
        return channel

    @cached_property
    def planned(self) -> Channel:
        channel = planned_channel_ready(self.org, channel_name="Planerad kanal")
        assert channel.status == ChannelStatus.PLANERAD
        return channel

    @cached_property
    def active(self) -> Channel:
        channel = appointed(self.org, active_channel(self.org, channel_name="Aktiv kanal"))
        assert channel.status == ChannelStatus.AKTIV
        return channel

    @cached_property
    def screenshot_file(self) -> ScreenshotFile:
        screenshot = record_screenshot(
            self.active.pk,
            actor=self.org.medarbetare,
            taken_on=self.today,
            url="https://example.se/a",
            **ANSWERED,
            uploads=[png_upload()],
        )
        return screenshot.files.get()

    @cached_property
    def removal(self) -> RemovalEntry:
        return log_removal(
            self.active.pk,
            actor=self.org.medarbetare,
            removed_on=self.today,
            category=RemovalCategory.ADVERTISING,
            description="Reklam för ett spel.",
            upload=png_upload("reklam.png"),
        )

    @cached_property
    def agreement(self) -> Agreement:
        """Proposed (and so confirmed) by the chef, not yet confirmed by the owner."""
        return propose_agreement(
            self.active.pk,
            actor=self.org.chef,
            owner=self.org.medarbetare,
            tasks="Publicera och svara.",
            hours_per_week=Decimal("4"),
        )

    @cached_property
    def manual_update(self) -> ChannelUpdate:
        return log_update(self.active, self.org.medarbetare, published_on=self.today, note="Nytt program.")

    @cached_property
    def feed_update(self) -> ChannelUpdate:
        channel = self.active
        channel.feed_url = "https://example.se/flode.xml"
        channel.save(update_fields=["feed_url"])
        feed_state(channel, checked_at=timezone.now(), succeeded_at=timezone.now(), new_entries=1)
        return feed_entry(channel, timezone.now(), link="https://example.se/inlagg/1")

    @cached_property
    def paused(self) -> Channel:
        channel = appointed(self.org, active_channel(self.org, channel_name="Pausad kanal"))
        return channel_transition(channel.pk, ChannelAction.PAUSE, actor=self.org.chef)

    @cached_property
    def draft(self) -> ClosureRequest:
        """A closure request for the paused channel, drafted by the owner."""
        closure = closures.create_closure_request(self.paused.pk, actor=self.org.medarbetare, analysis=ANALYSIS)
        assert closure.status == PlanStatus.UTKAST
        return closure

    @cached_property
    def pending(self) -> ClosureRequest:
        """A closure request for another active channel, submitted by the owner: at the chef."""
        channel = appointed(self.org, active_channel(self.org, channel_name="Kanal under beslut"))
        closure = submitted_closure(self.org, channel)
        assert closure.status == PlanStatus.HOS_CHEF
        return closure

    @cached_property
    def closing(self) -> Channel:
        channel = closing_channel(self.org, channel_name="Kanal som avvecklas")
        final_screenshot(channel, self.org.medarbetare)
        assert channel.status == ChannelStatus.AVVECKLAS
        return channel

    @cached_property
    def music(self) -> Channel:
        return submitted_plan(self.org.medarbetare2, channel_name="Musikkanal").channel


@pytest.fixture
def world(org):
    return World(org)


def _request(world: World, endpoint: str) -> tuple[str, dict]:
    """The URL of `endpoint` and the form a browser would send to it."""
    name, _, which = endpoint.partition(":")
    org, today = world.org, world.today
    if name == "list":
        world.channel("active")
        return reverse("channel_register:list"), {}
    if name == "detail":
        return reverse("channel_register:detail", args=[world.channel(which or "active").pk]), {}
    if name == "story":
        return reverse("channel_register:story", args=[world.channel("active").pk]), {}
    if name == "status":
        channel_name, action = STATUS_ACTIONS[which]
        channel = world.channel(channel_name)
        return reverse("channel_register:status", args=[channel.pk]), {"action": action, "revision": channel.revision}
    if name == "checklist":
        # Untick on the planned channel: ticking an item already ticked would change nothing.
        planned = world.channel("planned")
        return reverse("channel_register:checklist", args=[planned.pk]), {"item": "lankad", "ticked": "0"}
    active = world.channel("active")
    if name == "appoint":
        data = {
            "owner": org.medarbetare.pk,
            "screenshot_responsible": org.medarbetare.pk,
            "others": [world.kollega.pk],
            "revision": active.revision,
        }
        return reverse("channel_register:appoint", args=[active.pk]), data
    if name == "agreement_create":
        data = {"owner": org.medarbetare.pk, "tasks": "Publicera två inlägg i veckan.", "hours_per_week": "3.5"}
        return reverse("channel_register:agreement_create", args=[active.pk]), data
    if name == "agreement_confirm":
        return reverse("channel_register:agreement_confirm", args=[world.agreement.pk]), {}
    if name == "roster":
        year, week, _ = (today + timedelta(weeks=2)).isocalendar()
        data = {"first_year": year, "first_week": week, "last_year": year, "last_week": week}
        return reverse("channel_register:roster", args=[active.pk]), {**data, "primary": org.medarbetare.pk}
    if name == "inventory":
        data = {"still_used": "on", "owners_correct": "on", **STATED_POSTED, "note": ""}
        return reverse("channel_register:inventory", args=[active.pk]), data
    if name == "screenshot_create":
        data = {"taken_on": today.isoformat(), "url": "https://example.se/b", "files": png_upload("ny.png")}
        data.update({"alt_texts_checked": "ja", "captions_checked": "ja"})
        return reverse("channel_register:screenshot_create", args=[active.pk]), data
    if name == "removal_create":
        data = {
            "removed_on": today.isoformat(),
            "category": RemovalCategory.OFFENSIVE,
            "description": "Kränkande kommentar.",
            "evidence": png_upload("bevis.png"),
        }
        return reverse("channel_register:removal_create", args=[active.pk]), data
    if name in ("screenshots", "removals"):
        return reverse(f"channel_register:{name}", args=[active.pk]), {}
    if name == "update_log":
        assert (world.manual_update.source, world.feed_update.source) == ("manuell", "flode")
        return reverse("channel_register:update_log", args=[active.pk]), {}
    if name == "update_create":
        channel = world.channel(which or "active")
        data = {"published_on": today.isoformat(), "link": "https://example.se/inlagg/2", "note": "Ett inlägg."}
        return reverse("channel_register:update_create", args=[channel.pk]), data
    if name == "update_delete":
        update = world.feed_update if which == "feed" else world.manual_update
        return reverse("channel_register:update_delete", args=[update.pk]), {}
    if name == "feed_url":
        return reverse("channel_register:feed_url", args=[active.pk]), {"feed_url": "https://example.se/ny.rss"}
    if name == "download":
        pk = world.screenshot_file.pk if which == "skarmdump" else world.removal.pk
        return reverse("channel_register:download", args=[which, pk]), {}
    if name == "closure_create":
        return reverse("closures:create", args=[active.pk]), dict(ANALYSIS)
    if name == "closure_detail":
        return reverse("closures:detail", args=[getattr(world, which).pk]), {}
    if name == "closure_edit":
        closure = getattr(world, which)
        data = {**ANALYSIS, "reason": "Ny motivering.", "revision": closure.revision}
        return reverse("closures:edit", args=[closure.pk]), data
    if name == "closure_action":
        action, closure = {"submit": (Action.SUBMIT, world.draft), "approve": (Action.APPROVE, world.pending)}[which]
        data = {"action": action, "revision": closure.revision, "comment": ""}
        return reverse("closures:action", args=[closure.pk]), data
    if name == "inventory_overdue":
        return reverse("channel_register:inventory_overdue"), {}
    if name == "trainings":
        completed = (today - timedelta(days=10)).isoformat()
        data = {"person": world.kollega.pk, "course": Course.LEGAL_BASICS, "completed_on": completed}
        return reverse("people:trainings"), data
    if name == "absences":
        data = {
            "person": world.kollega.pk,
            "kind": AbsenceKind.SEMESTER,
            "starts_on": (today + timedelta(days=30)).isoformat(),
            "ends_on": (today + timedelta(days=34)).isoformat(),
        }
        return reverse("people:absences"), data
    if name == "deputies":
        data = {
            "unit": world.kollega.unit_id,
            "deputy": world.kollega.pk,
            "condition": DeputyCondition.ALWAYS,
            "starts_on": today.isoformat(),
        }
        return reverse("people:deputies"), data
    raise AssertionError(f"no request for {endpoint}")


def stored_files(root: Path) -> list[tuple[str, int]]:
    return sorted((str(path.relative_to(root)), path.stat().st_size) for path in root.rglob("*") if path.is_file())


def snapshot(media: Path) -> dict:
    """Everything a refused request must leave alone."""
    rows = {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (
            Channel,
            Channel.others.through,
            ChannelUpdate,
            ChannelFeed,
            ChecklistTick,
            Agreement,
            RosterWeek,
            InventoryConfirmation,
            Screenshot,
            ScreenshotFile,
            RemovalEntry,
            ClosureRequest,
        )
    }
    return {
        **rows,
        "channel_history": Channel.history.model.objects.count(),
        "decisions": Decision.objects.count(),
        "trainings": TrainingRecord.objects.count(),
        "absences": Absence.objects.count(),
        "deputies": Deputy.objects.count(),
        "files": stored_files(media),
    }


def test_expected_table_covers_every_channel_url():
    """Every address under /kanalregister/: the register's own, closure requests and the people pages."""
    names = {pattern.name for pattern in channel_register_urls.urlpatterns}
    names |= {f"closure_{pattern.name}" for pattern in closure_urls.urlpatterns}
    names |= {pattern.name for pattern in people_urls.urlpatterns}
    covered = {endpoint.partition(":")[0] for endpoint, _ in EXPECTED}
    status_cases = {endpoint.partition(":")[2] for endpoint, _ in EXPECTED if endpoint.startswith("status:")}

    assert covered == names
    assert {action for _, action in STATUS_ACTIONS.values()} == set(ChannelAction)
    assert status_cases == set(STATUS_ACTIONS)


@pytest.mark.parametrize(("endpoint", "method", "role", "expected"), list(_cases()))
def test_channel_url_status_by_role_and_method(client, world, media, endpoint, method, role, expected):
    url, data = _request(world, endpoint)
    if role != "anonymous":
        client.force_login(world.people[role])
    before = snapshot(media)

    response = client.post(url, data) if method == "POST" else client.get(url)

    assert response.status_code == expected
    after = snapshot(media)
    if role == "anonymous":
        assert response["Location"] == reverse("login") + "?" + urlencode({"next": url}, safe="/")
        assert after == before
    elif method == "POST" and expected == 302 and (endpoint, method, role) not in NO_EFFECT:
        assert after != before
    else:
        assert after == before
