"""Sign-in with the Region's identity provider (issue 17), in Chromium against a real OpenID
provider (`oidc-provider` for Node, kob_social/testing/oidc.py), never a mock of our own code:
the person is made from the claims and given the roles and unit their groups map to; a group taken
away takes the role away at the next sign-in; a tampered state, an expired ID token, one signed
with another key and a provider that is down are refused with a page that says so."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.models import GroupMapping, User
from kob_social.testing.browser import assert_accessible
from plans.tests.test_browser_flows import url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def mapped(org):
    GroupMapping.objects.create(group="KoB-Bibliotek", role=Role.MEDARBETARE, unit=org.library)
    GroupMapping.objects.create(group="KoB-Chefer", role=Role.CHEF)


def sign_in_at_the_provider(page, live_server, login="maja"):
    page.goto(url(live_server, "login"))
    page.get_by_role("link", name="Logga in med ditt konto i Region Uppsala").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("vadsomhelst")
    page.get_by_role("button", name="Sign-in").click()


def roles(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_sign_in_through_the_provider_maps_groups_and_a_removed_group_removes_the_role(
    live_server, page, org, mapped, oidc_provider
):
    oidc_provider.set_groups("maja", ["KoB-Bibliotek", "KoB-Chefer", "Okänd-grupp"])
    page.goto(url(live_server, "login"))
    expect(page.get_by_role("link", name="Logga in med ditt konto i Region Uppsala")).to_be_visible()
    assert_accessible(page)

    sign_in_at_the_provider(page, live_server)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("h1")).to_contain_text("Välkommen, Maja")
    assert_accessible(page)
    person = User.objects.get(oidc_subject="maja")
    assert (person.full_name, person.email, person.unit) == ("Maja Lindqvist", "maja.lindqvist@example.se", org.library)
    assert roles(person) == {Role.MEDARBETARE.value, Role.CHEF.value}
    assert not person.has_usable_password()

    # Signing out ends the provider's session too (its end-session page), then back to ours.
    page.locator(".user-menu form button[type=submit]").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page).to_have_url(url(live_server, "login"))

    oidc_provider.set_groups("maja", ["KoB-Bibliotek"])
    sign_in_at_the_provider(page, live_server)

    expect(page.locator("h1")).to_contain_text("Välkommen, Maja")
    assert roles(User.objects.get(pk=person.pk)) == {Role.MEDARBETARE.value}
    assert User.objects.filter(oidc_subject="maja").count() == 1


def test_a_local_account_with_the_address_is_taken_over_at_the_first_sign_in(
    live_server, page, org, mapped, oidc_provider
):
    org.medarbetare.email = "maja.lindqvist@example.se"
    org.medarbetare.save()
    oidc_provider.set_groups("maja", ["KoB-Bibliotek"])

    sign_in_at_the_provider(page, live_server)

    expect(page.locator("h1")).to_contain_text("Välkommen, Maja")
    assert User.objects.get(oidc_subject="maja").pk == org.medarbetare.pk


def test_an_address_held_by_another_identity_is_never_merged(live_server, page, org, mapped, oidc_provider):
    User.objects.filter(pk=org.medarbetare.pk).update(email="maja.lindqvist@example.se", oidc_subject="annan")

    sign_in_at_the_provider(page, live_server)

    expect(page.locator("h1")).to_have_text("Inloggningen lyckades inte")
    assert not User.objects.filter(oidc_subject="maja").exists()


def test_a_tampered_state_is_refused_with_a_page(live_server, page, org, oidc_provider):
    page.goto(f"{live_server.url}/konto/region/tillbaka/?code=abc&state=forfalskad")

    expect(page.locator("h1")).to_have_text("Inloggningen lyckades inte")
    assert_accessible(page)
    assert not User.objects.filter(oidc_subject__isnull=False).exists()


def test_an_expired_id_token_is_refused(live_server, page, org, mapped, oidc_provider, time_machine):
    oidc_provider.set_groups("maja", ["KoB-Bibliotek"])
    # The provider's ID token lives an hour by its clock; the app's clock is two hours ahead.
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=2), tick=True)

    sign_in_at_the_provider(page, live_server)

    expect(page.locator("h1")).to_have_text("Inloggningen lyckades inte")
    assert not User.objects.filter(oidc_subject="maja").exists()


def test_an_id_token_signed_with_another_key_is_refused(live_server, page, org, mapped, oidc_provider):
    # The app is told the provider's keys are another provider's (a key it does not trust).
    from kob_social.testing.oidc import OidcProvider

    other = OidcProvider(f"{live_server.url}/konto/region/tillbaka/", {}).start()
    try:
        import requests

        found = requests.get(f"{oidc_provider.issuer}/.well-known/openid-configuration", timeout=10).json()
        cache.set(f"oidc-metadata:{oidc_provider.issuer}", {**found, "jwks_uri": f"{other.issuer}/jwks"}, 600)

        sign_in_at_the_provider(page, live_server)

        expect(page.locator("h1")).to_have_text("Inloggningen lyckades inte")
        assert not User.objects.filter(oidc_subject="maja").exists()
    finally:
        other.stop()


def test_a_provider_that_is_down_gives_a_page_not_an_error(live_server, page, org, oidc_provider):
    oidc_provider.stop()
    cache.clear()

    page.goto(url(live_server, "login"))
    page.get_by_role("link", name="Logga in med ditt konto i Region Uppsala").click()

    expect(page.locator("h1")).to_have_text("Inloggningen lyckades inte")
    expect(page.locator("main")).to_contain_text("svarar inte just nu")
    assert_accessible(page)
