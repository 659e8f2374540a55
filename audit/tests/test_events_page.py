"""Beslutshistorik (/granskning/): who may read it, what each filter finds, the keyset pages,
the query count whatever the size of the log, and the CSV of a filtered view with its own event.

Rows are compared by event id (`data-event` in the page, the first column of the CSV), so the
tests do not depend on how far the Swedish catalogue has come."""

import csv
import datetime
import io
import re

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.enums import Role
from accounts.tests.factories import make_user
from audit.domain import record
from audit.enums import Kind
from audit.models import Event
from audit.queries import PAGE_SIZE

pytestmark = pytest.mark.django_db

EVENTS = reverse("audit:events")
EXPORT = reverse("audit:export")
UTC = datetime.UTC


# --- Helpers ------------------------------------------------------------------------------------


def shown(response, among: dict | None = None) -> list[int]:
    """The ids of the events in the page's table, in order; with `among` (the `log`), only those
    from its first to its last event (the organisation's creation and the reader's sign-in are
    in the log too, before and after it)."""
    found = [int(pk) for pk in re.findall(r'data-event="(\d+)"', response.content.decode())]
    if among is None:
        return found
    first, last = min(event.pk for event in among.values()), max(event.pk for event in among.values())
    return [pk for pk in found if first <= pk <= last]


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def errors(response) -> dict[str, list[str]]:
    """The codes of the form's errors, by field."""
    return {
        name: [error.code for error in field_errors]
        for name, field_errors in response.context["form"].errors.as_data().items()
    }


def in_swedish(text: str) -> str:
    with translation.override("sv"):
        return gettext(text)


def ids(*events) -> list[int]:
    return [event.pk for event in events]


@pytest.fixture
def log(org, time_machine):
    """A small log, oldest first, each event a day after the one before (2027-03-10 … 03-16,
    noon UTC): a failed sign-in, refused attempts by the staff member about plan 7 and by the
    chef about the staff member, changes of plan 7 and of channel 4, the admin signing in."""
    events = {}

    def at(day, name, **kwargs):
        time_machine.move_to(datetime.datetime(2027, 3, day, 12, tzinfo=UTC), tick=False)
        events[len(events)] = record(name, **kwargs)
        return events[len(events) - 1]

    return {
        "failed": at(
            10,
            "auth.sign_in_failed",
            actor=None,
            object_type="accounts.user",
            object_label="medarbetare",
            reason="användarnamn: medarbetare",
            address="192.0.2.10",
        ),
        "refused_plan": at(
            11,
            "access.refused",
            actor=org.medarbetare,
            object_type="plans:detail",
            object_id="7",
            object_label="plans:detail 7",
            plan=7,
            reason="404 GET /planer/7/",
            address="192.0.2.11",
        ),
        "refused_person": at(12, "access.refused", actor=org.chef, person=org.medarbetare.pk, reason="403 GET /x/"),
        "plan_changed": at(13, "object.changed", actor=org.chef, object_type="plans.plan", object_id="7", plan=7),
        "channel_changed": at(
            14, "object.changed", actor=org.medarbetare, object_type="channel_register.channel", channel=4
        ),
        "signed_in": at(16, "auth.signed_in", about=org.admin, actor=org.admin),
    }


# --- Who may read it ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["audit:events", "audit:export"])
def test_events_anonymous_redirected_to_login(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("person", "status"),
    [("medarbetare", 403), ("chef", 403), ("kommunikator", 403), ("direktor", 200), ("admin", 200)],
)
def test_events_ladder_per_role(client, org, person, status):
    user = getattr(org, person)
    client.force_login(user)

    response = client.get(EVENTS)

    assert response.status_code == status
    # A refused look at the log is itself in the log, with the refused person.
    refusals = Event.objects.filter(action="access.refused", actor=user, object_type="audit:events")
    assert refusals.count() == (1 if status == 403 else 0)


@pytest.mark.parametrize(
    ("person", "status"), [("chef", 403), ("kommunikator", 403), ("direktor", 200), ("admin", 200)]
)
def test_export_ladder_per_role_and_a_refused_export_exports_nothing(client, org, person, status):
    client.force_login(getattr(org, person))

    response = client.get(EXPORT)

    assert response.status_code == status
    assert Event.objects.filter(action="audit.exported").count() == (1 if status == 200 else 0)


