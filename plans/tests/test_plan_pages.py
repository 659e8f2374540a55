"""The plan pages seen through HTTP: decisions on the plan page, the list's filters, and what
the plan page shows. The plan form is in test_plan_form.py.

Assertions are on status codes, the database and the page's element structure, not on texts
(the Swedish catalogue is filled in separately).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action, PlanStatus
from plans.models import Decision, Plan

from .factories import complete_plan
from .view_helpers import page, section, snapshot, table_rows


def submitted(author, **overrides) -> Plan:
    plan = complete_plan(author, **overrides)
    return transition(plan.pk, Action.SUBMIT, actor=author)


def approved(org, **overrides) -> Plan:
    plan = submitted(org.medarbetare, **overrides)
    for decider in (org.chef, org.kommunikator, org.direktor):
        plan = transition(plan.pk, Action.APPROVE, actor=decider)
    return plan


# --- Decisions on the plan page -----------------------------------------------------------------


def test_plan_action_return_without_comment_400_and_unchanged(client, org):
    plan = submitted(org.medarbetare)
    client.force_login(org.chef)
    before = snapshot()

    response = client.post(
        reverse("plans:action", args=[plan.pk]), {"action": "atersand", "revision": plan.revision, "comment": "  "}
    )

    assert response.status_code == 400
    assert snapshot() == before
    document = page(response)
    assert len(document.find_all("ul", id="id_comment_error")) == 1
    assert document.find("textarea", name="comment").attrs["aria-invalid"] == "true"


def test_plan_action_replayed_old_decision_form_409_conflict_page(client, org):
    plan = submitted(org.medarbetare)
    client.force_login(org.chef)
    old_form = {"action": "godkann", "revision": plan.revision, "comment": ""}
    first = client.post(reverse("plans:action", args=[plan.pk]), old_form)
    before = snapshot()

    replay = client.post(reverse("plans:action", args=[plan.pk]), old_form)

    assert first.status_code == 302
    assert replay.status_code == 409
    assert replay.templates[0].name == "plans/conflict.html"
    assert snapshot() == before
    plan.refresh_from_db()
    assert (plan.status, plan.decisions.count()) == (PlanStatus.HOS_KOMMUNIKATION, 1)
    document = page(replay)
    assert len(document.find_all("p", role="alert")) == 1
    assert len(document.find_all("a", href=reverse("plans:detail", args=[plan.pk]))) == 1


def test_plan_action_approve_moves_to_next_step(client, org):
    plan = submitted(org.medarbetare)
    client.force_login(org.chef)

    response = client.post(
        reverse("plans:action", args=[plan.pk]), {"action": "godkann", "revision": plan.revision, "comment": "Bra."}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    decision = Decision.objects.get()
    assert (decision.plan, decision.step, decision.outcome, decision.decided_by, decision.role, decision.comment) == (
        plan,
        "chef",
        "godkann",
        org.chef,
        Role.CHEF,
        "Bra.",
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.HOS_KOMMUNIKATION


# --- The list -----------------------------------------------------------------------------------


@pytest.fixture
def listed(org):
    """Four plans in two units, two platforms and two statuses."""
    return {
        "bokprat": submitted(org.medarbetare, channel_name="Bokprat"),
        "lasgladje": complete_plan(org.medarbetare, channel_name="Läsglädje", platform="instagram"),
        "jazz": complete_plan(org.medarbetare2, channel_name="Jazz i länet"),
        "konsert": submitted(
            org.medarbetare2, channel_name="Konsertfilmer", platform="youtube", purpose="Visa jazz och folkmusik."
        ),
    }


def _listed_keys(response, listed) -> set[str]:
    names = {plan.pk: key for key, plan in listed.items()}
    return {names[plan.pk] for plan in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (lambda org, plans: {}, {"bokprat", "lasgladje", "jazz", "konsert"}),
        (lambda org, plans: {"unit": org.music.pk}, {"jazz", "konsert"}),
        (lambda org, plans: {"status": "hos_chef"}, {"bokprat", "konsert"}),
        (lambda org, plans: {"platform": "facebook"}, {"bokprat", "jazz"}),
        (lambda org, plans: {"q": "JAZZ"}, {"jazz", "konsert"}),
        (lambda org, plans: {"q": plans["bokprat"].diarienummer}, {"bokprat"}),
        (lambda org, plans: {"q": "Oskar"}, {"jazz", "konsert"}),
        (lambda org, plans: {"unit": org.music.pk, "status": "utkast"}, {"jazz"}),
        (lambda org, plans: {"q": "ingen sådan kanal"}, set()),
    ],
    ids=["none", "unit", "status", "platform", "q-text", "q-diarienummer", "q-author", "unit-and-status", "q-none"],
)
def test_plan_list_filters_narrow_exactly(client, org, listed, query, expected):
    client.force_login(org.kommunikator)

    response = client.get(reverse("plans:list"), query(org, listed))

    assert response.status_code == 200
    assert _listed_keys(response, listed) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_plan_list_other_units_filter_ignored_but_search_kept(client, org, listed):
    # An old link with a unit the person cannot read: the search still applies, inside their own unit.
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:list"), {"unit": org.music.pk, "q": "Bokprat"})

    assert response.status_code == 200
    assert _listed_keys(response, listed) == {"bokprat"}


def test_plan_list_staff_sees_own_unit_only(client, org, listed):
    client.force_login(org.medarbetare2)

    response = client.get(reverse("plans:list"))

    assert _listed_keys(response, listed) == {"jazz", "konsert"}
    rows = table_rows(page(response).find("table"))
    assert [row.find("a").attrs["href"] for row in rows] == [
        reverse("plans:detail", args=[listed[key].pk]) for key in ("konsert", "jazz")
    ]


# --- The plan page ------------------------------------------------------------------------------


def test_plan_detail_shows_decisions_versions_and_timeline(client, org):
    v1 = submitted(org.medarbetare)
    transition(v1.pk, Action.RETURN, actor=org.chef, comment="Förtydliga syftet.")
    transition(v1.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(v1.pk, Action.APPROVE, actor=org.chef)
    transition(v1.pk, Action.APPROVE, actor=org.kommunikator)
    transition(v1.pk, Action.APPROVE, actor=org.direktor, comment="Beslutat.")
    v2 = revise(v1.pk, actor=org.medarbetare)
    v2 = transition(v2.pk, Action.SUBMIT, actor=org.medarbetare)
    v1.refresh_from_db()
    client.force_login(org.kommunikator)

    response = client.get(reverse("plans:detail", args=[v1.pk]))

    assert response.status_code == 200
    document = page(response)
    decisions = [
        [cell.text().strip() for cell in [row.find("th"), *row.find_all("td")]]  # the step heads its row
        for row in table_rows(section(document, "decisions-heading"))
    ]
    assert [[cells[2], cells[5]] for cells in decisions] == [
        ["Karin Sjöström", "Förtydliga syftet."],
        ["Karin Sjöström", ""],
        ["Sara Öberg", ""],
        ["Anders Ekholm", "Beslutat."],
    ]
    decided_at = [row.find("time").attrs["datetime"] for row in table_rows(section(document, "decisions-heading"))]
    assert decided_at == [
        timezone.localtime(d.decided_at).isoformat(timespec="seconds")
        for d in v1.decisions.order_by("decided_at", "pk")
    ]
    versions = table_rows(section(document, "versions-heading"))
    assert [row.attrs.get("aria-current") for row in versions] == ["true", None]
    assert [len(row.find_all("a")) for row in versions] == [0, 1]
    link = versions[1].find("a")
    assert (link.attrs["href"], link.text()) == (reverse("plans:detail", args=[v2.pk]), v2.reference)
    assert v2.reference == f"{v1.diarienummer} v2"
    timeline = section(document, "timeline-heading").find("ol").find_all("li")
    history = list(v1.history.order_by("history_date", "history_id"))
    assert [item.find("time").attrs["datetime"] for item in timeline] == [
        timezone.localtime(record.history_date).isoformat(timespec="seconds") for record in history
    ]
    assert len(timeline) == 7  # created, then submitted, returned, submitted, three approvals


def test_plan_detail_of_new_version_links_back_to_the_approved_one(client, org):
    v1 = approved(org)
    v2 = revise(v1.pk, actor=org.medarbetare)
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:detail", args=[v2.pk]))

    versions = table_rows(section(page(response), "versions-heading"))
    assert [row.attrs.get("aria-current") for row in versions] == [None, "true"]
    assert versions[0].find("a").attrs["href"] == reverse("plans:detail", args=[v1.pk])
    assert section(page(response), "decisions-heading").find_all("table") == []
