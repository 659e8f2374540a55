"""The overview through HTTP: who sees which channels (a ladder per role), the filters, the totals,
the resources per unit, the CSV export, the start page, and exact query counts that do not grow
with the number of channels.

The standings are written directly here (the rows `domain.standing.refresh_standings` keeps,
tested in test_standing.py): the pages only read them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.enums import ChannelStatus, Platform
from channel_register.models import Agreement, Channel
from overview.enums import Column, Light
from overview.facts import Facts, Person
from overview.lights import judge_all, problems
from overview.models import Standing
from plans.tests.test_pdf import pdftotext, squash
from plans.tests.view_helpers import page

pytestmark = [pytest.mark.django_db]

TODAY = datetime.date(2027, 3, 15)


@pytest.fixture(autouse=True)
def clock(time_machine):
    time_machine.move_to(datetime.datetime(2027, 3, 15, 12, tzinfo=datetime.UTC), tick=False)


def kept(**overrides) -> Facts:
    """The facts of a well-kept active channel: every light green."""
    trained = Person("Maja Lindqvist", datetime.date(2028, 6, 30))
    values = {
        "status": ChannelStatus.AKTIV,
        "activated_on": datetime.date(2026, 6, 1),
        "plan_version": 1,
        "plan_runs_out_on": datetime.date(2027, 12, 31),
        "rhythm": (),
        "screenshot_duty_starts_on": datetime.date(2027, 1, 1),
        "screenshot_taken": True,
        "inventory_due_on": datetime.date(2027, 6, 1),
        "owner": trained,
        "people": (trained,),
        "goal_statuses": ("gron",),
        "last_evaluated_on": datetime.date(2026, 12, 1),
    }
    return Facts(**(values | overrides))


def channel_with(unit, name: str, facts: Facts | None = None, *, owner=None, platform=Platform.FACEBOOK) -> Channel:
    """A channel row and its standing, as the nightly refresh would keep it (arrange only)."""
    facts = facts or kept()
    channel = Channel.objects.create(
        platform=platform, name=name, url=f"https://example.org/{name}", unit=unit, status=facts.status, owner=owner
    )
    cells = judge_all(facts, today=TODAY)
    on_track = sum(1 for status in facts.goal_statuses if status == "gron")
    # In a browser test the channel's own refresh (on commit) has kept a standing already: replaced.
    Standing.objects.update_or_create(
        channel=channel,
        defaults={
            **{column.value: cell.light for column, cell in cells.items()},
            "problems": problems(cell.light for cell in cells.values()),
            "goals_total": len(facts.goal_statuses),
            "goals_on_track": on_track,
            "facts": facts.to_json(),
            "judged_on": TODAY,
            "refreshed_at": timezone.now(),
        },
    )
    return channel


def shown(response) -> list[str]:
    return [row["channel"].name for row in response.context["rows"]]


@pytest.fixture
def channels(org):
    """Two channels of Länsbiblioteket (one owned by `medarbetare`, one with an overdue inventory)
    and one of Musik i Uppland."""
    return {
        "own": channel_with(org.library, "Biblioteket på Facebook", owner=org.medarbetare),
        "late": channel_with(org.library, "Biblioteket på Instagram", kept(inventory_due_on=datetime.date(2027, 3, 1))),
        "music": channel_with(org.music, "Musik i Uppland på YouTube", platform=Platform.YOUTUBE),
    }


# --- Who sees what ----------------------------------------------------------------------------------

# Each role and the channels of the `channels` fixture it sees, the worst first.
EVERY_CHANNEL = ["Biblioteket på Instagram", "Biblioteket på Facebook", "Musik i Uppland på YouTube"]
SCOPES = [
    ("medarbetare", ["Biblioteket på Facebook"]),
    ("chef", ["Biblioteket på Instagram", "Biblioteket på Facebook"]),
    ("chef2", ["Musik i Uppland på YouTube"]),
    ("kommunikator", EVERY_CHANNEL),
    ("direktor", EVERY_CHANNEL),
    ("admin", EVERY_CHANNEL),
]


def test_overview_anonymous_redirected_to_login(client):
    response = client.get(reverse("overview:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("person", "expected"),
    SCOPES,
)
def test_overview_shows_each_role_its_scope_worst_first(client, org, channels, person, expected):
    client.force_login(getattr(org, person))

    response = client.get(reverse("overview:index"))

    assert response.status_code == 200
    assert shown(response) == expected


@pytest.mark.parametrize(
    ("person", "expected"),
    SCOPES,
)
def test_overview_csv_gives_each_role_its_scope(client, org, channels, person, expected):
    client.force_login(getattr(org, person))

    response = client.get(reverse("overview:csv"))

    assert [line.split(";")[0] for line in csv_text(response).split("\r\n")[1:-1]] == expected


def test_overview_staff_of_the_unit_not_named_for_a_channel_sees_none(client, org, channels):
    colleague = make_user(Role.MEDARBETARE, unit=org.library, username="kollega")
    client.force_login(colleague)

    response = client.get(reverse("overview:index"))

    assert shown(response) == []
    assert response.context["totals"].channels == 0


def test_overview_a_unit_outside_the_scope_in_the_filter_shows_nothing_of_it(client, org, channels):
    client.force_login(org.chef)

    response = client.get(reverse("overview:index"), {"unit": org.music.pk})

    assert shown(response) == ["Biblioteket på Instagram", "Biblioteket på Facebook"]
    assert "Musik i Uppland" not in response.content.decode()


# --- Filters, search and sorting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"unit": "UNIT"}, ["Biblioteket på Instagram", "Biblioteket på Facebook"]),
        ({"problems": "on"}, ["Biblioteket på Instagram"]),
        ({"platform": Platform.YOUTUBE}, ["Musik i Uppland på YouTube"]),
        ({"q": "instagram"}, ["Biblioteket på Instagram"]),
        ({"q": "musik"}, ["Musik i Uppland på YouTube"]),
        ({"sort": "name"}, ["Biblioteket på Facebook", "Biblioteket på Instagram", "Musik i Uppland på YouTube"]),
        ({"status": ChannelStatus.PAUSAD}, []),
        ({"unit": "UNIT", "problems": "on", "q": "bibliotek"}, ["Biblioteket på Instagram"]),
    ],
)
def test_overview_filters(client, org, channels, query, expected):
    client.force_login(org.kommunikator)
    query = {key: (org.library.pk if value == "UNIT" else value) for key, value in query.items()}

    response = client.get(reverse("overview:index"), query)

    assert shown(response) == expected


def test_overview_closed_channels_only_when_asked_for(client, org, channels):
    channel_with(org.library, "Gamla bloggen", kept(status=ChannelStatus.AVSLUTAD))
    client.force_login(org.kommunikator)

    default = client.get(reverse("overview:index"))
    closed = client.get(reverse("overview:index"), {"status": ChannelStatus.AVSLUTAD})

    assert "Gamla bloggen" not in shown(default)
    assert shown(closed) == ["Gamla bloggen"]


def test_overview_cell_says_its_light_and_reason_in_words_and_links_where_it_is_fixed(client, org, channels):
    client.force_login(org.kommunikator)

    response = client.get(reverse("overview:index"), {"q": "instagram"})

    (row,) = response.context["rows"]
    inventory = next(cell for cell in row["cells"] if cell["column"] == Column.INVENTORY)
    assert inventory["light"] == Light.RED
    assert inventory["url"] == reverse("channel_register:inventory", args=[channels["late"].pk])
    link = page(response).find("a", href=inventory["url"])
    assert link.text().strip() == inventory["reason"]
    assert inventory["reason"] != ""


def test_overview_green_cells_link_nowhere(client, org, channels):
    client.force_login(org.kommunikator)

    response = client.get(reverse("overview:index"), {"q": "facebook"})

    (row,) = response.context["rows"]
    assert [cell["url"] for cell in row["cells"]] == [""] * len(Column)


# --- Totals and resources ---------------------------------------------------------------------------


def test_overview_totals_count_every_channel_in_scope_whatever_the_filter(client, org, channels):
    channel_with(org.music, "Musik på Instagram", kept(goal_statuses=("rod", "gron"), screenshot_taken=False))
    client.force_login(org.kommunikator)

    response = client.get(reverse("overview:index"), {"q": "nothing matches this"})

    totals = response.context["totals"]
    assert (totals.channels, totals.active) == (4, 4)
    assert (totals.goals_on_track, totals.goals_total, totals.goals_on_track_share) == (4, 5, 80)
    assert totals.overdue == {"screenshots": 1, "inventory": 1, "evaluation": 0, "roster": 0, "training": 0}
    assert totals.not_evaluated_this_year == 4


def test_overview_resources_per_unit_single_out_a_unit_short_of_hours(client, org, channels):
    Agreement.objects.create(
        channel=channels["own"],
        owner=org.medarbetare,
        chef=org.chef,
        tasks="Publicera",
        hours_per_week=Decimal("2.0"),
        owner_confirmed_at=timezone.now(),
        chef_confirmed_at=timezone.now(),
    )
    client.force_login(org.kommunikator)

    response = client.get(reverse("overview:index"))

    loads = {load.unit: load for load in response.context["loads"]}
    library, music = loads["Länsbiblioteket"], loads["Musik i Uppland"]
    assert (library.active, library.agreed_hours, library.without_agreement, library.with_problems) == (
        2,
        Decimal("2.0"),
        1,
        1,
    )
    assert library.stands_out
    assert (music.active, music.without_agreement) == (1, 1)


# --- The CSV ------------------------------------------------------------------------------------------


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def test_overview_csv_is_the_filtered_table_for_swedish_excel(client, org, channels):
    channel_with(org.library, "=HYPERLINK(1)")
    client.force_login(org.chef)

    response = client.get(reverse("overview:csv"), {"sort": "name"})

    text = csv_text(response)
    lines = text.split("\r\n")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="oversikt-2027-03-15.csv"'
    assert text.startswith("\ufeff")
    assert [line.split(";")[0] for line in lines[1:-1]] == [
        "'=HYPERLINK(1)",
        "Biblioteket på Facebook",
        "Biblioteket på Instagram",
    ]
    assert len(lines[0].split(";")) == 5 + 2 * len(Column)
    assert "Musik" not in text


def test_overview_csv_anonymous_redirected_and_staff_gets_only_their_own(client, org, channels):
    anonymous = client.get(reverse("overview:csv"))
    client.force_login(org.medarbetare)

    own = client.get(reverse("overview:csv"))

    assert anonymous.status_code == 302
    assert [line.split(";")[0] for line in csv_text(own).split("\r\n")[1:-1]] == ["Biblioteket på Facebook"]


# --- The start page -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("person", "template"),
    [
        ("kommunikator", "overview/overview.html"),
        ("direktor", "overview/overview.html"),
        ("chef", "plans/home.html"),
        ("medarbetare", "plans/home.html"),
    ],
)
def test_start_page_is_the_overview_for_the_officer_and_the_director(client, org, person, template):
    client.force_login(getattr(org, person))

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert next(t.name for t in response.templates) == template


def test_inbox_has_its_own_address_for_everyone(client, org):
    client.force_login(org.kommunikator)

    response = client.get(reverse("inbox"))

    assert next(t.name for t in response.templates) == "plans/home.html"


# --- Queries ------------------------------------------------------------------------------------------

# The frame (session, user, role groups; no session save within a minute of the last), the units
# for the filter, the page's count and rows (channel, unit and owner joined), the totals (the
# standings' aggregate, the channels not evaluated this year, the plans waiting, the closure
# requests waiting), the resources per unit, the escalated documents (the officer sees them; none
# here, so no count), and the unread badge.
OVERVIEW_QUERIES = 13


@pytest.mark.parametrize("n", [1, 3, 50])
def test_overview_query_count_is_the_same_for_1_3_and_50_channels(client, org, django_assert_num_queries, n):
    for i in range(n):
        channel_with(org.library if i % 2 else org.music, f"Kanal {i:02d}", kept(inventory_due_on=TODAY))
    client.force_login(org.kommunikator)

    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = client.get(reverse("overview:index"))

    assert len(response.context["rows"]) == n


@pytest.mark.parametrize("n", [1, 3, 50])
def test_overview_csv_query_count_is_the_same_for_1_3_and_50_channels(client, org, django_assert_num_queries, n):
    for i in range(n):
        channel_with(org.library, f"Kanal {i:02d}")
    client.force_login(org.kommunikator)

    # The frame, the units for the filter, the export's audit event, and the rows (read a chunk
    # at a time by one query).
    with django_assert_num_queries(6):
        response = client.get(reverse("overview:csv"))
        text = csv_text(response)

    assert len(text.split("\r\n")) == n + 2


# --- The half-year report -------------------------------------------------------------------------


def test_report_anonymous_redirected_to_login(client):
    response = client.get(reverse("overview:report"))

    assert response.status_code == 302


def test_report_is_a_pdf_of_the_scope_with_its_problems_chart_and_resources(client, org, channels):
    channel_with(org.library, '<img src="https://evil.example/x.png">', kept(screenshot_taken=False))
    client.force_login(org.chef)

    response = client.get(reverse("overview:report"), {"halvar": "2026-2"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="oversikt-2026-halvar2.pdf"'
    text = squash(pdftotext(response.content, "-raw"))
    for expected in [
        "Översiktöverkanalerna,halvår22026",
        "BiblioteketpåInstagram",
        squash('<img src="https://evil.example/x.png">'),
        "Uppdateringarpervecka,allakanaler",
        "Länsbiblioteket",
    ]:
        assert expected in text
    assert "BiblioteketpåFacebook" not in text  # well kept: no problem to report
    assert "Musik" not in text


@pytest.mark.parametrize(
    ("asked", "expected"), [("2027-2", "2027-halvar1"), ("x", "2027-halvar1"), ("2026-1", "2026-halvar1")]
)
def test_report_half_year_not_begun_or_unreadable_is_the_current_one(client, org, asked, expected):
    client.force_login(org.kommunikator)

    response = client.get(reverse("overview:report"), {"halvar": asked})

    assert response["Content-Disposition"] == f'attachment; filename="oversikt-{expected}.pdf"'


# The frame, the problem channels' count and first rows, the updates per week, the rhythm the
# plans require, the totals (four queries), the resources per unit, and the download's audit event.
REPORT_QUERIES = 13


@pytest.mark.parametrize("n", [1, 3, 50])
def test_report_query_count_is_the_same_for_1_3_and_50_channels(client, org, django_assert_num_queries, n):
    for i in range(n):
        channel_with(org.library, f"Kanal {i:02d}", kept(inventory_due_on=TODAY))
    client.force_login(org.kommunikator)

    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(reverse("overview:report"))

    assert response.status_code == 200