@pytest.mark.parametrize(
    ("person", "linked"), [("chef", False), ("kommunikator", False), ("direktor", True), ("admin", True)]
)
def test_menu_links_the_decision_history_for_its_readers_only(client, org, person, linked):
    client.force_login(getattr(org, person))

    response = client.get(reverse("home"), follow=True)

    keys = [item["key"] for item in response.context["nav_items"]]
    assert ("audit" in keys) is linked


# --- The list -----------------------------------------------------------------------------------


def test_events_newest_first_with_who_in_words(client, org, log):
    client.force_login(org.direktor)

    response = client.get(EVENTS)

    assert shown(response, log) == ids(*reversed(log.values()))
    who = {row["event"].pk: row["who"] for row in response.context["rows"]}
    assert who[log["failed"].pk] == in_swedish("anonymous")
    assert who[log["refused_plan"].pk] == "Maja Lindqvist"


def test_events_who_is_the_username_when_the_person_has_no_full_name(client, org):
    org.medarbetare.full_name = ""
    org.medarbetare.save()
    record("access.refused", actor=org.medarbetare, reason="403 GET /x/")
    client.force_login(org.admin)

    response = client.get(EVENTS)

    assert [row["who"] for row in response.context["rows"] if row["event"].action == "access.refused"] == [
        "medarbetare"
    ]


def test_events_time_is_shown_in_swedish_time(client, org, time_machine):
    # 2027-07-01 10:15 UTC is 12:15 in Stockholm (summer time).
    time_machine.move_to(datetime.datetime(2027, 7, 1, 10, 15, tzinfo=UTC), tick=False)
    record("auth.signed_in", about=org.admin, actor=org.admin)
    client.force_login(org.admin)

    response = client.get(EVENTS)

    assert '<time datetime="2027-07-01T12:15:00+02:00">2027-07-01 12:15:00</time>' in response.content.decode()


def test_events_object_links_to_the_plan_story_else_the_channel_story(client, org, log):
    plan_story, channel_story = reverse("plans:story", args=[7]), reverse("channel_register:story", args=[4])
    both = record("object.changed", actor=org.chef, object_type="plans.goal", object_label="Mål 1", plan=7, channel=4)
    client.force_login(org.admin)

    response = client.get(EVENTS)

    urls = {row["event"].pk: row["url"] for row in response.context["rows"]}
    assert [urls[both.pk], urls[log["channel_changed"].pk], urls[log["signed_in"].pk]] == [
        plan_story,
        channel_story,
        "",
    ]
    assert f'<a href="{plan_story}">Mål 1</a>' in response.content.decode()


# --- The filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"plan": "7"}, ["plan_changed", "refused_plan"]),
        ({"channel": "4"}, ["channel_changed"]),
        # A person's events: what they did and what was about them.
        ({"person": "medarbetare"}, ["channel_changed", "refused_person", "refused_plan"]),
        ({"person": "MEDARBETARE"}, ["channel_changed", "refused_person", "refused_plan"]),
        ({"kind": Kind.REFUSAL}, ["refused_person", "refused_plan"]),
        ({"kind": Kind.SIGN_IN}, ["signed_in", "failed"]),
        ({"action": "object.changed"}, ["channel_changed", "plan_changed"]),
        ({"kind": Kind.REFUSAL, "person": "medarbetare"}, ["refused_person", "refused_plan"]),
        ({"since": "2027-03-12", "until": "2027-03-13"}, ["plan_changed", "refused_person"]),
        ({"since": "2027-03-14"}, ["signed_in", "channel_changed"]),
        ({"until": "2027-03-10"}, ["failed"]),
        ({"plan": "8"}, []),
    ],
)
def test_events_filters(client, org, log, query, expected):
    client.force_login(org.admin)

    response = client.get(EVENTS, query)

    assert errors(response) == {}
    assert shown(response, log) == ids(*(log[name] for name in expected))


