"""A session lasts while the person's access stays as it was, and at most SESSION_ABSOLUTE_SECONDS.

Deactivation, a change of unit, of roles or of the admin flags raises `User.session_epoch`,
which is part of the session's authentication hash: every earlier session of that person ends
at its very next request (Django's `get_user` flushes it). A new password ends every other
session in the same way; the one in which the person changed it stays.
"""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.enums import Role
from accounts.models import User
from accounts.signals import SIGNED_IN_AT
from notifications.domain import notify
from notifications.models import Notification
from plans.tests.factories import complete_plan

from .factories import PASSWORD, make_user

HOME = reverse("home")


def signed_in(client) -> bool:
    """True when the client's next request reaches the start page; False when it is sent to login."""
    response = client.get(HOME)
    if response.status_code == 302:
        assert response["Location"] == reverse("login") + "?" + urlencode({"next": HOME}, safe="/")
        return False
    assert response.status_code == 200
    return True


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def role(name: Role) -> Group:
    return Group.objects.get_or_create(name=name.value)[0]


def epoch(user) -> int:
    return User.objects.get(pk=user.pk).session_epoch


# --- Deactivation ---------------------------------------------------------------------------------


@pytest.mark.parametrize("update_fields", [None, ["is_active"]])
def test_session_ends_when_deactivated_and_stays_ended_after_reactivation(client, org, update_fields):
    person = org.medarbetare
    client.force_login(person)
    assert signed_in(client)

    person.is_active = False
    person.save(update_fields=update_fields)
    while_inactive = signed_in(client)
    person.is_active = True
    person.save(update_fields=update_fields)

    assert (while_inactive, signed_in(client)) == (False, False)
    assert dict(client.session) == {}  # flushed, not merely refused


# --- Roles ----------------------------------------------------------------------------------------

ROLE_CHANGES = {
    "user.groups.remove": lambda user, group: user.groups.remove(group),
    "group.user_set.remove": lambda user, group: group.user_set.remove(user),
    "user.groups.clear": lambda user, group: user.groups.clear(),
    "group.user_set.clear": lambda user, group: group.user_set.clear(),
    "user.groups.set": lambda user, group: user.groups.set([]),
    "group.delete": lambda user, group: group.delete(),
}


