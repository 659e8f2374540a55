from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role

from .factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_page_is_swedish_by_default(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert '<html lang="sv">' in response.text
    assert "Logga in" in response.text


def test_login_page_in_english_after_language_switch(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("login"))

    assert '<html lang="en">' in response.text
    assert "Sign in" in response.text


def test_login_with_right_password_reaches_the_start_page(client):
    make_user(Role.MEDARBETARE, username="maja")

    response = login(client, "maja", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_start_page_requires_login(client):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_axes_locks_after_five_failures_for_that_username_and_address(client):
    make_user(Role.MEDARBETARE, username="maja")

    statuses = [login(client, "maja", "wrong").status_code for _ in range(5)]
    locked = login(client, "maja", PASSWORD)
    other_address = login(client, "maja", PASSWORD, ip="10.0.0.2")

    assert statuses == [200, 200, 200, 200, 429]
    assert locked.status_code == 429
    assert "För många misslyckade inloggningsförsök" in locked.text
    assert other_address.status_code == 302


def test_axes_unlocks_after_the_cool_off(client):
    make_user(Role.MEDARBETARE, username="maja")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, "maja", "wrong")
        assert login(client, "maja", PASSWORD).status_code == 429

    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        still_locked = login(client, "maja", PASSWORD).status_code
    with time_machine.travel(start + timedelta(minutes=15, seconds=1), tick=False):
        unlocked = login(client, "maja", PASSWORD).status_code

    assert (still_locked, unlocked) == (429, 302)
    assert AccessAttempt.objects.filter(username="maja").count() == 0


def test_session_expires_after_thirty_idle_minutes(client):
    user = make_user(Role.MEDARBETARE)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        active = client.get(reverse("home")).status_code
    with time_machine.travel(start + timedelta(minutes=58), tick=False):
        kept_alive = client.get(reverse("home")).status_code
    with time_machine.travel(start + timedelta(minutes=89), tick=False):
        expired = client.get(reverse("home")).status_code

    assert (active, kept_alive, expired) == (200, 200, 302)


def test_logout_is_a_post_and_ends_the_session(client):
    client.force_login(make_user(Role.MEDARBETARE))

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_a_swedish_email_with_a_link(client):
    make_user(Role.MEDARBETARE, username="maja", email="maja@example.se")

    response = client.post(reverse("password_reset"), {"email": "maja@example.se"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Nytt lösenord till KoB Social"
    assert "/konto/losenord/aterstall/" in mail.outbox[0].body


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.se"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_password_change_requires_the_old_password(client):
    user = make_user(Role.MEDARBETARE)
    client.force_login(user)
    new = "ett helt nytt långt lösenord"

    refused = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": new, "new_password2": new}
    )
    accepted = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    user.refresh_from_db()
    assert (refused.status_code, accepted.status_code) == (200, 302)
    assert user.check_password(new)


def test_an_english_browser_still_gets_swedish_until_english_is_chosen(client):
    swedish = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="sv-SE")

    assert '<html lang="sv">' in swedish.text
    assert '<html lang="en">' in english.text


def session_writes(client, at) -> int:
    """The UPDATEs of the session table made by one request at `at`."""
    with time_machine.travel(at, tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    return sum(1 for query in queries if query["sql"].startswith("UPDATE") and "django_session" in query["sql"])


def test_session_saved_at_most_once_a_minute(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(make_user(Role.MEDARBETARE))

    writes = [session_writes(client, start + timedelta(seconds=seconds)) for seconds in (1, 30, 59, 60, 61, 100, 121)]

    # Signed in at 0 (a save): nothing until a minute has passed; at 60 a save, then at 121.
    assert writes == [0, 0, 0, 1, 0, 0, 1]


def test_session_ends_thirty_minutes_after_its_last_save_at_the_latest(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(make_user(Role.MEDARBETARE))
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        unsaved = client.get(reverse("home")).status_code  # within the minute: not saved

    with time_machine.travel(start + timedelta(minutes=29, seconds=59), tick=False):
        still_on = client.get(reverse("home")).status_code  # saved: 30 more minutes from here
    with time_machine.travel(start + timedelta(minutes=60), tick=False):
        ended = client.get(reverse("home")).status_code

    assert (unsaved, still_on, ended) == (200, 200, 302)


def test_session_not_saved_within_the_minute_still_ends_after_thirty_idle_minutes(client):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(make_user(Role.MEDARBETARE))
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        client.get(reverse("home"))  # the last request: within the minute, so not saved

    with time_machine.travel(start + timedelta(minutes=30, seconds=59), tick=False):
        after_thirty_idle_minutes = client.get(reverse("home")).status_code

    assert after_thirty_idle_minutes == 302
