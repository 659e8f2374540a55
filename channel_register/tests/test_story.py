"""A channel's whole story (Beslutshistorik for one channel): who may read it, the channel's
field-level changes (old → new, people by name), its audit events, the links to its plans'
stories, that each list is one page at a time, and an exact query count at two sizes."""

import pytest
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import make_user
from audit.context import Context, opened
from audit.models import Event
from channel_register.domain.channels import appoint
from channel_register.models import Channel
from channel_register.views import story as story_views
from plans.tests.view_helpers import page, section, table_rows

from .channel_factories import active_channel, trained


def story_url(channel) -> str:
    return reverse("channel_register:story", args=[channel.pk])


def cells(row) -> list[str]:
    return [" ".join(cell.text().split()) for cell in row.children if not isinstance(cell, str)]


def has_address_field() -> bool:
    # helper C adds `history_address` to every history model; the page shows it once it exists.
    return any(field.name == "history_address" for field in Channel.history.model._meta.fields)


def colleague(org, username: str, full_name: str):
    return make_user(Role.MEDARBETARE, unit=org.library, username=username, full_name=full_name)


def appointed(org, channel, *others, address=None) -> Channel:
    for person in (org.medarbetare, *others):
        trained(person)
    with opened(Context(address=address)):
        return appoint(
            channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare, others=others
        )


# --- Who may read it -------------------------------------------------------------------------------


def test_channel_story_anonymous_is_sent_to_sign_in(client, org):
    channel = active_channel(org)

    response = client.get(story_url(channel))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", ["medarbetare", "chef", "kommunikator"])
def test_channel_story_refused_to_everyone_but_the_audit_readers(client, org, username):
    channel = active_channel(org)  # the library's channel: its chef may read the channel itself
    client.force_login(getattr(org, username))

    response = client.get(story_url(channel))

    assert response.status_code == 403


@pytest.mark.parametrize("username", ["admin", "direktor"])
def test_channel_story_read_by_the_administrator_and_the_director(client, org, username):
    channel = active_channel(org)
    client.force_login(getattr(org, username))

    response = client.get(story_url(channel))

    assert response.status_code == 200
    assert response.context["channel"] == channel


def test_channel_story_of_a_missing_channel(client, org):
    client.force_login(org.chef)
    refused = client.get(reverse("channel_register:story", args=[999_999]))
    client.force_login(org.admin)

    missing = client.get(reverse("channel_register:story", args=[999_999]))

    assert [refused.status_code, missing.status_code] == [403, 404]


# --- What it shows ---------------------------------------------------------------------------------


def test_channel_story_shows_the_appointed_people_by_name_with_address(client, org):
    channel = appointed(org, active_channel(org), colleague(org, "olle", "Olle Ek"), address="10.9.8.7")
    client.force_login(org.admin)

    response = client.get(story_url(channel))

    # The appointment saves the channel, then its other people (a second history row).
    people_row, owner_row = [cells(row) for row in table_rows(section(page(response), "changes-heading"))[:2]]
    assert people_row[3] == "Övriga personer: – → Olle Ek"
    assert owner_row[3] == "Ansvarig: – → Maja Lindqvist" + "Skärmdumpsansvarig: – → Maja Lindqvist"
    address = "10.9.8.7" if has_address_field() else "–"
    assert [people_row[1], owner_row[1], people_row[5], owner_row[5]] == ["Karin Sjöström"] * 2 + [address] * 2


def test_channel_story_lists_the_channels_events_only(client, org):
    channel = appointed(org, active_channel(org))
    other = active_channel(org, channel_name="En annan kanal")
    client.force_login(org.admin)

    response = client.get(story_url(channel))

    shown = [event.pk for event in response.context["events"]]
    assert shown == list(Event.objects.filter(channel_id=channel.pk).order_by("-id").values_list("pk", flat=True))
    assert shown
    assert not Event.objects.filter(pk__in=shown, channel_id=other.pk).exists()


def test_channel_story_links_to_the_story_of_its_plan(client, org):
    channel = active_channel(org)
    plan = channel.plans.get()
    client.force_login(org.admin)

    response = client.get(story_url(channel))

    link = section(page(response), "story-plans-heading").find("a")
    assert link.attrs["href"] == reverse("plans:story", args=[plan.pk])
    assert link.text() == str(plan)


def test_channel_story_escapes_what_people_wrote(client, org):
    channel = active_channel(org, channel_name="<b>fet</b>")
    client.force_login(org.admin)

    response = client.get(story_url(channel))

    content = response.content.decode()
    assert "<b>fet</b>" not in content
    assert "&lt;b&gt;fet&lt;/b&gt;" in content


def test_channel_story_lists_are_paged(client, org, monkeypatch):
    monkeypatch.setattr(story_views, "HISTORY_PAGE_SIZE", 1)
    monkeypatch.setattr(story_views, "EVENT_PAGE_SIZE", 1)
    channel = appointed(org, active_channel(org))
    newest_rows = list(channel.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True))
    newest_events = list(Event.objects.filter(channel_id=channel.pk).order_by("-id").values_list("pk", flat=True))
    client.force_login(org.admin)

    first = client.get(story_url(channel))
    second = client.get(story_url(channel), {"sida": 2, "fore": newest_events[0]})

    assert [entry.record.history_id for entry in first.context["entries"]] == newest_rows[:1]
    assert [entry.record.history_id for entry in second.context["entries"]] == newest_rows[1:2]
    assert [event.pk for event in first.context["events"]] == newest_events[:1]
    assert [event.pk for event in second.context["events"]] == newest_events[1:2]
    assert page(second).find("a", href=f"?sida=2&fore={newest_events[1]}#events-heading")


# --- Query counts ----------------------------------------------------------------------------------

# The frame: the session, the user and the user's role groups (the audit rule). Then: the channel
# (unit joined); the changes: the COUNT and
# the page of keys (one source: no UNION), the rows (user joined, the previous row's id in a
# subquery), the previous rows, the other people of those rows (the tracked many-to-many); one
# query per kind of object a changed reference names (people, the unit); the page of events
# (actors joined), the plans the log has seen for the channel; the unread badge.
STORY_QUERIES = 14


def channel_with_story(org, n: int) -> Channel:
    """An active channel appointed `n` times over, with `n` others the last time: the history,
    the events and the people named all grow with `n`."""
    channel = active_channel(org)
    people = [colleague(org, f"kollega{i}", f"Kollega {i}") for i in range(n)]
    for count in range(1, n + 1):
        channel = appointed(org, channel, *people[:count])
    return channel


@pytest.mark.parametrize("n", [1, 3])
def test_channel_story_query_count_same_for_one_and_three(client, org, django_assert_num_queries, n):
    channel = channel_with_story(org, n)
    client.force_login(org.admin)

    with django_assert_num_queries(STORY_QUERIES):
        response = client.get(story_url(channel))

    assert response.status_code == 200
    assert len(response.context["plans"]) == 1
