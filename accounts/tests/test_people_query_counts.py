"""Exact query counts for the people pages (trainings, absences), at 1 and 3 people and at more
people than one page holds: the count and the number of rows rendered stay fixed, because the
people are paginated in the query that computes their state, and the person choice is read
once (the page's people, or the chef's units' people) instead of everyone's.

Also the person choice itself: offered and accepted within the viewer's scope only."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import AbsenceKind, Course, Role
from accounts.models import Absence, TrainingRecord
from accounts.tests.factories import AbsenceFactory, TrainingRecordFactory, make_user
from accounts.views import PAGE_SIZE

pytestmark = pytest.mark.django_db

SIZES = [1, 3, PAGE_SIZE + 10]

# Every signed-in count includes three queries of the frame: the session, the user and the
# user's role groups (the session is not saved within a minute of its last save:
# accounts.middleware.IdleSessionMiddleware).

# The frame, whether the viewer may register anyone's training (rules.training_registrable),
# the viewer's own records, the summary (how many people are in each status, which is also the
# paginator's count), the page of people with their training state and whether the viewer may
# register for each computed in the same query (the form lists them: nothing more to read), and
# the unread badge.
TRAINING_QUERIES = {"chef": 8, "kommunikator": 8}
# The frame, the deputy candidates (the form's deputy list, empty for someone who leads no unit),
# the people the chef may register absences for (the form's person list), the paginator's
# COUNT, the page of absences (person and registrar joined), the deputies named with the page's
# absences, and the unread badge.
ABSENCE_QUERIES = 9


def library_people(org, n: int, **training) -> list:
    """`n` Länsbiblioteket staff besides the chef and `medarbetare`, each with a training record
    (by default valid) and an absence."""
    people = [
        make_user(Role.MEDARBETARE, unit=org.library, username=f"person{i:02}", full_name=f"Person {i:02}")
        for i in range(n)
    ]
    for person in people:
        TrainingRecordFactory(user=person, **training)
        AbsenceFactory(user=person, starts_on=timezone.localdate() + timedelta(days=1))
    return people


def options(html: str, select_id: str) -> list[str]:
    select = re.search(rf'<select name="\w+"[^>]* id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    return re.findall(r'<option value="(\d*)"', select.group(1))


def training_rows(html: str) -> int:
    table = re.search(r'<caption class="visually-hidden" id="trainings-caption">.*?</table>', html, re.S)
    return table.group(0).count('<th scope="row">') if table else 0


@pytest.mark.parametrize("viewer", ["chef", "kommunikator"])
@pytest.mark.parametrize("n", SIZES)
def test_training_page_query_count_and_rows_fixed_for_any_number_of_people(
    client, org, django_assert_num_queries, viewer, n
):
    library_people(org, n)
    in_scope = 2 + n if viewer == "chef" else 7 + n  # the chef's unit, or everyone
    client.force_login(getattr(org, viewer))

    with django_assert_num_queries(TRAINING_QUERIES[viewer]):
        response = client.get(reverse("people:trainings"))

    html = response.content.decode()
    page = response.context["page"]
    assert page.paginator.count == in_scope
    assert len(page.object_list) == training_rows(html) == min(in_scope, PAGE_SIZE)
    registrable = [str(row.person.pk) for row in page.object_list if row.may_register]
    assert options(html, "id_person") == ["", *registrable]


def test_training_summary_counts_everyone_not_only_the_page(client, org):
    library_people(org, PAGE_SIZE + 5)
    soon = timezone.localdate() + timedelta(days=10)
    TrainingRecordFactory(user=org.medarbetare, completed_on=soon - timedelta(days=3 * 365), valid_until=soon)
    client.force_login(org.chef)

    context = client.get(reverse("people:trainings")).context

    assert (context["count_valid"], context["count_soon"], context["count_missing"]) == (PAGE_SIZE + 5, 1, 1)


def test_training_filter_pages_only_those_who_need_action(client, org):
    library_people(org, PAGE_SIZE + 5)
    expired = make_user(Role.MEDARBETARE, unit=org.library, username="utgangen", full_name="Vera Utgången")
    yesterday = timezone.localdate() - timedelta(days=1)
    TrainingRecordFactory(user=expired, completed_on=yesterday - timedelta(days=3 * 365), valid_until=yesterday)
    client.force_login(org.chef)

    page = client.get(reverse("people:trainings"), {"needs_action": "on"}).context["page"]

    assert page.paginator.count == 3  # the chef and Maja (no training), Vera (expired)
    assert sorted(row.key for row in page.object_list) == ["expired", "missing", "missing"]


def test_training_person_choice_of_chef_only_their_units_people(client, org):
    client.force_login(org.chef)

    offered = options(client.get(reverse("people:trainings")).content.decode(), "id_person")

    assert sorted(offered[1:]) == sorted([str(org.chef.pk), str(org.medarbetare.pk)])


def test_training_person_outside_chefs_units_refused_when_posted(client, org):
    client.force_login(org.chef)
    data = {"person": org.medarbetare2.pk, "course": Course.LEGAL_BASICS, "completed_on": timezone.localdate()}

    response = client.post(reverse("people:trainings"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert not TrainingRecord.objects.exists()


def test_training_person_choice_of_kommunikator_is_the_page_and_any_one_asked_for(client, org):
    library_people(org, PAGE_SIZE + 10)
    client.force_login(org.kommunikator)
    first = client.get(reverse("people:trainings"))
    on_page = {row.person.pk for row in first.context["page"].object_list}
    later = TrainingRecord.objects.exclude(user_id__in=on_page).select_related("user").first().user

    asked = client.get(reverse("people:trainings"), {"person": later.pk})

    assert str(later.pk) not in options(first.content.decode(), "id_person")
    assert options(asked.content.decode(), "id_person")[-1] == str(later.pk)
    assert asked.context["form"]["person"].value() == later.pk


def test_training_person_not_offered_on_the_page_accepted_when_in_scope(client, org):
    people = library_people(org, PAGE_SIZE + 10, completed_on=timezone.localdate() - timedelta(days=4 * 365))
    client.force_login(org.kommunikator)
    on_page = {row.person.pk for row in client.get(reverse("people:trainings")).context["page"].object_list}
    later = next(person for person in people if person.pk not in on_page)
    data = {"person": later.pk, "course": Course.LEGAL_BASICS, "completed_on": timezone.localdate()}

    response = client.post(reverse("people:trainings"), data)

    assert response.status_code == 302
    assert TrainingRecord.objects.filter(user=later, registered_by=org.kommunikator).count() == 1


@pytest.mark.parametrize("n", SIZES)
def test_absence_page_query_count_and_rows_fixed_for_any_number_of_absences(client, org, django_assert_num_queries, n):
    library_people(org, n)
    client.force_login(org.chef)

    with django_assert_num_queries(ABSENCE_QUERIES):
        response = client.get(reverse("people:absences"))

    html = response.content.decode()
    rows = response.context["page"].object_list
    assert response.context["page"].paginator.count == n
    assert len(rows) == html.count('name="delete"') == min(n, PAGE_SIZE)


def test_absence_person_choice_of_chef_only_themselves_and_their_units_people(client, org):
    client.force_login(org.chef)

    offered = options(client.get(reverse("people:absences")).content.decode(), "id_person")

    assert sorted(offered) == sorted([str(org.chef.pk), str(org.medarbetare.pk)])


def test_absence_person_outside_chefs_units_refused_when_posted(client, org):
    client.force_login(org.chef)
    start = timezone.localdate() + timedelta(days=30)
    data = {"person": org.medarbetare2.pk, "kind": AbsenceKind.SEMESTER, "starts_on": start, "ends_on": start}

    response = client.post(reverse("people:absences"), data)

    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    assert not Absence.objects.exists()
