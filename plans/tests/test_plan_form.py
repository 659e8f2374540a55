"""The plan form seen through HTTP: drafts, submission, a stale form, goal rows, and the people
of the plan's unit who may be named in it (trained: `trained_staff`). Decisions on the plan
page, the list and the plan page itself are in test_plan_pages.py.

Assertions are on status codes, the database and the page's element structure, not on texts
(the Swedish catalogue is filled in separately).
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms as django_forms
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role, UnitKind
from accounts.tests.factories import UnitFactory, make_user
from channel_register.tests.channel_factories import trained
from plans import forms as plan_forms
from plans.domain.drafts import CONTENT_FIELDS, save_draft
from plans.domain.validation import REQUIRED_TEXT, REQUIRED_VALUES
from plans.enums import PlanStatus
from plans.models import Plan

from .factories import GOAL, complete_plan, plan_content
from .view_helpers import field_value, option_values, page, snapshot

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture(autouse=True)
def trained_staff(org):
    """The units' staff and chefs hold valid legal training: only such people can be named in a
    plan (queries.plan_people); the tests of that rule add people without it. Valid from 2025
    on, also under a test's clock."""
    for person in (org.medarbetare, org.medarbetare2, org.chef, org.chef2):
        trained(person, completed_on=date(2025, 1, 1), valid_until=None)


# --- Building requests -------------------------------------------------------------------------


def form_data(content: dict, goals=(), *, revision=None, other_people=(), button="spara") -> dict:
    """The plan form as a browser posts it: `content` maps fields to values or model objects."""
    data = {}
    for name, value in content.items():
        if isinstance(value, Model):
            value = value.pk
        data[name] = "" if value is None else str(value)
    if revision is not None:
        data["revision"] = str(revision)
    data["other_people"] = [str(person.pk) for person in other_people]
    data["goals-TOTAL_FORMS"] = str(len(goals))
    data["goals-INITIAL_FORMS"] = str(sum(1 for goal in goals if goal.get("id")))
    for index, goal in enumerate(goals):
        for name, value in goal.items():
            data[f"goals-{index}-{name}"] = "" if value is None else str(value)
    data[button] = ""
    return data


def content_of(plan: Plan) -> dict:
    return {field: getattr(plan, field) for field in CONTENT_FIELDS}


def goals_of(plan: Plan) -> list[tuple]:
    return list(plan.goals.values_list("description", "metric", "baseline", "target", "deadline"))


# --- The form: drafts ---------------------------------------------------------------------------


def test_plan_create_save_draft_with_few_fields_stores_every_typed_value(client, org):
    client.force_login(org.medarbetare)
    typed = {
        "unit": org.library,
        "platform": "instagram",
        "channel_name": "Läsglädje på Instagram",
        "purpose": "Väcka läslust hos unga.\nOch nå nya låntagare.",
        "update_count": 3,
        "update_period": "vecka",
        "working_hours_per_week": "2.5",
        "responsible": org.chef,
        "terms_reviewed_on": "2026-09-15",
    }
    goal = {"description": "Fler följare", "metric": "", "baseline": "", "target": "500", "deadline": ""}

    response = client.post(reverse("plans:create"), form_data(typed, [goal], other_people=[org.medarbetare, org.chef]))

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:edit", args=[plan.pk])
    assert content_of(plan) == {
        "unit": org.library,
        "platform": "instagram",
        "channel_name": "Läsglädje på Instagram",
        "channel_url": "",
        "purpose": "Väcka läslust hos unga.\nOch nå nya låntagare.",
        "activities": "",
        "responsible": org.chef,
        "supervision": "",
        "update_count": 3,
        "update_period": "vecka",
        "working_hours_per_week": Decimal("2.5"),
        "screenshot_responsible": None,
        "target_groups": "",
        "terms_reviewed_on": date(2026, 9, 15),
        "terms_reviewed_by": None,
        "case_routine": "",
        "records_reference": "",
        "registration_number": "",
        "statistics_use": "",
        "privacy_notice_url": "",
        "processing_register_entry": "",
        "data_requests_by": "",
        "personal_data_note": "",
        "accessibility_routine": "",
        "alt_texts": "",
        "captions": "",
        "readable_hashtags": "",
        "channel_information": "",
        "tools": "",
    }
    assert (plan.status, plan.author, plan.diarienummer) == (PlanStatus.UTKAST, org.medarbetare, "")
    assert set(plan.other_people.all()) == {org.medarbetare, org.chef}
    assert goals_of(plan) == [("Fler följare", "", None, Decimal("500"), None)]