@pytest.mark.parametrize("change", list(ROLE_CHANGES))
def test_session_ends_when_role_removed_and_access_is_gone(client, org, change):
    plan = complete_plan(org.medarbetare)  # Länsbiblioteket: the kommunikationsansvarig reads it by role
    client.force_login(org.kommunikator)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200

    ROLE_CHANGES[change](org.kommunikator, role(Role.KOMMUNIKATIONSANSVARIG))
    response = client.get(reverse("plans:detail", args=[plan.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?")
    person = User.objects.get(pk=org.kommunikator.pk)  # `group.…` changes cannot reach our copy
    assert not person.is_kommunikationsansvarig
    client.force_login(person)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404


@pytest.mark.parametrize("adder", ["user.groups.add", "group.user_set.add"])
def test_session_ends_when_role_added(client, org, adder):
    client.force_login(org.medarbetare)
    group = role(Role.CHEF)

    if adder == "user.groups.add":
        org.medarbetare.groups.add(group)
    else:
        group.user_set.add(org.medarbetare)

    assert not signed_in(client)


def test_session_survives_adding_a_role_already_held(client, org):
    client.force_login(org.medarbetare)

    org.medarbetare.groups.add(role(Role.MEDARBETARE))

    assert signed_in(client)


def test_session_ends_when_admin_removes_role_in_the_user_form(client, org):
    person = org.kommunikator
    person_client = signed_in_client(person)
    client.force_login(org.admin)
    joined = timezone.localtime(person.date_joined)
    form = {
        "username": person.username,
        "full_name": person.full_name,
        "email": person.email,
        "title": person.title,
        "unit": person.unit_id,
        "is_active": "on",
        "groups": [role(Role.MEDARBETARE).pk],
        "date_joined_0": joined.date().isoformat(),
        "date_joined_1": joined.time().isoformat(timespec="seconds"),
        "last_login_0": "",
        "last_login_1": "",
        "_save": "Spara",
    }

    response = client.post(reverse("admin:accounts_user_change", args=[person.pk]), form)

    assert response.status_code == 302
    assert set(User.objects.get(pk=person.pk).role_names) == {Role.MEDARBETARE.value}
    assert not signed_in(person_client)
    assert signed_in(client)


# --- Unit and admin flags -------------------------------------------------------------------------


def test_session_ends_when_moved_to_another_unit(client, org):
    plan = complete_plan(org.medarbetare)
    colleague = make_user(Role.MEDARBETARE, unit=org.library)
    client.force_login(colleague)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 200

    colleague.unit = org.music
    colleague.save()
    response = client.get(reverse("plans:detail", args=[plan.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?")
    client.force_login(colleague)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404


@pytest.mark.parametrize("flag", ["is_superuser", "is_staff"])
def test_session_ends_when_admin_flag_taken_away(client, org, flag):
    client.force_login(org.admin)

    setattr(org.admin, flag, False)
    org.admin.save()

    assert not signed_in(client)


# --- What does not end a session ------------------------------------------------------------------


def test_session_survives_a_change_that_leaves_access_alone(client, org):
    client.force_login(org.medarbetare)
    before = epoch(org.medarbetare)

    org.medarbetare.title = "Bibliotekarie"
    org.medarbetare.save()
    org.medarbetare.unit = org.library  # the same unit again
    org.medarbetare.save(update_fields=["unit"])

    assert signed_in(client)
    assert epoch(org.medarbetare) == before


def test_session_survives_a_sign_in_elsewhere(client, org):
    client.force_login(org.medarbetare)

    other = Client()
    response = other.post(reverse("login"), {"username": "medarbetare", "password": PASSWORD})

    assert response.status_code == 302
    assert (signed_in(client), signed_in(other)) == (True, True)


def test_session_survives_a_new_secret_key_with_the_old_one_as_fallback(client, org, settings):
    client.force_login(org.medarbetare)

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50

    assert signed_in(client)


def test_session_ends_when_the_secret_key_changes_without_fallback(client, org, settings):
    client.force_login(org.medarbetare)

    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 50

    assert not signed_in(client)


# --- Concurrency: the number only ever goes up ----------------------------------------------------


def test_stale_copy_saved_later_does_not_revive_the_session(client, org):
    stale = User.objects.get(pk=org.kommunikator.pk)  # e.g. an admin form opened before the change
    client.force_login(org.kommunikator)
    org.kommunikator.groups.remove(role(Role.KOMMUNIKATIONSANSVARIG))
    raised = epoch(org.kommunikator)

    stale.title = "Kommunikatör"
    stale.save()

    assert not signed_in(client)
    assert epoch(org.kommunikator) == raised
    assert User.objects.get(pk=org.kommunikator.pk).title == "Kommunikatör"


def test_two_role_changes_from_separate_copies_both_count(org):
    first, second = User.objects.get(pk=org.chef.pk), User.objects.get(pk=org.chef.pk)
    before = epoch(org.chef)

    first.groups.remove(role(Role.CHEF))
    second.groups.add(role(Role.MEDARBETARE))

    assert epoch(org.chef) == before + 2


# --- Password -------------------------------------------------------------------------------------


def test_password_change_ends_other_sessions_and_keeps_its_own(org):
    here, elsewhere = signed_in_client(org.medarbetare), signed_in_client(org.medarbetare)
    new = "ett helt nytt långt lösenord"

    response = here.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert (signed_in(here), signed_in(elsewhere)) == (True, False)


def test_password_set_by_someone_else_ends_every_session(org):
    here = signed_in_client(org.medarbetare)

    org.medarbetare.set_password("ett annat långt lösenord")
    org.medarbetare.save()

    assert not signed_in(here)


# --- Absolute lifetime ----------------------------------------------------------------------------


def test_session_ends_after_twelve_hours_even_when_active(client, org):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(org.medarbetare)
    statuses = []
    for minutes in range(20, 12 * 60, 20):  # never idle for 30 minutes
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            statuses.append(client.get(HOME).status_code)

    with time_machine.travel(start + timedelta(hours=12, seconds=1), tick=False):
        response = client.get(HOME, follow=True)

    assert set(statuses) == {200}
    assert response.redirect_chain == [(reverse("login") + "?" + urlencode({"next": HOME}, safe="/"), 302)]
    assert "Du har varit inloggad i 12 timmar. Logga in igen." in response.text
    assert "_auth_user_id" not in client.session


def test_session_absolute_lifetime_follows_the_setting(client, org, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(org.medarbetare)
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        early = signed_in(client)
    with time_machine.travel(start + timedelta(minutes=50), tick=False):
        later = signed_in(client)
    with time_machine.travel(start + timedelta(minutes=61), tick=False):
        past = signed_in(client)

    assert (early, later, past) == (True, True, False)


def test_session_past_lifetime_cannot_post_and_is_sent_to_plain_login(client, org):
    notice = notify(recipient=org.medarbetare, kind="test", key="k", subject="Ämne", body="Text", url="/")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(org.medarbetare)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            client.get(HOME)

    with time_machine.travel(start + timedelta(hours=12, minutes=5), tick=False):
        response = client.post(reverse("notifications:mark_read"))

    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert Notification.objects.get(pk=notice.pk).read_at is None


def test_session_without_a_sign_in_time_ends(client, org):
    client.force_login(org.medarbetare)
    session = client.session
    session.pop(SIGNED_IN_AT)  # as in a session from before the limit existed
    session.save()

    assert not signed_in(client)


def test_sign_in_time_is_kept_through_a_password_change(client, org):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(org.medarbetare)
    new = "ett helt nytt långt lösenord"
    with time_machine.travel(start + timedelta(minutes=20), tick=False):
        client.post(reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new})
    for minutes in range(40, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            client.get(HOME)

    with time_machine.travel(start + timedelta(hours=12, seconds=1), tick=False):
        assert not signed_in(client)
