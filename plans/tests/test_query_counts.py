"""Exact query counts for the start page, the plan form, the plan list and the plan page, at 1
and 3 items.

The count is the same at both sizes: nothing is read once per plan, goal, decision or version.
"""

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import active_channel, submitted_closure, trained
from plans.domain.drafts import revise
from plans.domain.transitions import transition
from plans.enums import Action

from .archive_factories import approve, store_pdf
from .factories import GOAL, complete_plan

# Every count includes three queries of the frame: the session, the user and the user's role
# groups (the session is not saved within a minute of its last save:
# accounts.middleware.IdleSessionMiddleware).

# The frame, the three boxes (waiting: plans and closure requests, one query each), the user's
# deputy arrangements in force (what the waiting box also holds), the unread badge, and the
# user's unit (the page's subtitle).
HOME_QUERIES = 10
# The frame, the paginator's COUNT, the unread badge, the units of the filter, and the page of
# plans (unit and author joined).
LIST_QUERIES = 7
# The frame, the plan (unit, chef, author and every person field joined), the versions, the
# decisions of every version (one prefetch, deciders joined: the plan's own decisions are taken
# from it), the timeline (users joined), the goals, the other people, the check of change_plan
# (user and group permissions in one query: rules.holds_change_plan, kept for the page), and the
# unread badge.
DETAIL_QUERIES = 11
# An approved version's page: the same, less the check of change_plan (an approved plan is not
# editable, so it is never asked), plus its signed record (without the PDF's bytes) for the PDF
# section.
APPROVED_DETAIL_QUERIES = 11


# The plan form, new: the frame, the units the user may write for (the view's rule, then the
# form's unit choices: two queries), the units below the chosen one (one level: the library has
# none below it), the unit's channels a first plan may be written for, the people who may be
# named (one query for the four person fields: queries.plan_people), and the unread badge.
CREATE_QUERIES = 9
# The plan form, saved draft: the frame, the plan (unit and every person field joined), the
# check of change_plan (user and group permissions in one query), the goals and the
# other people (one prefetch each, shared by the form, the goal rows and the submission check),
# the form's unit choices, the units below the plan's unit, the unit's channels a first version
# may be written for, the people who may be named (one query for the four fields), and the
# unread badge. (A returned plan adds its latest return; a first version with its own planned
# channel adds whether it still is.)
EDIT_QUERIES = 12


def library_staff(org, n: int) -> list:
    """`n` trained people of the library (the author first): those a plan may name."""
    people = [trained(org.medarbetare)]
    for i in range(n - 1):
        people.append(trained(make_user(Role.MEDARBETARE, unit=org.library, full_name=f"Kollega {i}")))
    return people


@pytest.mark.parametrize("n", [1, 3])
def test_plan_create_form_query_count_same_for_one_and_three_people(client, org, django_assert_num_queries, n):
    people = library_staff(org, n)
    client.force_login(org.medarbetare)

    with django_assert_num_queries(CREATE_QUERIES):
        response = client.get(reverse("plans:create"))

    assert response.status_code == 200
    form = response.context["form"]
    assert [len(form.fields[name].choices) for name in ("responsible", "other_people")] == [n + 1, n]
    assert sorted(person.pk for person in people) == sorted(person.pk for person in form.fields["responsible"].listed())


@pytest.mark.parametrize("n", [1, 3])
def test_plan_edit_form_query_count_same_for_one_and_three_people_and_goals(client, org, django_assert_num_queries, n):
    people = library_staff(org, n)
    plan = complete_plan(
        org.medarbetare, goals=[{**GOAL, "description": f"Mål {i}"} for i in range(n)], other_people=people
    )
    client.force_login(org.medarbetare)

    with django_assert_num_queries(EDIT_QUERIES):
        response = client.get(reverse("plans:edit", args=[plan.pk]))

    assert response.status_code == 200
    form = response.context["form"]
    assert [len(response.context["goals"].forms), len(form.fields["other_people"].choices)] == [n, n]
    assert response.context["missing"] == []


