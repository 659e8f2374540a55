"""A plan's whole story (Beslutshistorik for one plan): who may read it, what it shows (the
series' versions, every decision, field-level changes old → new with who, when, why and from
where, the audit events including downloads of the signed PDF), that each list is one page at a
time, and an exact query count at two sizes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.context import Context, opened
from audit.models import Event
from channel_register.views import story as story_views
from plans.domain.drafts import revise, save_draft
from plans.domain.transitions import transition
from plans.enums import Action
from plans.models import Plan

from .archive_factories import approve, store_pdf
from .factories import GOAL, complete_plan
from .view_helpers import page, section, table_rows


def story_url(plan) -> str:
    return reverse("plans:story", args=[plan.pk])


def cells(row) -> list[str]:
    return [" ".join(cell.text().split()) for cell in row.children if not isinstance(cell, str)]


def changes_rows(response) -> list[list[str]]:
    return [cells(row) for row in table_rows(section(page(response), "changes-heading"))]


def events_rows(response) -> list[list[str]]:
    return [cells(row) for row in table_rows(section(page(response), "events-heading"))]


def has_address_field() -> bool:
    # helper C adds `history_address` to every history model; the page shows it once it exists.
    return any(field.name == "history_address" for field in Plan.history.model._meta.fields)


# --- Who may read it -------------------------------------------------------------------------------


def test_story_anonymous_is_sent_to_sign_in(client, org):
    plan = complete_plan(org.medarbetare)

    response = client.get(story_url(plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", ["medarbetare", "chef", "kommunikator"])
def test_story_refused_to_everyone_but_the_audit_readers(client, org, username):
    plan = complete_plan(org.medarbetare)  # the author and her chef may read the plan itself
    client.force_login(getattr(org, username))

    response = client.get(story_url(plan))

    assert response.status_code == 403


def test_story_of_a_missing_plan_is_refused_not_revealed_to_others(client, org):
    client.force_login(org.chef)

    response = client.get(reverse("plans:story", args=[999_999]))

    assert response.status_code == 403


@pytest.mark.parametrize("username", ["admin", "direktor"])
def test_story_read_by_the_administrator_and_the_director(client, org, username):
    plan = complete_plan(org.medarbetare2)  # another unit's plan: the log is read whole
    client.force_login(getattr(org, username))

    response = client.get(story_url(plan))

    assert response.status_code == 200
    assert response.context["plan"] == plan


def test_story_of_a_missing_plan_is_404_for_a_reader(client, org):
    client.force_login(org.admin)

    response = client.get(reverse("plans:story", args=[999_999]))

    assert response.status_code == 404


def test_story_refuses_a_post(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.admin)

    response = client.post(story_url(plan))

    assert response.status_code == 405


# --- What it shows ---------------------------------------------------------------------------------


def test_story_lists_every_version_of_the_series_with_links(client, org):
    first = approve(complete_plan(org.medarbetare), org)
    second = revise(first.pk, actor=org.medarbetare)
    client.force_login(org.admin)

    response = client.get(story_url(second))

    rows = table_rows(section(page(response), "versions-heading"))
    assert [row.find("th").find("a").attrs["href"] for row in rows] == [
        reverse("plans:detail", args=[first.pk]),
        reverse("plans:detail", args=[second.pk]),
    ]
    assert [row.attrs.get("aria-current") for row in rows] == [None, "page"]
    assert rows[0].find("a", href=reverse("plans:story", args=[first.pk]))


def test_story_lists_the_decisions_of_every_version(client, org):
    first = approve(complete_plan(org.medarbetare), org)
    second = revise(first.pk, actor=org.medarbetare)
    transition(second.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(second.pk, Action.RETURN, actor=org.chef, comment="Komplettera <målen>.")
    client.force_login(org.direktor)

    response = client.get(story_url(second))

    rows = [cells(row) for row in table_rows(section(page(response), "decisions-heading"))]
    assert [(row[0], row[3]) for row in rows] == [
        ("1", "Karin Sjöström"),
        ("1", "Sara Öberg"),
        ("1", "Anders Ekholm"),
        ("2", "Karin Sjöström"),
    ]
    assert rows[-1][6] == "Komplettera <målen>."
    assert "Komplettera &lt;målen&gt;." in response.content.decode()


def test_story_shows_a_changed_field_old_and_new_with_who_why_and_address(client, org):
    plan = complete_plan(org.medarbetare, purpose="Gammalt syfte.")
    with opened(Context(address="10.1.2.3")):
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content={"purpose": "Nytt syfte."},
            other_people=[org.medarbetare2],
            goals=[{**GOAL, "id": plan.goals.get().pk}],
        )
    client.force_login(org.admin)

    response = client.get(story_url(plan))

    (newest,) = [row for row in changes_rows(response) if "Nytt syfte." in row[3]]
    assert newest[1] == "Maja Lindqvist"
    assert (
        "Syfte med att använda detta sociala medium, varför vill du använda just det?: Gammalt syfte. → Nytt syfte."
        in newest[3]
    )
    assert newest[5] == ("10.1.2.3" if has_address_field() else "–")


def test_story_shows_other_people_added_by_name(client, org):
    plan = complete_plan(org.medarbetare)
    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content={},
        other_people=[org.medarbetare2],
        goals=[{**GOAL, "id": plan.goals.get().pk}],
    )
    client.force_login(org.admin)

    response = client.get(story_url(plan))

    changed = [row[3] for row in changes_rows(response)]
    assert any("– → Oskar Åberg" in text for text in changed), changed


def test_story_shows_a_goal_change_old_and_new(client, org):
    plan = complete_plan(org.medarbetare)
    goal = plan.goals.get()
    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content={},
        goals=[{**GOAL, "id": goal.pk, "target": Decimal("2500")}],
    )
    client.force_login(org.admin)

    response = client.get(story_url(plan))

    goal_rows = [row for row in changes_rows(response) if row[2].startswith("Mål: ")]
    assert goal_rows[0][3] == "Målvärde: 2000,00 → 2500,00"


def test_story_shows_who_downloaded_the_signed_pdf_and_from_where(client, org):
    plan = approve(complete_plan(org.medarbetare), org)
    store_pdf(plan)
    client.force_login(org.chef)
    client.get(reverse("plans:pdf", args=[plan.pk]), REMOTE_ADDR="10.20.30.40")
    client.force_login(org.admin)

    response = client.get(story_url(plan))

    newest = events_rows(response)[0]
    download = Event.objects.filter(plan_id=plan.pk).latest("id")
    assert download.action == "plans.signedplan.downloaded"
    assert (newest[1], newest[2], newest[6]) == ("Karin Sjöström", download.label, "10.20.30.40")


def test_story_lists_the_events_of_every_version_and_no_other_plan(client, org):
    first = approve(complete_plan(org.medarbetare), org)
    second = revise(first.pk, actor=org.medarbetare)
    other = complete_plan(org.medarbetare, channel_name="En annan kanal")
    client.force_login(org.admin)

    response = client.get(story_url(second))

    shown = [event.pk for event in response.context["events"]]
    expected = list(
        Event.objects.filter(plan_id__in=[first.pk, second.pk]).order_by("-id").values_list("pk", flat=True)
    )
    assert shown == expected
    assert not Event.objects.filter(pk__in=shown, plan_id=other.pk).exists()
    assert {event.version.version_number for event in response.context["events"]} == {1, 2}


def test_story_escapes_what_people_wrote(client, org):
    plan = complete_plan(org.medarbetare, channel_name="<script>alert(1)</script>")
    client.force_login(org.admin)

    response = client.get(story_url(plan))

    content = response.content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


# --- One page at a time ----------------------------------------------------------------------------


def test_story_changes_are_paged(client, org, monkeypatch):
    monkeypatch.setattr(story_views, "HISTORY_PAGE_SIZE", 2)
    plan = complete_plan(org.medarbetare)  # two rows: the plan and its goal
    for text in ("Ett.", "Två."):
        plan.refresh_from_db()
        save_draft(
            plan.pk,
            actor=org.medarbetare,
            expected_revision=plan.revision,
            content={"purpose": text},
            goals=[{**GOAL, "id": plan.goals.get().pk}],
        )
    total = Plan.history.filter(id=plan.pk).count() + plan.goals.get().history.count()
    client.force_login(org.admin)

    first = client.get(story_url(plan))
    last = client.get(story_url(plan), {"sida": (total + 1) // 2})

    assert [len(first.context["entries"]), first.context["page"].paginator.count] == [2, total]
    plan_entries = [entry for entry in first.context["entries"] if isinstance(entry.record, Plan.history.model)]
    assert [change.after for change in plan_entries[0].changes] == ["Två."]
    assert last.context["entries"][-1].record.history_type == "+"


def test_story_events_are_paged_by_id(client, org, monkeypatch):
    monkeypatch.setattr(story_views, "EVENT_PAGE_SIZE", 2)
    plan = approve(complete_plan(org.medarbetare), org)  # at least five events
    ids = list(Event.objects.filter(plan_id=plan.pk).order_by("-id").values_list("pk", flat=True))
    client.force_login(org.admin)

    first = client.get(story_url(plan))
    second = client.get(story_url(plan), {"fore": ids[1], "sida": "1"})

    assert [event.pk for event in first.context["events"]] == ids[:2]
    assert [event.pk for event in second.context["events"]] == ids[2:4]
    assert page(first).find("a", href=f"?fore={ids[1]}#events-heading")
    assert second.context["events_newest_query"] == "sida=1"


# --- Query counts ----------------------------------------------------------------------------------

# The frame: the session, the user and the user's role groups (the audit rule; no session save
# within a minute of the last). Then: the plan (unit, channel joined), the versions, the
# decisions of the series (deciders joined); the changes: the COUNT and the page of keys (one
# UNION of the plan's and its goals' rows), per source its rows (user joined, the previous row's
# id in a subquery) and the previous rows, the other people of the plan's rows (the tracked
# many-to-many); one query per kind of object a changed reference names (people, the channel,
# the unit, the plan a goal belongs to); the page of events (actors joined); the unread badge.
STORY_QUERIES = 19


def plan_with_story(org, n: int) -> Plan:
    """Version `n` of a plan with `n` goals after `n - 1` approved versions, returned `n` times,
    its signed predecessor downloaded `n` times: every list grows with `n`."""
    plan = complete_plan(org.medarbetare, goals=[{**GOAL, "description": f"Mål {i}"} for i in range(n)])
    for _ in range(n - 1):
        plan = approve(plan, org)
        plan = revise(plan.pk, actor=org.medarbetare)
    for _ in range(n):
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
        transition(plan.pk, Action.RETURN, actor=org.chef, comment="Komplettera.")
    plan.refresh_from_db()
    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=plan.revision,
        content={"purpose": "Kompletterat syfte."},
        other_people=[org.medarbetare2],
        goals=[
            {**GOAL, "id": goal.pk, "description": goal.description, "target": Decimal("2500")}
            for goal in plan.goals.all()
        ],
    )
    return plan


@pytest.mark.parametrize("n", [1, 3])
def test_story_query_count_same_for_one_and_three(client, org, django_assert_num_queries, n):
    plan = plan_with_story(org, n)
    client.force_login(org.admin)

    with django_assert_num_queries(STORY_QUERIES):
        response = client.get(story_url(plan))

    assert response.status_code == 200
    assert [len(response.context["versions"]), len(response.context["decisions"])] == [n, 3 * (n - 1) + n]


@pytest.mark.parametrize(
    ("username", "linked"),
    [("medarbetare", False), ("chef", False), ("kommunikator", False), ("direktor", True), ("admin", True)],
)
def test_the_plan_and_channel_pages_link_their_story_for_audit_readers_only(client, org, username, linked):
    plan = approve(complete_plan(org.medarbetare), org)
    client.force_login(getattr(org, username))
    plan_response = client.get(reverse("plans:detail", args=[plan.pk]))
    channel_response = client.get(reverse("channel_register:detail", args=[plan.channel_id]))
    assert (plan_response.status_code, channel_response.status_code) == (200, 200)
    plan_page, channel_page = plan_response.text, channel_response.text
    assert (f'href="{story_url(plan)}"' in plan_page) is linked
    assert (f'href="{reverse("channel_register:story", args=[plan.channel_id])}"' in channel_page) is linked
