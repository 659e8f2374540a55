"""The permission ladder of every plan and notification URL, as one table written by hand.

Each cell is the status one role gets for one URL and method. Anonymous visitors are sent to
the login page; another unit's plan does not exist for you (404); a plan you can see but an
action you may not take is 403; a method the URL does not take is 405. Every refused POST
leaves the database exactly as it was, and every accepted one changes it.
"""

from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from notifications.domain import notify
from notifications.models import Notification
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Decision, DiarieCounter, Goal, Plan, SignedPlan

from .archive_factories import store_pdf
from .factories import complete_plan

ROLES = ("anonymous", "medarbetare", "medarbetare2", "chef", "chef2", "kommunikator", "direktor", "admin")

# The plans the table talks about, all in Länsbiblioteket and written by `medarbetare`:
# draft (utkast), pending (hos_chef, deciding chef `chef`), approved (godkand).
# fmt: off
EXPECTED = {
    # (endpoint, method):          anon  med  med2 chef chef2 komm  dir  admin
    ("home", "GET"):              (302, 200, 200, 200, 200, 200, 200, 200),
    ("home", "POST"):             (302, 405, 405, 405, 405, 405, 405, 405),
    ("list", "GET"):              (302, 200, 200, 200, 200, 200, 200, 200),
    ("list", "POST"):             (302, 405, 405, 405, 405, 405, 405, 405),
    # Everyone belongs to a unit, so everyone may open the form. A POST for Länsbiblioteket is
    # refused by the form (200, the unit is not among the choices) for those who cannot read
    # it; the kulturdirektör is chef of the förvaltning and so reads every unit below it.
    ("create", "GET"):            (302, 200, 200, 200, 200, 200, 200, 200),
    ("create", "POST"):           (302, 302, 200, 302, 200, 200, 302, 200),
    ("detail:draft", "GET"):      (302, 200, 404, 200, 404, 200, 200, 200),
    ("detail:draft", "POST"):     (302, 405, 405, 405, 405, 405, 405, 405),
    ("detail:pending", "GET"):    (302, 200, 404, 200, 404, 200, 200, 200),
    ("detail:approved", "GET"):   (302, 200, 404, 200, 404, 200, 200, 200),
    ("edit:draft", "GET"):        (302, 200, 404, 403, 404, 403, 403, 403),
    ("edit:draft", "POST"):       (302, 302, 404, 403, 404, 403, 403, 403),
    ("edit:pending", "GET"):      (302, 403, 404, 403, 404, 403, 403, 403),
    ("edit:pending", "POST"):     (302, 403, 404, 403, 404, 403, 403, 403),
    ("submit:draft", "POST"):     (302, 302, 404, 403, 404, 403, 403, 403),
    ("withdraw:draft", "POST"):   (302, 302, 404, 403, 404, 403, 403, 403),
    ("approve:pending", "POST"):  (302, 403, 404, 302, 404, 403, 403, 403),
    ("return:pending", "POST"):   (302, 403, 404, 302, 404, 403, 403, 403),
    ("reject:pending", "POST"):   (302, 403, 404, 302, 404, 403, 403, 403),
    # "ersatt" is written only by the domain when a newer version is approved: not a choice.
    ("supersede:pending", "POST"): (302, 400, 404, 400, 404, 400, 400, 400),
    ("approve:approved", "POST"): (302, 403, 404, 403, 404, 403, 403, 403),
    ("action:pending", "GET"):    (302, 405, 405, 405, 405, 405, 405, 405),
    # Revising needs the plan's unit (or authorship): the kommunikationsansvarig and the
    # administrator read every plan but write none.
    ("revise:approved", "POST"):  (302, 302, 404, 302, 404, 403, 302, 403),
    ("revise:draft", "POST"):     (302, 403, 404, 403, 404, 403, 403, 403),
    ("revise:approved", "GET"):   (302, 405, 405, 405, 405, 405, 405, 405),
    ("goal_row", "GET"):          (302, 200, 200, 200, 200, 200, 200, 200),
    ("goal_row", "POST"):         (302, 405, 405, 405, 405, 405, 405, 405),
    ("notifications:list", "GET"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("notifications:list", "POST"): (302, 405, 405, 405, 405, 405, 405, 405),
    # The notice belongs to `medarbetare`: to everyone else it does not exist.
    # A GET shows the notice and a button; only the POST marks it read and follows its link.
    ("notifications:open", "GET"): (302, 200, 404, 404, 404, 404, 404, 404),
    ("notifications:open", "POST"): (302, 302, 404, 404, 404, 404, 404, 404),
    ("notifications:mark_read", "GET"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("notifications:mark_read", "POST"): (302, 302, 302, 302, 302, 302, 302, 302),
    # The signed PDF needs what the plan's page needs. Only a decided version has one; a plan
    # not decided yet has the draft preview instead (202 while a worker makes it).
    ("pdf:approved", "GET"):      (302, 200, 404, 200, 404, 200, 200, 200),
    ("pdf:approved", "POST"):     (302, 405, 405, 405, 405, 405, 405, 405),
    ("pdf:draft", "GET"):         (302, 404, 404, 404, 404, 404, 404, 404),
    ("pdf:pending", "GET"):       (302, 404, 404, 404, 404, 404, 404, 404),
    ("preview:draft", "GET"):     (302, 202, 404, 202, 404, 202, 202, 202),
    ("preview:draft", "POST"):    (302, 405, 405, 405, 405, 405, 405, 405),
    ("preview:pending", "GET"):   (302, 202, 404, 202, 404, 202, 202, 202),
    ("preview:approved", "GET"):  (302, 404, 404, 404, 404, 404, 404, 404),
    # The decision history of a plan (audit.rules.can_read_audit): the administrator and the
    # kulturdirektör, whoever else may read the plan.
    ("story:draft", "GET"):       (302, 403, 403, 403, 403, 403, 200, 200),
    ("story:approved", "GET"):    (302, 403, 403, 403, 403, 403, 200, 200),
    ("story:draft", "POST"):      (302, 405, 405, 405, 405, 405, 405, 405),
    # Everyone signed in may ask whether a document is a decided plan (a stranger to the plan
    # learns the fact and the diarienummer, not the content).
    ("verify", "GET"):            (302, 200, 200, 200, 200, 200, 200, 200),
    ("verify", "POST"):           (302, 200, 200, 200, 200, 200, 200, 200),
}
# fmt: on

ACTIONS = {
    "submit": Action.SUBMIT,
    "withdraw": Action.WITHDRAW,
    "approve": Action.APPROVE,
    "return": Action.RETURN,
    "reject": Action.REJECT,
    "supersede": Action.SUPERSEDE,
}


def _cases():
    for (endpoint, method), statuses in EXPECTED.items():
        for role, status in zip(ROLES, statuses, strict=True):
            yield pytest.param(endpoint, method, role, status, id=f"{endpoint}-{method}-{role}")


@pytest.fixture
def world(org, settings):
    """The org, the three plans of the table (the approved one with its PDF stored, unsigned),
    and one unread notice for every person."""
    settings.PDF_SIGNING_CERTIFICATE = ""
    draft = complete_plan(org.medarbetare)
    pending = complete_plan(org.medarbetare, channel_name="Väntande kanal")
    transition(pending.pk, Action.SUBMIT, actor=org.medarbetare)
    approved = complete_plan(org.medarbetare, channel_name="Godkänd kanal")
    transition(approved.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(approved.pk, Action.APPROVE, actor=org.chef)
    transition(approved.pk, Action.APPROVE, actor=org.kommunikator)
    transition(approved.pk, Action.APPROVE, actor=org.direktor)
    store_pdf(approved)
    people = {role: getattr(org, role) for role in ROLES[1:]}
    notices = {
        role: notify(recipient=person, kind="test", key=f"test:{role}", subject="Testnotis", body="Text", url="/")
        for role, person in people.items()
    }
    plans = {"draft": draft, "pending": pending, "approved": approved}
    for plan in plans.values():
        plan.refresh_from_db()
    assert [plan.status for plan in plans.values()] == [PlanStatus.UTKAST, PlanStatus.HOS_CHEF, PlanStatus.GODKAND]
    return SimpleNamespace(org=org, plans=plans, people=people, notice=notices["medarbetare"])


def _request(world, endpoint: str) -> tuple[str, dict]:
    """The URL of `endpoint` and the form a browser would send to it."""
    name, _, which = endpoint.partition(":")
    plan = world.plans.get(which)
    library = world.org.library
    empty_goals = {"goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0"}
    if name == "home":
        return reverse("home"), {}
    if name == "list":
        return reverse("plans:list"), {}
    if name == "create":
        return reverse("plans:create"), {"unit": library.pk, "channel_name": "Ny kanal", **empty_goals}
    if name == "detail":
        return reverse("plans:detail", args=[plan.pk]), {}
    if name == "edit":
        data = {"unit": library.pk, "channel_name": "Ändrat namn", "revision": plan.revision, **empty_goals}
        return reverse("plans:edit", args=[plan.pk]), data
    if name in ACTIONS:
        data = {"action": ACTIONS[name].value, "revision": plan.revision, "comment": "Motivering"}
        return reverse("plans:action", args=[plan.pk]), data
    if name == "action":
        return reverse("plans:action", args=[plan.pk]), {}
    if name == "revise":
        return reverse("plans:revise", args=[plan.pk]), {}
    if name == "goal_row":
        return reverse("plans:goal_row") + "?goals-TOTAL_FORMS=1", {}
    if name in ("pdf", "preview", "story"):
        return reverse(f"plans:{name}", args=[plan.pk]), {}
    if name == "verify":
        stored = world.plans["approved"].signed
        return reverse("plans:verify"), {"check": "fingeravtryck", "fingerprint": stored.pdf_sha256}
    if name == "notifications" and which == "open":
        return reverse("notifications:open", args=[world.notice.pk]), {}
    if name == "notifications":
        return reverse(f"notifications:{which}"), {}
    raise AssertionError(f"no request for {endpoint}")


def snapshot() -> dict:
    """Everything a refused request must leave alone."""
    return {
        "plans": list(Plan.objects.order_by("pk").values()),
        "other_people": list(Plan.other_people.through.objects.order_by("pk").values()),
        "goals": list(Goal.objects.order_by("pk").values()),
        "decisions": Decision.objects.count(),
        "plan_history": Plan.history.model.objects.count(),
        "notifications": list(Notification.objects.order_by("pk").values("pk", "read_at")),
        "diarie_counters": list(DiarieCounter.objects.order_by("year").values()),
        "signed_plans": list(SignedPlan.objects.order_by("pk").values()),
    }


def test_expected_table_covers_every_plan_url_and_action():
    from plans.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns}
    covered = {endpoint.partition(":")[0] for endpoint, _ in EXPECTED}

    assert names == {
        "list",
        "create",
        "goal_row",
        "detail",
        "edit",
        "action",
        "revise",
        "pdf",
        "preview",
        "verify",
        "story",
    }
    assert set(ACTIONS.values()) == set(Action)
    pages = {"home", "list", "create", "detail", "edit", "action", "revise", "goal_row", "notifications"}
    pages |= {"pdf", "preview", "verify", "story"}
    assert covered == pages | set(ACTIONS)


@pytest.mark.parametrize(("endpoint", "method", "role", "expected"), list(_cases()))
def test_url_status_by_role_and_method(client, world, endpoint, method, role, expected):
    url, data = _request(world, endpoint)
    if role != "anonymous":
        client.force_login(world.people[role])
    before = snapshot()

    response = client.post(url, data) if method == "POST" else client.get(url)

    assert response.status_code == expected
    after = snapshot()
    if role == "anonymous":
        assert response["Location"] == reverse("login") + "?" + urlencode({"next": url}, safe="/")
        assert after == before
    elif expected == 302:
        assert after != before
    else:
        assert after == before