def fill_chef_inbox(org, n: int) -> None:
    """`n` plans and `n` closure requests waiting for the library chef, and `n` plans of the
    chef's own returned to them."""
    trained(org.medarbetare)
    for i in range(n):
        channel = active_channel(org, channel_name=f"Aktiv kanal {i}")
        appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
        submitted_closure(org, channel)
        waiting = complete_plan(org.medarbetare, channel_name=f"Väntande kanal {i}")
        transition(waiting.pk, Action.SUBMIT, actor=org.medarbetare)
        own = complete_plan(org.chef, channel_name=f"Chefens kanal {i}")
        transition(own.pk, Action.SUBMIT, actor=org.chef)
        transition(own.pk, Action.RETURN, actor=org.kommunikator, comment="Komplettera målen.")


def plan_with_history(org, n: int):
    """Version `n` of a plan with `n` goals, returned `n` times (so `n` decisions), after
    `n - 1` approved versions (so `n` versions in the document history)."""
    plan = complete_plan(org.medarbetare, goals=[{**GOAL, "description": f"Mål {i}"} for i in range(n)])
    for _ in range(n - 1):
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
        transition(plan.pk, Action.APPROVE, actor=org.chef)
        transition(plan.pk, Action.APPROVE, actor=org.kommunikator)
        transition(plan.pk, Action.APPROVE, actor=org.direktor)
        plan = revise(plan.pk, actor=org.medarbetare)
    for _ in range(n):
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
        transition(plan.pk, Action.RETURN, actor=org.chef, comment="Komplettera.")
    return plan


@pytest.mark.parametrize("n", [1, 3])
def test_home_query_count_same_for_one_and_three_plans_per_box(client, org, django_assert_num_queries, n):
    fill_chef_inbox(org, n)
    client.force_login(org.chef)

    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))

    assert response.status_code == 200
    assert [response.context[f"{box}_count"] for box in ("waiting", "mine", "returned")] == [2 * n, n, n]


@pytest.mark.parametrize("viewer", ["medarbetare", "kommunikator"])
@pytest.mark.parametrize("n", [1, 3])
def test_plan_list_query_count_same_for_one_and_three_plans(client, org, django_assert_num_queries, viewer, n):
    for i in range(n):
        author = org.medarbetare if i % 2 == 0 else org.chef
        plan = complete_plan(author, channel_name=f"Kanal {i}")
        transition(plan.pk, Action.SUBMIT, actor=author)
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("plans:list"))

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == n


@pytest.mark.parametrize("n", [1, 3])
def test_plan_page_query_count_same_for_one_and_three_goals_decisions_versions(
    client, org, django_assert_num_queries, n
):
    plan = plan_with_history(org, n)
    client.force_login(org.medarbetare)

    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(reverse("plans:detail", args=[plan.pk]))

    assert response.status_code == 200
    context = response.context
    assert [len(context["goals"]), len(context["decisions"]), len(context["versions"])] == [n, n, n]


def approved_plan_with_history(org, n: int):
    """Version `n` of a plan with `n` goals, approved with its PDF stored after being returned
    `n - 1` times (so `n + 2` decisions), after `n - 1` approved versions."""
    plan = complete_plan(org.medarbetare, goals=[{**GOAL, "description": f"Mål {i}"} for i in range(n)])
    for _ in range(n - 1):
        plan = revise(approve(plan, org).pk, actor=org.medarbetare)
    for _ in range(n - 1):
        transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
        transition(plan.pk, Action.RETURN, actor=org.chef, comment="Komplettera.")
    plan = approve(plan, org)
    store_pdf(plan)
    return plan


@pytest.mark.parametrize("n", [1, 3])
def test_approved_plan_page_query_count_same_for_one_and_three_goals_decisions_versions(
    client, org, settings, django_assert_num_queries, n
):
    settings.PDF_SIGNING_CERTIFICATE = ""
    plan = approved_plan_with_history(org, n)
    client.force_login(org.medarbetare)

    with django_assert_num_queries(APPROVED_DETAIL_QUERIES):
        response = client.get(reverse("plans:detail", args=[plan.pk]))

    assert response.status_code == 200
    context = response.context
    assert [len(context["goals"]), len(context["decisions"]), len(context["versions"])] == [n, n + 2, n]
    assert response.content.decode().count(f'href="{reverse("plans:pdf", args=[plan.pk])}"') == 1