def test_events_date_range_is_whole_days_in_swedish_time(client, org, time_machine):
    # Winter time (UTC+1): the 15th of March in Stockholm is 14 March 23:00 to 15 March 23:00 UTC.
    made = {}
    for name, moment in [
        ("before", datetime.datetime(2027, 3, 14, 22, 59, tzinfo=UTC)),
        ("first", datetime.datetime(2027, 3, 14, 23, 0, tzinfo=UTC)),
        ("last", datetime.datetime(2027, 3, 15, 22, 59, 59, tzinfo=UTC)),
        ("after", datetime.datetime(2027, 3, 15, 23, 0, tzinfo=UTC)),
    ]:
        time_machine.move_to(moment, tick=False)
        made[name] = record("auth.signed_in", about=org.admin, actor=org.admin)
    client.force_login(org.admin)

    response = client.get(EVENTS, {"since": "2027-03-15", "until": "2027-03-15"})

    assert shown(response) == ids(made["last"], made["first"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"person": "nobody"}, {"person": ["unknown"]}),
        ({"since": "2027-03-13", "until": "2027-03-12"}, {"until": ["before_start"]}),
    ],
)
def test_events_a_filter_that_finds_no_one_says_so_at_its_field_and_shows_nothing(client, org, log, query, expected):
    client.force_login(org.admin)

    response = client.get(EVENTS, query)

    assert response.status_code == 200
    assert errors(response) == expected
    assert shown(response) == []
    # The message is at the field, and the field points to it.
    field = next(iter(expected))
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', response.content.decode())
    assert f'<ul class="errorlist" id="id_{field}_error">' in response.content.decode()


def test_events_two_people_whose_usernames_differ_in_case_need_the_exact_one(client, org, log):
    make_user(
        Role.MEDARBETARE, unit=org.library, username="Medarbetare", full_name="Mats Berg", email="mats@example.org"
    )
    client.force_login(org.admin)

    exact = client.get(EVENTS, {"person": "medarbetare"})
    ambiguous = client.get(EVENTS, {"person": "MEDARBETARE"})

    assert shown(exact, log) == ids(log["channel_changed"], log["refused_person"], log["refused_plan"])
    assert errors(ambiguous) == {"person": ["ambiguous"]}


@pytest.mark.parametrize(
    "query",
    [
        {"plan": "abc"},
        {"plan": "-1"},
        {"plan": str(10**30)},
        {"channel": "1e9"},
        {"kind": "bogus"},
        {"action": "no.such.action"},
        {"since": "not a date"},
        {"since": "0001-01-01"},
        {"until": "9999-12-31"},
        {"person": "x" * 500},
        {"fore": "abc"},
        {"fore": str(10**30)},
        {"fore": "-5"},
    ],
)
def test_events_invalid_input_never_fails(client, org, log, query):
    client.force_login(org.admin)

    page = client.get(EVENTS, query)
    export = client.get(EXPORT, query)

    assert (page.status_code, export.status_code) == (200, 200)


def test_export_with_an_invalid_filter_shows_the_page_with_the_error_and_exports_nothing(client, org, log):
    client.force_login(org.admin)

    response = client.get(EXPORT, {"person": "nobody"})

    assert response["Content-Type"].startswith("text/html")
    assert errors(response) == {"person": ["unknown"]}
    assert Event.objects.filter(action="audit.exported").count() == 0


# --- Keyset pages -------------------------------------------------------------------------------


def many(org, n: int) -> list[Event]:
    return [record("access.refused", actor=org.chef, reason=f"403 GET /{i}/") for i in range(n)]


def test_events_pages_by_keyset_fifty_at_a_time_keeping_the_filters(client, org):
    made = many(org, 120)
    record("auth.signed_in", about=org.admin, actor=org.admin)  # filtered out below
    newest_first = [event.pk for event in reversed(made)]
    client.force_login(org.admin)

    first = client.get(EVENTS, {"kind": Kind.REFUSAL})
    second = client.get(EVENTS, {"kind": Kind.REFUSAL, "fore": first.context["older"]})
    third = client.get(EVENTS, {"kind": Kind.REFUSAL, "fore": second.context["older"]})

    assert [shown(first), shown(second), shown(third)] == [
        newest_first[:PAGE_SIZE],
        newest_first[PAGE_SIZE : 2 * PAGE_SIZE],
        newest_first[2 * PAGE_SIZE :],
    ]
    assert (first.context["older"], second.context["older"], third.context["older"]) == (
        newest_first[PAGE_SIZE - 1],
        newest_first[2 * PAGE_SIZE - 1],
        None,
    )
    page = second.content.decode()
    assert f'href="{EVENTS}?kind=nekad&amp;fore={newest_first[2 * PAGE_SIZE - 1]}"' in page
    assert f'href="{EVENTS}?kind=nekad">' in page  # "Nyaste": back to the start, same filters
    assert f"{EXPORT}?kind=nekad" in page  # the export is of every matching event, not this page


