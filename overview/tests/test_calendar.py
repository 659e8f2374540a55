"""A person's calendar of duties (issue 17): a secret address, shown once, stored hashed, replaced
or revoked; the feed is valid iCalendar (read back by two independent parsers, `icalendar` and
`vobject`), holds the person's duties with UIDs that stay the same from fetch to fetch, and
never another person's."""

import datetime
import hashlib
import io
from decimal import Decimal

import icalendar
import pytest
import vobject
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.domain.calendar import calendar_owner, new_calendar_token, revoke_calendar_token
from accounts.enums import Role
from accounts.models import CalendarFeed, User
from accounts.tests.factories import make_user
from audit import personal_data
from channel_register.domain.channels import appoint, assign_roster, describe_channel
from channel_register.tests.channel_factories import active_channel, trained
from metrics.domain.measurements import record_measurement
from overview.domain.standing import refresh_standings
from plans.domain.transitions import transition
from plans.enums import Action, Metric
from plans.models import Goal
from plans.tests.factories import GOAL, complete_plan

pytestmark = pytest.mark.django_db


def feed_url(token: str) -> str:
    return reverse("overview:calendar_feed", args=[token])


def events(body: bytes) -> dict[str, str]:
    """{UID: SUMMARY} of the feed, read by `icalendar`; `vobject` must read the same."""
    calendar = icalendar.Calendar.from_ical(body)
    found = {str(event["UID"]): str(event["SUMMARY"]) for event in calendar.walk("VEVENT")}
    parsed = vobject.readOne(body.decode())
    assert {event.uid.value: event.summary.value for event in parsed.contents.get("vevent", [])} == found
    return found


@pytest.fixture
def duties(org):
    """Maja owns the library's channel, takes its screenshots, monitors next week and has a training;
    a colleague's plan waits for the chef; Tove (the channel's first monitor) has her own weeks."""
    trained(org.medarbetare)
    channel = active_channel(org)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    next_week = (timezone.localdate() + datetime.timedelta(weeks=1)).isocalendar()[:2]
    assign_roster(channel.pk, actor=org.chef, first=next_week, last=next_week, primary=org.medarbetare)
    refresh_standings(today=timezone.localdate(), channel_ids=[channel.pk])
    colleague = make_user(Role.MEDARBETARE, unit=org.library, username="kollega")
    waiting = transition(complete_plan(colleague).pk, Action.SUBMIT, actor=colleague)
    return channel, waiting


# --- The address ----------------------------------------------------------------------------------


def test_new_address_is_stored_hashed_and_replaces_the_old(org):
    first = new_calendar_token(org.medarbetare)
    second = new_calendar_token(org.medarbetare)

    assert calendar_owner(first) is None
    assert calendar_owner(second) == org.medarbetare
    assert CalendarFeed.objects.get().token_hash == hashlib.sha256(second.encode()).hexdigest()
    assert second not in str(list(CalendarFeed.objects.values()))


def test_revoked_address_and_one_of_a_person_who_left_name_nobody(client, org):
    token = new_calendar_token(org.medarbetare)
    other = new_calendar_token(org.medarbetare2)
    org.medarbetare2.is_active = False
    org.medarbetare2.save()

    assert revoke_calendar_token(org.medarbetare)
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(other)).status_code == 404
    assert client.get(feed_url("gissat")).status_code == 404


# --- The feed -------------------------------------------------------------------------------------


def test_feed_holds_the_persons_duties_and_reads_back(client, org, duties):
    channel, _waiting = duties
    token = new_calendar_token(org.medarbetare)

    response = client.get(feed_url(token))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    found = events(response.content)
    summaries = sorted(found.values())
    week = (timezone.localdate() + datetime.timedelta(weeks=1)).isocalendar()[1]
    assert f"Tillsyn av {channel.name}, vecka {week}" in summaries
    assert f"Inventering av {channel.name} ska göras" in summaries
    assert f"Utvärdering av {channel.name} ska göras" in summaries
    assert any(summary.startswith("Din utbildning går ut") for summary in summaries)
    assert all(uid.endswith("@kob-social.invalid") for uid in found)
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Stockholm"


def test_feed_holds_the_decisions_waiting_for_the_person(client, org, duties):
    _channel, waiting = duties
    token = new_calendar_token(org.chef)

    found = events(client.get(feed_url(token)).content)

    assert f"Väntar på ditt beslut: {waiting}" in found.values()


def test_feed_holds_the_screenshot_due_after_a_change_of_the_channel(client, org, duties):
    channel, _waiting = duties
    today = timezone.localdate()
    describe_channel(
        channel.pk,
        platform=channel.platform,
        name="Länsbiblioteket Nytt",
        url=channel.url,
        unit=org.library,
        actor=org.chef,
    )
    refresh_standings(today=today, channel_ids=[channel.pk])
    token = new_calendar_token(org.medarbetare)

    calendar = icalendar.Calendar.from_ical(client.get(feed_url(token)).content)
    found = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    event = found[f"screenshot-change-{channel.pk}-{today:%Y%m%d}@kob-social.invalid"]

    assert str(event["SUMMARY"]) == "Skärmdumpar av Länsbiblioteket Nytt ska tas efter en ändring"
    assert event["DTSTART"].dt == today + datetime.timedelta(days=30)
    assert not any(
        uid.startswith("screenshot-change-")
        for uid in events(client.get(feed_url(new_calendar_token(org.chef))).content)
    )


