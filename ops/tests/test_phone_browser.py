"""KoB Social on a phone (390×844): a compact header whose menu opens by keyboard and works
without JavaScript, and tables that scroll sideways in a wrapper keyboard users can reach."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from channel_register.tests.channel_factories import active_channel
from kob_social.testing.browser import PHONE, assert_accessible
from plans.tests.archive_factories import approved_plan

browser = pytest.mark.browser
live_db = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/")


def tab_until(page, locator, limit=60):
    """Press Tab until `locator` has the focus: it is reachable with the keyboard alone."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("(element) => element === document.activeElement"):
            return
    raise AssertionError(f"{locator} was not reached with Tab")


def test_every_table_wrapper_is_a_named_focusable_region():
    """A wrapper that scrolls sideways on a phone must be reachable by keyboard and named (axe
    scrollable-region-focusable); a template added later without it is caught here, on every
    page, not only those the browser tests visit. A group, not a region: most tables sit in a
    section named like their caption, and two landmarks with one name fail landmark-unique."""
    wrapper = re.compile(r'<div class="table-wrap"[^>]*>')
    named = re.compile(r'^<div class="table-wrap" tabindex="0" role="group" aria-labelledby="[\w-]+">$')
    templates = Path(settings.BASE_DIR, "templates")

    found = {
        f"{path.relative_to(templates)}: {tag}"
        for path in templates.rglob("*.html")
        for tag in wrapper.findall(path.read_text())
    }

    assert found
    assert {line for line in found if not named.match(line.split(": ", 1)[1])} == set()


@browser
@live_db
def test_header_is_compact_on_a_phone_and_its_menu_works_by_keyboard(live_server, page, org):
    sign_in(page, live_server, "medarbetare")
    header = page.locator("header.site-header")
    button = page.get_by_role("button", name="Meny")
    nav = page.get_by_role("navigation", name="Huvudmeny")
    first_link = nav.get_by_role("link").first
    # On a desktop the menu is laid out in the header as before, with no button.
    expect(nav).to_be_visible()
    expect(button).to_be_hidden()

    page.set_viewport_size(PHONE)
    height = header.bounding_box()["height"]
    tab_until(page, button)
    page.keyboard.press("Enter")
    opened = button.get_attribute("aria-expanded"), nav.is_visible()
    page.keyboard.press("Tab")
    first_link_focused = first_link.evaluate("(element) => element === document.activeElement")
    assert_accessible(page)  # with the menu open
    page.keyboard.press("Escape")
    closed = button.get_attribute("aria-expanded"), nav.is_visible()
    button_focused = button.evaluate("(element) => element === document.activeElement")
    page.keyboard.press("Space")

    assert height <= 120
    assert opened == ("true", True)
    assert first_link_focused
    assert closed == ("false", False)
    assert button_focused
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(page.locator(".user-menu")).to_be_visible()
    expect(page.locator(".language-switch")).to_be_visible()


@browser
@live_db
def test_phone_menu_is_open_without_javascript(live_server, browser, org):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, locale="sv-SE")
    page = context.new_page()

    sign_in(page, live_server, "medarbetare")

    expect(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link").first).to_be_visible()
    expect(page.locator(".menu-button")).to_be_hidden()
    context.close()


@browser
@live_db
@pytest.mark.parametrize(
    ("page_of", "wrapper", "name"),
    [
        (
            lambda org: reverse("plans:detail", args=[approved_plan(org).pk]),
            "section[aria-labelledby='decisions-heading'] .table-wrap",
            "Beslut",
        ),
        (
            lambda org: reverse("channel_register:detail", args=[active_channel(org).pk]),
            ".table-wrap:has(table.roster)",
            "Tillsyn de närmaste 12 veckorna",
        ),
    ],
    ids=["plan", "channel"],
)
def test_phone_table_wrapper_is_reached_by_tab_and_scrolled_by_arrow(live_server, page, org, page_of, wrapper, name):
    path = page_of(org)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "chef")
    page.goto(f"{live_server.url}{path}")
    table_wrap = page.locator(wrapper)

    scrolls = table_wrap.evaluate("(element) => element.scrollWidth > element.clientWidth")
    tab_until(page, table_wrap)
    page.keyboard.press("ArrowRight")

    assert scrolls
    # Chromium lets Tab reach a scroller by itself; other browsers (Safari) need the tabindex.
    expect(table_wrap).to_have_attribute("tabindex", "0")
    expect(table_wrap).to_have_role("group")
    expect(table_wrap).to_have_accessible_name(name)
    # Arrow keys scroll the focused region (smoothly, so wait for it to move).
    page.wait_for_function("(element) => element.scrollLeft > 0", arg=table_wrap.element_handle(), timeout=5000)