def test_plan_edit_save_draft_stores_change_and_redirects_to_edit_page(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    data = form_data(
        plan_content(org.library, org.medarbetare, channel_name="Nytt namn", supervision=""),
        [GOAL],
        revision=plan.revision,
    )

    response = client.post(reverse("plans:edit", args=[plan.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:edit", args=[plan.pk])
    plan.refresh_from_db()
    assert (plan.channel_name, plan.supervision, plan.status, plan.revision) == (
        "Nytt namn",
        "",
        PlanStatus.UTKAST,
        1,
    )


# --- The form: submitting -----------------------------------------------------------------------


def test_plan_create_submit_incomplete_saves_draft_and_marks_each_missing_field(client, org):
    client.force_login(org.medarbetare)
    goal = {"description": "Fler besökare", "metric": "", "baseline": "", "target": "", "deadline": ""}
    data = form_data({"unit": org.library, "channel_name": "Halvfärdig kanal"}, [goal], button="skicka_in")

    response = client.post(reverse("plans:create"), data)

    assert response.status_code == 200
    plan = Plan.objects.get()
    assert (plan.status, plan.channel_name, plan.diarienummer) == (PlanStatus.UTKAST, "Halvfärdig kanal", "")
    assert goals_of(plan) == [("Fler besökare", "", None, None, None)]
    missing = sorted({*REQUIRED_TEXT, *REQUIRED_VALUES} - {"channel_name"})
    goal_pk = plan.goals.get().pk
    assert sorted(response.context["errors"]) == sorted(
        [
            *missing,
            f"goal-{goal_pk}-metric",
            f"goal-{goal_pk}-baseline",
            f"goal-{goal_pk}-target",
            f"goal-{goal_pk}-deadline",
        ]
    )
    document = page(response)
    marked = [name for name in CONTENT_FIELDS if document.find_all(id=f"id_{name}_error")]
    assert marked == [name for name in CONTENT_FIELDS if name in missing]
    for name in missing:
        # Every widget of the field: one input or select, or each radio button of a group.
        widgets = document.find_all(name=name)
        assert [widget.attrs["aria-invalid"] for widget in widgets] == ["true"] * len(widgets) != []
        assert {widget.attrs["aria-describedby"].split()[-1] for widget in widgets} == {f"id_{name}_error"}
    goal_fields = ("description", "metric", "baseline", "first_measured_on", "target", "deadline")
    assert [name for name in goal_fields if document.find_all(id=f"id_goals-0-{name}_error")] == [
        "metric",
        "baseline",
        "target",
        "deadline",
    ]
    assert document.find("select", name="goals-0-metric").attrs["aria-describedby"] == "id_goals-0-metric_error"


def test_plan_create_submit_without_goals_shows_goals_error(client, org):
    client.force_login(org.medarbetare)
    data = form_data(plan_content(org.library, org.medarbetare), [], button="skicka_in")

    response = client.post(reverse("plans:create"), data)

    assert response.status_code == 200
    assert Plan.objects.get().status == PlanStatus.UTKAST
    assert list(response.context["errors"]) == ["goals"]
    document = page(response)
    assert len(document.find("div", class_="error-summary").find_all("a", href="#goals-heading")) == 1
    assert len(document.find(id="goals-heading").parent.find_all("ul", class_="errorlist")) == 1


def test_plan_create_incomplete_submit_form_posts_to_the_new_draft(client, org):
    client.force_login(org.medarbetare)
    incomplete = form_data({"unit": org.library, "channel_name": "Kanal"}, [], button="skicka_in")
    response = client.post(reverse("plans:create"), incomplete)
    plan = Plan.objects.get()
    form = page(response).find("form", class_="plan-form")
    revision = form.find("input", name="revision").attrs["value"]
    complete = form_data(plan_content(org.library, org.medarbetare), [GOAL], revision=revision, button="skicka_in")

    second = client.post(form.attrs["action"], complete)

    assert form.attrs["action"] == reverse("plans:edit", args=[plan.pk])
    assert second.status_code == 302
    assert list(Plan.objects.values_list("pk", "status")) == [(plan.pk, PlanStatus.HOS_CHEF)]


def test_plan_create_submit_complete_plan_is_with_chef_with_diarienummer(client, org, settings, time_machine):
    time_machine.move_to(datetime(2026, 5, 4, 9, 30, tzinfo=STOCKHOLM))
    settings.DIARIENUMMER_FORMAT = "KOB-{year}-{seq:04d}"
    client.force_login(org.medarbetare)
    data = form_data(plan_content(org.library, org.medarbetare), [GOAL], button="skicka_in")

    response = client.post(reverse("plans:create"), data)

    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert (plan.status, plan.diarienummer, plan.deciding_chef) == (PlanStatus.HOS_CHEF, "KOB-2026-0001", org.chef)
    assert content_of(plan) == {**plan_content(org.library, org.medarbetare), "registration_number": ""}
    assert goals_of(plan) == [tuple(GOAL[name] for name in ("description", "metric", "baseline", "target", "deadline"))]


def test_plan_edit_submit_complete_draft_is_with_chef(client, org):
    plan = complete_plan(org.medarbetare)
    client.force_login(org.medarbetare)
    goal = {"id": plan.goals.get().pk, **GOAL}
    data = form_data(plan_content(org.library, org.medarbetare), [goal], revision=plan.revision, button="skicka_in")

    response = client.post(reverse("plans:edit", args=[plan.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    plan.refresh_from_db()
    year = timezone.localtime(plan.submitted_at).year
    assert (plan.status, plan.revision, plan.diarienummer) == (PlanStatus.HOS_CHEF, 2, f"KOB-{year}-0001")


# --- The form: a stale form ---------------------------------------------------------------------


def test_plan_edit_stale_revision_409_keeps_other_save_and_typed_values(client, org):
    plan = complete_plan(org.medarbetare)
    stale = plan.revision
    save_draft(
        plan.pk,
        actor=org.medarbetare,
        expected_revision=stale,
        content={"channel_name": "Sparat i en annan flik"},
        goals=[GOAL],
    )
    before = snapshot()
    client.force_login(org.medarbetare)
    typed = plan_content(org.library, org.medarbetare, channel_name="Mitt namn", purpose="Mitt syfte\nrad två")
    goal = {**GOAL, "description": "Mitt mål"}

    response = client.post(reverse("plans:edit", args=[plan.pk]), form_data(typed, [goal], revision=stale))

    assert response.status_code == 409
    assert snapshot() == before
    plan.refresh_from_db()
    assert (plan.channel_name, plan.revision) == ("Sparat i en annan flik", stale + 1)
    document = page(response)
    assert [field_value(document, name) for name in ("channel_name", "purpose", "goals-0-description")] == [
        "Mitt namn",
        "Mitt syfte\nrad två",
        "Mitt mål",
    ]
    assert len(document.find_all("div", class_="error-summary", role="alert")) == 1


# --- The form: goal rows ------------------------------------------------------------------------


def test_plan_edit_goal_formset_two_goals_then_delete_one_leaves_one(client, org):
    plan = complete_plan(org.medarbetare, goals=[])
    client.force_login(org.medarbetare)
    content = plan_content(org.library, org.medarbetare)
    two = [{**GOAL, "description": "Mål A"}, {**GOAL, "description": "Mål B", "target": "300"}]
    first = client.post(reverse("plans:edit", args=[plan.pk]), form_data(content, two, revision=0))
    goal_a, goal_b = plan.goals.all()
    marked = [{"id": goal_a.pk, **two[0]}, {"id": goal_b.pk, **two[1], "DELETE": "on"}]

    second = client.post(reverse("plans:edit", args=[plan.pk]), form_data(content, marked, revision=1))

    assert [first.status_code, second.status_code] == [302, 302]
    assert list(plan.goals.values_list("pk", "description")) == [(goal_a.pk, "Mål A")]


def test_goal_row_next_index_and_out_of_band_total(client, org):
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:goal_row"), {"goals-TOTAL_FORMS": "2"})

    assert response.status_code == 200
    document = page(response)
    names = [element.attrs["name"] for element in document.find_all() if "name" in element.attrs]
    assert sorted(names) == sorted(
        [
            f"goals-2-{name}"
            for name in ("id", "description", "metric", "baseline", "first_measured_on", "target", "deadline", "DELETE")
        ]
        + ["goals-TOTAL_FORMS"]
    )
    assert document.find("fieldset").attrs["id"] == "goal-row-goals-2"
    total = document.find("input", name="goals-TOTAL_FORMS")
    assert total.attrs == {
        "type": "hidden",
        "name": "goals-TOTAL_FORMS",
        "value": "3",
        "id": "id_goals-TOTAL_FORMS",
        "data-hx-swap-oob": "true",
    }


# A plan has at most 20 goals (plans.enums.MAX_GOALS): the 20th row is the last one offered.
@pytest.mark.parametrize(("total", "index"), [("0", 0), ("19", 19)])
def test_goal_row_index_at_the_limits(client, org, total, index):
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:goal_row"), {"goals-TOTAL_FORMS": total})

    assert response.status_code == 200
    assert page(response).find("input", name="goals-TOTAL_FORMS").attrs["value"] == str(index + 1)
    assert page(response).find("fieldset").attrs["id"] == f"goal-row-goals-{index}"


@pytest.mark.parametrize("total", ["", "abc", "2.5", "-1", "20", "50", "1000"])
def test_goal_row_not_a_number_or_out_of_range_404(client, org, total):
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:goal_row"), {"goals-TOTAL_FORMS": total})

    assert response.status_code == 404


def test_goal_row_without_total_404(client, org):
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:goal_row"))

    assert response.status_code == 404


# --- The form: people of the unit ---------------------------------------------------------------


@pytest.fixture
def library_people(org):
    """Beside the library's chef and staff: someone in a department under the library (who
    counts as the library's), someone who has left (inactive), and someone in music."""
    department = UnitFactory(name="Barnavdelningen", kind=UnitKind.AVDELNING, parent=org.library)
    in_department = trained(make_user(Role.MEDARBETARE, unit=department, full_name="Britt Berg"))
    trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Inaktiv Ingrid", is_active=False))
    trained(make_user(Role.MEDARBETARE, unit=org.music, full_name="Anna Musiker"))
    # Ordered by name: Britt Berg, Karin Sjöström (chef), Maja Lindqvist (medarbetare).
    return [in_department, org.chef, org.medarbetare]


@pytest.fixture
def untrained(org):
    """Library staff without valid legal training: one who never had it, one whose ended."""
    never = make_user(Role.MEDARBETARE, unit=org.library, full_name="Ny Nilsson")
    lapsed = trained(
        make_user(Role.MEDARBETARE, unit=org.library, full_name="Gammal Gran"),
        completed_on=date(2020, 1, 1),
        valid_until=date(2021, 1, 1),
    )
    return [never, lapsed]


PERSON_FIELDS = ("responsible", "screenshot_responsible", "terms_reviewed_by", "other_people")


def test_plan_create_people_fields_offer_only_the_units_trained_people(client, org, library_people, untrained):
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:create"))

    assert response.status_code == 200
    document = page(response)
    expected = [str(person.pk) for person in library_people]
    assert [option_values(document, name) for name in PERSON_FIELDS] == [
        ["", *expected],
        ["", *expected],
        ["", *expected],
        expected,
    ]


@pytest.mark.parametrize("field", PERSON_FIELDS)
def test_plan_create_untrained_person_refused_nothing_created(client, org, untrained, field):
    client.force_login(org.medarbetare)
    never, lapsed = untrained
    data = form_data({"unit": org.library, "channel_name": "Kanal"}, [], other_people=[org.medarbetare])
    if field == "other_people":
        data["other_people"] = [str(org.medarbetare.pk), str(lapsed.pk)]
    else:
        data[field] = str(never.pk)

    response = client.post(reverse("plans:create"), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert Plan.objects.count() == 0


def test_plan_edit_people_named_before_their_training_ended_stay_offered_and_saved(client, org, untrained):
    never, lapsed = untrained
    plan = complete_plan(
        org.medarbetare, responsible=lapsed, screenshot_responsible=never, other_people=[lapsed, org.chef]
    )
    client.force_login(org.medarbetare)

    response = client.get(reverse("plans:edit", args=[plan.pk]))
    saved = client.post(
        reverse("plans:edit", args=[plan.pk]),
        form_data(
            {**content_of(plan), "channel_name": "Nytt namn"},
            [GOAL],
            revision=plan.revision,
            other_people=[lapsed, org.chef],
        ),
    )

    named = sorted([lapsed, never, org.chef, org.medarbetare], key=lambda person: person.full_name)
    expected = [str(person.pk) for person in named]
    document = page(response)
    assert [option_values(document, name) for name in PERSON_FIELDS] == [
        ["", *expected],
        ["", *expected],
        ["", *expected],
        expected,
    ]
    assert saved.status_code == 302
    plan.refresh_from_db()
    assert (plan.channel_name, plan.responsible, plan.screenshot_responsible) == ("Nytt namn", lapsed, never)
    assert set(plan.other_people.all()) == {lapsed, org.chef}


def test_plan_edit_people_fields_follow_the_plans_unit(client, org):
    plan = complete_plan(org.medarbetare2)
    client.force_login(org.medarbetare2)

    response = client.get(reverse("plans:edit", args=[plan.pk]))

    document = page(response)
    music = [str(org.chef2.pk), str(org.medarbetare2.pk)]  # Erik Nyström, Oskar Åberg
    assert [option_values(document, name) for name in PERSON_FIELDS] == [
        ["", *music],
        ["", *music],
        ["", *music],
        music,
    ]


def test_plan_create_person_of_another_unit_refused_and_choices_follow_chosen_unit(client, org):
    # The kulturdirektör reads every unit, so may choose music; the library's staff are not music's.
    client.force_login(org.direktor)
    data = form_data({"unit": org.music, "responsible": org.medarbetare}, [])

    response = client.post(reverse("plans:create"), data)

    assert response.status_code == 200
    assert Plan.objects.count() == 0
    document = page(response)
    assert len(document.find_all(id="id_responsible_error")) == 1
    assert option_values(document, "responsible") == ["", str(org.chef2.pk), str(org.medarbetare2.pk)]


@pytest.mark.parametrize(
    ("ours", "djangos", "value"),
    [
        (plan_forms.Select, django_forms.Select, "a"),
        (plan_forms.SelectMultiple, django_forms.SelectMultiple, ["a", "c"]),
    ],
)
def test_selects_written_in_python_are_djangos_own_html(ours, djangos, value):
    choices = [("", "Choose"), ("a", "<b>A & B</b>"), ("b", "B"), ("Group", [("c", "C"), ("d", "D")])]
    attrs = {"id": "id_x", "required": True, "disabled": False, "aria-describedby": 'x"y'}

    assert ours(choices=choices).render("x", value, attrs) == djangos(choices=choices).render("x", value, attrs)
