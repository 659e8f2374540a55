"""Signing in through a real browser, with an accessibility scan of every page on the way."""

import pytest
from playwright.sync_api import expect

from accounts.enums import Role
from kob_social.testing.browser import assert_accessible

from .factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_member_signs_in_and_sees_the_swedish_start_page(live_server, page):
    make_user(Role.MEDARBETARE, username="medarbetare", full_name="Maja Lindqvist")

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/konto/logga-in/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    assert_accessible(page)
    page.get_by_label("Användarnamn").fill("medarbetare")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Maja")
    assert_accessible(page)


def test_wrong_password_shows_a_swedish_error(live_server, page):
    make_user(Role.MEDARBETARE, username="medarbetare")

    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill("medarbetare")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()

    expect(page.get_by_role("alert")).to_contain_text("Ange ett korrekt användarnamn och lösenord")
    assert_accessible(page)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/")


def test_skip_link_is_the_first_keyboard_stop_and_jumps_to_the_content(live_server, page):
    make_user(Role.MEDARBETARE, username="medarbetare")
    sign_in(page, live_server, "medarbetare")

    page.keyboard.press("Tab")
    skip_link_focused = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")

    assert skip_link_focused == "Hoppa till innehållet"
    expect(page.locator("main")).to_be_focused()


def test_start_page_fits_a_phone_without_horizontal_scrolling(live_server, page):
    make_user(Role.MEDARBETARE, username="medarbetare")
    page.set_viewport_size({"width": 360, "height": 740})
    sign_in(page, live_server, "medarbetare")

    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

    assert overflow == 0
