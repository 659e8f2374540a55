"""A citizen checks accounts in a real browser (issue 20): from the public register to the lookup,
an official, a closed and an unknown address, at desktop and at phone size, by keyboard, with axe
at both sizes on every answer; and the same without JavaScript."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from channel_register.enums import Platform
from kob_social.testing.browser import DESKTOP, PHONE, assert_accessible

from .channel_factories import active_channel
from .channel_life import channel_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OFFICIAL = "https://www.instagram.com/kulturochbildning"
CLOSED = "https://www.facebook.com/gamlakonsthallen"


@pytest.fixture
def register(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    official = active_channel(org, channel_name="KoB på Instagram", platform=Platform.INSTAGRAM, channel_url=OFFICIAL)
    closed = channel_in(
        org, "avslutad", channel_name="Gamla konsthallen", platform=Platform.FACEBOOK, channel_url=CLOSED
    )
    return {"official": official, "closed": closed}


def check(page, typed: str) -> None:
    """Type into the lookup's field and send it with Enter, as a keyboard user does."""
    field = page.locator("#lookup-address")
    field.fill(typed)
    field.press("Enter")
    page.wait_for_load_state()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_citizen_checks_an_official_a_closed_and_an_unknown_account(live_server, page, register, size):
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}{reverse('public_register')}")
    assert_accessible(page)
    # The closed channel is listed, as text, never as a link.
    closed_row = page.locator(f"#kanal-{register['closed'].pk}")
    expect(closed_row).to_contain_text("Gamla konsthallen")
    expect(closed_row.locator("a")).to_have_count(0)

    check(page, "instagram.com/KulturOchBildning/?igsh=abc")
    expect(page).to_have_url(
        f"{live_server.url}{reverse('public_lookup')}?adress=instagram.com%2FKulturOchBildning%2F%3Figsh%3Dabc"
    )
    answer = page.locator(".lookup-answer")
    expect(answer.locator("h2")).to_have_text("Officiell kanal")
    expect(answer).to_contain_text("KoB på Instagram")
    expect(answer.locator(f"a[href='{OFFICIAL}']")).to_be_visible()
    assert_accessible(page)
    answer.locator(f"a[href='/kanaler/#kanal-{register['official'].pk}']").click()
    expect(page.locator(f"#kanal-{register['official'].pk}")).to_be_in_viewport()
    page.go_back()

    check(page, "https://m.facebook.com/gamlakonsthallen")
    expect(answer.locator("h2")).to_have_text("Inte längre en officiell kanal")
    expect(answer).to_contain_text("avslutades den")
    expect(answer.locator(f"a[href='{CLOSED}']")).to_have_count(0)
    assert_accessible(page)

    check(page, "@kultur_och_bildning_officiell")
    expect(answer.locator("h2")).to_have_text("Finns inte i registret")
    expect(answer.locator("a[href^='mailto:']")).to_be_visible()
    assert_accessible(page)

    check(page, "Kultur och bildning")
    expect(page.locator("#lookup-address")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#lookup-address-error")).to_contain_text("varken en adress eller ett användarnamn")
    assert_accessible(page)


def test_the_lookup_works_without_javascript_on_a_phone(live_server, browser, register):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="sv-SE")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}{reverse('public_register')}")
        check(page, OFFICIAL)
        expect(page.locator(".lookup-answer h2")).to_have_text("Officiell kanal")
        check(page, CLOSED)
        expect(page.locator(".lookup-answer h2")).to_have_text("Inte längre en officiell kanal")
        check(page, "https://www.tiktok.com/@nagon_annan")
        expect(page.locator(".lookup-answer h2")).to_have_text("Finns inte i registret")
    finally:
        context.close()
