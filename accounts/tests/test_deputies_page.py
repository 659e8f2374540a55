"""The deputies page (people:deputies): a chef names who decides in their place as the chef of a
unit they lead, outside a vacation too, and ends the arrangement; nobody else has the page, and
another chef's arrangement does not exist for them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import DeputyCondition, Role
from accounts.models import Deputy, User
from plans import rules as plan_rules
from plans.domain.transitions import transition
from plans.enums import Action, Step
from plans.tests.factories import complete_plan

pytestmark = pytest.mark.django_db

PAGE = reverse("people:deputies")


def arrangement(org, **fields) -> Deputy:
    values = {
        "person": org.chef,
        "deputy": org.chef2,
        "role": Role.CHEF,
        "unit": org.library,
        "condition": DeputyCondition.ALWAYS,
        "starts_on": timezone.localdate(),
        "registered_by": org.chef,
        **fields,
    }
    return Deputy.objects.create(**values)


def named(org, **changes) -> dict:
    return {
        "unit": org.library.pk,
        "deputy": org.chef2.pk,
        "condition": DeputyCondition.ALWAYS,
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": "",
        "note": "Under omorganisationen.",
        **changes,
    }


def test_deputies_page_anonymous_goes_to_sign_in(client):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("person", ["medarbetare", "kommunikator"])
def test_deputies_page_is_for_those_who_lead_a_unit(client, org, person):
    client.force_login(getattr(org, person))

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, named(org)).status_code == 403
    assert not Deputy.objects.exists()


def test_chef_names_a_standing_deputy_who_then_decides(client, org):
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    client.force_login(org.chef)
    assert plan_rules.decidable_step(org.chef2, plan) is None

    response = client.post(PAGE, named(org))

    assert response.status_code == 302
    made = Deputy.objects.get()
    assert (made.person, made.deputy, made.unit, made.ends_on, made.registered_by) == (
        org.chef,
        org.chef2,
        org.library,
        None,
        org.chef,
    )
    # A fresh read of the deputy: a person's deputyships are cached on their object for a request.
    assert plan_rules.decidable_step(User.objects.get(pk=org.chef2.pk), plan) == Step.CHEF
    assert "Erik Nyström" in client.get(PAGE).text


def test_chef_cannot_name_a_deputy_for_a_unit_they_do_not_lead(client, org):
    client.force_login(org.chef)

    response = client.post(PAGE, named(org, unit=org.music.pk, deputy=org.medarbetare.pk))

    assert response.status_code == 200
    assert response.context["form"].errors["unit"]
    assert not Deputy.objects.exists()


def test_an_end_before_the_start_is_refused_at_the_field(client, org):
    client.force_login(org.chef)
    today = timezone.localdate()

    response = client.post(PAGE, named(org, ends_on=(today - datetime.timedelta(days=1)).isoformat()))

    assert response.context["form"].errors["ends_on"]
    assert not Deputy.objects.exists()


def test_ending_a_started_arrangement_ends_it_yesterday_and_the_deputy_stops(client, org):
    today = timezone.localdate()
    started = arrangement(org, starts_on=today - datetime.timedelta(days=10))
    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    client.force_login(org.chef)

    response = client.post(PAGE, {"end": started.pk})

    assert response.status_code == 302
    started.refresh_from_db()
    assert started.ends_on == today - datetime.timedelta(days=1)
    assert plan_rules.decidable_step(org.chef2, plan) is None
    again = client.post(PAGE, {"end": started.pk}, follow=True)
    assert "redan avslutad" in again.text


def test_ending_a_coming_arrangement_removes_it(client, org):
    coming = arrangement(org, starts_on=timezone.localdate() + datetime.timedelta(days=3))
    client.force_login(org.chef)

    client.post(PAGE, {"end": coming.pk})

    assert not Deputy.objects.filter(pk=coming.pk).exists()


def test_another_chefs_arrangement_is_not_found(client, org):
    theirs = arrangement(org, person=org.chef2, deputy=org.chef, unit=org.music, registered_by=org.chef2)
    client.force_login(org.chef)

    response = client.post(PAGE, {"end": theirs.pk})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.ends_on is None


# The frame (session, user, role groups; the session is not saved within a minute of its last
# save: accounts.middleware.IdleSessionMiddleware), the
# units the user leads (whether they have the page, and the form's first list, read once), the
# page's count and rows, the candidates of the form's second list, and the unread badge.
DEPUTIES_QUERIES = 8


@pytest.mark.parametrize("n", [1, 3])
def test_deputies_page_query_count_is_the_same_for_1_and_3_arrangements(client, org, django_assert_num_queries, n):
    for i in range(n):
        arrangement(org, starts_on=timezone.localdate() + datetime.timedelta(days=i))
    client.force_login(org.chef)

    with django_assert_num_queries(DEPUTIES_QUERIES):
        response = client.get(PAGE)

    assert len(response.context["page"].object_list) == n
