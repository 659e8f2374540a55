"""The appoint form (issue 12, experience 5): everyone of the unit is listed; those without valid
legal training are shown disabled with the reason ("utbildning saknas", "utbildningen gick ut
3 okt 2026") and a link to register their training; a forged choice of one of them is refused
at the field with that reason, not with Django's "Välj ett giltigt alternativ".

The page is read in Swedish, as a visitor reads it."""

import re
from datetime import date, datetime

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import make_user

from .channel_factories import active_channel, trained
from .channel_life import STOCKHOLM, channel_row

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture(name="people")
def people_fixture(org, time_machine):
    """A channel of Länsbiblioteket and three people of the unit: Maja (never trained), Vera
    (training ended 3 October 2026) and Elin (valid). The chef, Karin, is not trained either."""
    time_machine.move_to(TODAY, tick=False)
    vera = make_user(Role.MEDARBETARE, unit=org.library, full_name="Vera Utgången")
    trained(vera, completed_on=date(2023, 10, 3), valid_until=date(2026, 10, 3))
    elin = trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Elin Forsberg"))
    return {"channel": active_channel(org), "maja": org.medarbetare, "vera": vera, "elin": elin}


def option(page: str, person) -> str:
    """The owner field's <option> for `person`."""
    owner = page[page.index('name="owner"') : page.index("</select>", page.index('name="owner"'))]
    return re.search(rf'<option value="{person.pk}"[^>]*>[^<]*</option>', owner).group(0)


def test_appoint_form_lists_untrained_people_disabled_with_the_reason(client, org, people):
    client.force_login(org.chef)

    page = client.get(reverse("channel_register:appoint", args=[people["channel"].pk])).content.decode()

    assert option(page, people["maja"]) == (
        f'<option value="{people["maja"].pk}" disabled>Maja Lindqvist (utbildning saknas)</option>'
    )
    assert option(page, people["vera"]) == (
        f'<option value="{people["vera"].pk}" disabled>Vera Utgången (utbildningen gick ut 3 okt 2026)</option>'
    )
    assert option(page, people["elin"]) == f'<option value="{people["elin"].pk}">Elin Forsberg</option>'


def test_appoint_form_links_to_registering_the_training_of_each_untrained_person(client, org, people):
    client.force_login(org.chef)

    page = client.get(reverse("channel_register:appoint", args=[people["channel"].pk])).content.decode()

    links = re.findall(rf'href="{reverse("people:trainings")}\?person=(\d+)"', page)
    assert sorted(map(int, links)) == sorted([people["maja"].pk, people["vera"].pk, org.chef.pk])


@pytest.mark.parametrize(
    ("field", "who", "message"),
    [
        ("owner", "maja", "Maja Lindqvist kan inte utses: utbildning saknas."),
        ("screenshot_responsible", "vera", "Vera Utgången kan inte utses: utbildningen gick ut 3 okt 2026."),
        ("others", "maja", "Maja Lindqvist kan inte utses: utbildning saknas."),
    ],
)
def test_appoint_forged_choice_of_untrained_person_refused_with_the_reason(client, org, people, field, who, message):
    channel = people["channel"]
    before = channel_row(channel)
    data = {"owner": people["elin"].pk, "screenshot_responsible": people["elin"].pk, "revision": channel.revision}
    data[field] = people[who].pk
    client.force_login(org.chef)

    response = client.post(reverse("channel_register:appoint", args=[channel.pk]), data)

    assert (response.status_code, response.context["form"].errors) == (200, {field: [message]})
    assert channel_row(channel) == before


# The frame (session, user, role groups), the channel (the readable units a subquery of it), the
# channel's other people, the units under the chef's unit and the unit's people with their
# training (the form's choices and who is unavailable: one query each), whom of the unavailable
# the chef may register training for (one query, not one per person), the unread badge, and the
# three person fields' options.
APPOINT_QUERIES = 12


@pytest.mark.parametrize("untrained", [1, 3])
def test_appoint_page_query_count_same_for_one_and_three_untrained_people(
    client, org, people, untrained, django_assert_num_queries
):
    for number in range(untrained):
        make_user(Role.MEDARBETARE, unit=org.library, full_name=f"Otränad {number}")
    client.force_login(org.chef)

    with django_assert_num_queries(APPOINT_QUERIES):
        page = client.get(reverse("channel_register:appoint", args=[people["channel"].pk])).content.decode()

    links = re.findall(rf'href="{reverse("people:trainings")}\?person=(\d+)"', page)
    assert len(links) == 3 + untrained  # Maja, Vera, the chef, and the untrained ones
