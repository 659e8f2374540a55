"""The notification pages: my list, opening a notice, marking all read, and the header badge."""

import pytest
from django.test.html import Element, parse_html
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import make_user
from notifications.domain import mark_read, notify
from notifications.models import Notification


@pytest.fixture
def anna(db):
    return make_user(Role.MEDARBETARE, username="anna", full_name="Anna Andersson")


@pytest.fixture
def bertil(db):
    return make_user(Role.CHEF, username="bertil", full_name="Bertil Berg")


def notice(person, key: str, url: str = "/planer/") -> Notification:
    return notify(recipient=person, kind="test", key=key, subject=f"Ämne {key}", body="Text", url=url)


def read_state(*notifications) -> list[bool]:
    return [Notification.objects.get(pk=n.pk).read_at is not None for n in notifications]


def elements(node, name: str, **attrs) -> list[Element]:
    """Every element `name` under `node` whose attributes include `attrs` (`class_` is a class)."""
    wanted = {key.rstrip("_"): value for key, value in attrs.items()}
    found = []
    for child in getattr(node, "children", []):
        if isinstance(child, str):
            continue
        have = dict(child.attributes)
        if child.name == name and all(
            set(value.split()) <= set((have.get(key) or "").split()) if key == "class" else have.get(key) == value
            for key, value in wanted.items()
        ):
            found.append(child)
        found.extend(elements(child, name, **attrs))
    return found


def test_notification_list_shows_only_own_newest_first(client, anna, bertil):
    first = notice(anna, "a1")
    second = notice(anna, "a2")
    notice(bertil, "b1")
    client.force_login(anna)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [second, first]
    links = elements(parse_html(response.content.decode()), "ul", class_="notification-list")[0]
    assert [dict(a.attributes)["href"] for a in elements(links, "a")] == [
        reverse("notifications:open", args=[second.pk]),
        reverse("notifications:open", args=[first.pk]),
    ]


def test_notification_open_marks_read_and_redirects_to_its_url(client, anna):
    opened = notice(anna, "a1", url="/planer/7/")
    other = notice(anna, "a2")
    client.force_login(anna)

    response = client.get(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/planer/7/"
    assert read_state(opened, other) == [True, False]


@pytest.mark.parametrize("url", ["", "https://example.com/planer/7/", "//example.com/"])
def test_notification_open_without_safe_url_goes_to_the_list(client, anna, url):
    opened = notice(anna, "a1", url=url)
    client.force_login(anna)

    response = client.get(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert read_state(opened) == [True]


def test_notification_open_already_read_keeps_first_read_time(client, anna):
    opened = notice(anna, "a1")
    mark_read(anna, [opened.pk])
    first_read = Notification.objects.get(pk=opened.pk).read_at
    client.force_login(anna)

    response = client.get(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 302
    assert Notification.objects.get(pk=opened.pk).read_at == first_read


def test_notification_open_another_persons_404_and_unchanged(client, anna, bertil):
    theirs = notice(bertil, "b1")
    client.force_login(anna)

    response = client.get(reverse("notifications:open", args=[theirs.pk]))

    assert response.status_code == 404
    assert read_state(theirs) == [False]


def test_notification_mark_all_read_marks_only_own(client, anna, bertil):
    mine = [notice(anna, "a1"), notice(anna, "a2")]
    theirs = notice(bertil, "b1")
    client.force_login(anna)

    response = client.post(reverse("notifications:mark_read"))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert read_state(*mine, theirs) == [True, True, False]


def test_notification_mark_all_read_get_405_and_unchanged(client, anna):
    mine = notice(anna, "a1")
    client.force_login(anna)

    response = client.get(reverse("notifications:mark_read"))

    assert response.status_code == 405
    assert read_state(mine) == [False]


@pytest.mark.parametrize("unread", [1, 3])
def test_notification_badge_equals_unread_count(client, anna, bertil, unread):
    for i in range(unread):
        notice(anna, f"unread{i}")
    mark_read(anna, [notice(anna, "read").pk])
    notice(bertil, "b1")
    client.force_login(anna)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    (badge,) = elements(parse_html(response.content.decode()), "span", class_="badge")
    assert badge.children[0] == str(unread)


def test_notification_badge_absent_without_unread(client, anna):
    mark_read(anna, [notice(anna, "read").pk])
    client.force_login(anna)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert elements(parse_html(response.content.decode()), "span", class_="badge") == []