def test_feed_uids_are_the_same_from_fetch_to_fetch(client, org, duties):
    token = new_calendar_token(org.medarbetare)

    first = events(client.get(feed_url(token)).content)
    second = events(client.get(feed_url(token)).content)

    assert first == second
    assert len(first) >= 4


def test_feed_never_holds_another_persons_duties(client, org, duties):
    channel, waiting = duties
    token = new_calendar_token(org.medarbetare2)

    found = events(client.get(feed_url(token)).content)

    assert [summary for summary in found.values() if channel.name in summary or str(waiting) in summary] == []


# The secret's person (with the unit); the roster weeks; the channels' standings; the goals of
# their channels still to be measured for the first time (with plan and channel); what waits for
# the person: their role groups and deputy arrangements, then the plans and the closure requests;
# the training.
FEED_QUERIES = 9


@pytest.mark.parametrize("weeks", [1, 3])
def test_feed_query_count_is_the_same_for_1_and_3_roster_weeks(client, org, duties, django_assert_num_queries, weeks):
    channel, _waiting = duties
    start = timezone.localdate() + datetime.timedelta(weeks=2)
    last = start + datetime.timedelta(weeks=weeks - 1)
    assign_roster(
        channel.pk, actor=org.chef, first=start.isocalendar()[:2], last=last.isocalendar()[:2], primary=org.medarbetare
    )
    token = new_calendar_token(org.medarbetare)

    with django_assert_num_queries(FEED_QUERIES):
        response = client.get(feed_url(token))

    assert len([uid for uid in events(response.content) if uid.startswith("roster-")]) == weeks + 1


@pytest.mark.parametrize("goals", [1, 3])
def test_feed_holds_each_goal_still_to_be_measured_for_the_first_time(client, org, django_assert_num_queries, goals):
    trained(org.medarbetare)
    today = timezone.localdate()
    goal = {**GOAL, "baseline": None, "first_measured_on": today, "deadline": today + datetime.timedelta(days=365)}
    channel = active_channel(org, goals=[{**goal, "description": f"Mål {n}"} for n in range(goals)])
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    pks = list(Goal.objects.filter(plan__channel=channel).order_by("pk").values_list("pk", flat=True))
    token = new_calendar_token(org.medarbetare)

    with django_assert_num_queries(FEED_QUERIES):
        before = client.get(feed_url(token)).content
    record_measurement(channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=today, value=Decimal("900"))
    after = client.get(feed_url(token)).content

    starts = {
        str(event["UID"]): event.decoded("DTSTART")
        for event in icalendar.Calendar.from_ical(before).walk("VEVENT")
        if str(event["UID"]).startswith("first-measurement-")
    }
    assert starts == {f"first-measurement-{pk}@kob-social.invalid": today for pk in pks}
    assert [uid for uid in events(after) if uid.startswith("first-measurement-")] == []


# --- The page -------------------------------------------------------------------------------------


def test_calendar_page_needs_sign_in(client):
    response = client.get(reverse("overview:calendar"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_calendar_page_shows_a_new_address_once(client, org):
    client.force_login(org.medarbetare)

    made = client.post(reverse("overview:calendar"), {"action": "new"}, follow=True)
    again = client.get(reverse("overview:calendar"))

    address = made.context["address"]
    token = address.rsplit("/", 1)[1].removesuffix(".ics")
    assert calendar_owner(token) == org.medarbetare
    assert address in made.text
    assert again.context["address"] is None
    assert token not in again.text


def test_calendar_page_revokes_the_address(client, org):
    token = new_calendar_token(org.medarbetare)
    client.force_login(org.medarbetare)

    client.post(reverse("overview:calendar"), {"action": "revoke"})

    assert calendar_owner(token) is None
    assert not CalendarFeed.objects.exists()


def test_calendar_page_acts_only_on_ones_own_address(client, org):
    theirs = new_calendar_token(org.medarbetare2)
    someone = make_user(Role.MEDARBETARE, unit=org.library, username="nagon")
    client.force_login(someone)

    client.post(reverse("overview:calendar"), {"action": "revoke"})

    assert calendar_owner(theirs) == org.medarbetare2


def test_personal_data_export_says_when_the_address_was_made_never_its_hash(org):

    token = new_calendar_token(org.medarbetare)

    exported = personal_data.export(org.medarbetare)

    assert [set(row) for row in exported["calendar_address"]] == [{"created_at"}]
    assert hashlib.sha256(token.encode()).hexdigest() not in str(exported)


def test_a_demo_users_feed_reads_back_with_their_duties(client):
    call_command("seed_demo", stdout=io.StringIO())
    feeds = {
        username: events(client.get(feed_url(new_calendar_token(User.objects.get(username=username)))).content)
        for username in ("chef", "medarbetare")
    }

    assert any(summary.startswith("Väntar på ditt beslut") for summary in feeds["chef"].values())
    assert any(summary.startswith("Tillsyn av") for summary in feeds["medarbetare"].values())
