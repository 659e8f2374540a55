"""The notification pages: my list, opening a notice, marking all read, and the header badge."""

import re

import pytest
from django.test import Client
from django.test.html import Element, parse_html
from django.urls import reverse

from accounts.enums import Role
from accounts.tests.factories import make_user
from notifications.domain import mark_read, message_for, notify
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


def csrf_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_notification_list_shows_only_own_newest_first(client, anna, bertil):
    first = notice(anna, "a1")
    second = notice(anna, "a2")
    notice(bertil, "b1")
    client.force_login(anna)

    response = client.get(reverse("notifications:list"))

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [second, first]
    listed = elements(parse_html(response.content.decode()), "ul", class_="notification-list")[0]
    forms = elements(listed, "form", method="post")
    assert [dict(form.attributes)["action"] for form in forms] == [
        reverse("notifications:open", args=[second.pk]),
        reverse("notifications:open", args=[first.pk]),
    ]
    assert [elements(form, "button", type="submit")[0].children for form in forms] == [["Ämne a2"], ["Ämne a1"]]
    hidden = [[dict(field.attributes)["name"] for field in elements(form, "input", type="hidden")] for form in forms]
    assert hidden == [["csrfmiddlewaretoken"], ["csrfmiddlewaretoken"]]
    assert elements(listed, "a") == []  # no link that marks a notice read


def test_notification_open_get_changes_nothing_and_offers_the_button(client, anna):
    opened = notice(anna, "a1", url="/planer/7/")
    client.force_login(anna)

    response = client.get(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 200
    assert read_state(opened) == [False]
    page = parse_html(response.content.decode())
    (form,) = elements(page, "form", method="post", action=reverse("notifications:open", args=[opened.pk]))
    (button,) = elements(form, "button", type="submit")
    assert button.children == ["Markera som läst och öppna"]
    assert elements(page, "a", href="/planer/7/") == []  # opening the page itself is the button's job


@pytest.mark.parametrize(
    ("url", "read", "label"),
    [
        ("/planer/7/", True, "Gå till sidan"),
        ("", False, "Markera som läst"),
        ("https://example.com/planer/7/", False, "Markera som läst"),
    ],
)
def test_notification_open_get_button_says_what_it_does(client, anna, url, read, label):
    opened = notice(anna, "a1", url=url)
    if read:
        mark_read(anna, [opened.pk])
    client.force_login(anna)

    response = client.get(reverse("notifications:open", args=[opened.pk]))

    (form,) = elements(
        parse_html(response.content.decode()), "form", action=reverse("notifications:open", args=[opened.pk])
    )
    (button,) = elements(form, "button", type="submit")
    assert button.children == [label]
    assert read_state(opened) == [read]


def test_notification_open_get_already_read_without_link_has_no_button(client, anna):
    opened = notice(anna, "a1", url="")
    mark_read(anna, [opened.pk])
    client.force_login(anna)

    response = client.get(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 200
    assert (
        elements(parse_html(response.content.decode()), "form", action=reverse("notifications:open", args=[opened.pk]))
        == []
    )


def test_notification_open_post_marks_read_and_redirects_to_its_url(client, anna):
    opened = notice(anna, "a1", url="/planer/7/")
    other = notice(anna, "a2")
    client.force_login(anna)

    response = client.post(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/planer/7/"
    assert read_state(opened, other) == [True, False]


def test_notification_open_post_without_csrf_token_refused_and_unchanged(anna):
    opened = notice(anna, "a1")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(anna)

    response = browser.post(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 403
    assert read_state(opened) == [False]


def test_notification_open_post_with_the_pages_csrf_token_marks_read(anna):
    opened = notice(anna, "a1", url="/planer/7/")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(anna)
    token = csrf_token(browser.get(reverse("notifications:list")).content.decode())

    response = browser.post(reverse("notifications:open", args=[opened.pk]), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == "/planer/7/"
    assert read_state(opened) == [True]


@pytest.mark.parametrize("url", ["", "https://example.com/planer/7/", "//example.com/"])
def test_notification_open_without_safe_url_goes_to_the_list(client, anna, url):
    opened = notice(anna, "a1", url=url)
    client.force_login(anna)

    response = client.post(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:list")
    assert read_state(opened) == [True]


def test_notification_open_already_read_keeps_first_read_time(client, anna):
    opened = notice(anna, "a1")
    mark_read(anna, [opened.pk])
    first_read = Notification.objects.get(pk=opened.pk).read_at
    client.force_login(anna)

    response = client.post(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 302
    assert Notification.objects.get(pk=opened.pk).read_at == first_read


@pytest.mark.parametrize("method", ["get", "post"])
def test_notification_open_another_persons_404_and_unchanged(client, anna, bertil, method):
    theirs = notice(bertil, "b1")
    client.force_login(anna)

    response = getattr(client, method)(reverse("notifications:open", args=[theirs.pk]))

    assert response.status_code == 404
    assert read_state(theirs) == [False]


@pytest.mark.parametrize("method", ["get", "post"])
def test_notification_open_anonymous_to_login_and_unchanged(client, anna, method):
    opened = notice(anna, "a1")

    response = getattr(client, method)(reverse("notifications:open", args=[opened.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?")
    assert read_state(opened) == [False]


def test_notification_email_links_straight_to_the_target_not_to_the_notice(anna, settings):
    settings.SITE_URL = "https://kob.example.se"
    opened = notice(anna, "a1", url="/planer/7/")

    message = message_for(opened)

    assert message.body.splitlines()[-1] == "https://kob.example.se/planer/7/"


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