# --- Queries ------------------------------------------------------------------------------------

# The frame (session, user, the user's role groups; no session save within a minute of the
# last), the unread badge, and the page of events with their actors joined (50 + 1 rows).
EVENTS_QUERIES = 5


@pytest.mark.parametrize("n", [3, 120])
def test_events_query_count_is_the_same_for_3_and_120_events(client, org, django_assert_num_queries, n):
    many(org, n)
    client.force_login(org.admin)
    # The log holds the organisation's creation and the sign-in too.
    total = Event.objects.count()

    with django_assert_num_queries(EVENTS_QUERIES):
        response = client.get(EVENTS)

    assert len(response.context["rows"]) == min(total, PAGE_SIZE)


@pytest.mark.parametrize("n", [3, 120])
def test_events_query_count_with_a_person_adds_only_the_username(client, org, django_assert_num_queries, n):
    many(org, n)
    client.force_login(org.admin)

    total = Event.objects.filter(Q(actor=org.chef) | Q(person_id=org.chef.pk)).count()

    with django_assert_num_queries(EVENTS_QUERIES + 1):
        response = client.get(EVENTS, {"person": "chef"})

    assert len(response.context["rows"]) == min(total, PAGE_SIZE)


# The frame, the export's own event (an INSERT), and the rows read a chunk at a time.
EXPORT_QUERIES = 5


@pytest.mark.parametrize("n", [3, 120])
def test_export_query_count_is_the_same_for_3_and_120_events(client, org, django_assert_num_queries, n):
    many(org, n)
    client.force_login(org.admin)

    total = Event.objects.count()

    with django_assert_num_queries(EXPORT_QUERIES):
        rows = csv_rows(client.get(EXPORT))

    assert len(rows) == total + 1


# --- The CSV ------------------------------------------------------------------------------------


def test_export_of_a_filtered_view_holds_exactly_its_events_and_is_itself_recorded(client, org, log):
    client.force_login(org.admin)

    response = client.get(EXPORT, {"kind": Kind.REFUSAL, "person": "medarbetare"})

    rows = csv_rows(response)
    assert response["Content-Disposition"].startswith('attachment; filename="beslutshistorik-')
    assert [int(row[0]) for row in rows[1:]] == ids(log["refused_person"], log["refused_plan"])
    exported = Event.objects.get(action="audit.exported")
    assert (exported.actor, exported.kind, exported.reason) == (org.admin, Kind.READ, "person=medarbetare; typ=nekad")


def test_export_row_has_every_column_in_utc_and_swedish_time(client, org, log):
    client.force_login(org.admin)

    rows = csv_rows(client.get(EXPORT, {"plan": "7", "action": "access.refused"}))

    event = log["refused_plan"]
    assert len(rows[0]) == 16
    assert rows[1:] == [
        [
            str(event.pk),
            "2027-03-11T12:00:00+00:00",
            "2027-03-11T13:00:00+01:00",
            "medarbetare",
            "access.refused",
            event.label,
            str(Kind.REFUSAL.label),
            "plans:detail",
            "7",
            "plans:detail 7",
            "7",
            "",
            "",
            "192.0.2.11",
            "404 GET /planer/7/",
            str(event.group),
        ]
    ]


def test_export_quotes_a_cell_that_looks_like_a_formula(client, org):
    record("auth.sign_in_failed", actor=None, object_label="=HYPERLINK(1)", reason="användarnamn: =HYPERLINK(1)")
    client.force_login(org.admin)

    rows = csv_rows(client.get(EXPORT, {"action": "auth.sign_in_failed"}))

    assert [row[9] for row in rows[1:]] == ["'=HYPERLINK(1)"]


def test_export_unfiltered_says_so_in_its_reason(client, org, log):
    client.force_login(org.direktor)

    before = list(Event.objects.order_by("-id").values_list("pk", flat=True))

    rows = csv_rows(client.get(EXPORT))

    assert [int(row[0]) for row in rows[1:]] == before
    assert Event.objects.get(action="audit.exported").reason == "alla händelser"
