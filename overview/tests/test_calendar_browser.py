"""The calendar page in a real browser (issue 17): a person makes their calendar address, copies
it from the page (shown once), and the address serves their feed; axe at desktop and phone size."""

import re

import pytest
from playwright.sync_api import expect

from kob_social.testing.browser import assert_accessible
from plans.tests.test_browser_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_person_makes_a_calendar_address_and_it_serves_the_feed(live_server, page, org):
    sign_in(page, live_server, "medarbetare")
    page.get_by_role("link", name="Min kalender").click()
    expect(page.locator("main")).to_contain_text("Du har ingen kalenderadress.")
    assert_accessible(page)

    page.get_by_role("button", name="Skapa en kalenderadress").click()

    address = page.get_by_role("textbox", name="Kalenderadress")
    expect(address).to_have_value(re.compile(re.escape(f"{live_server.url}/oversikt/kalender/") + r"[\w-]{43}\.ics"))
    assert_accessible(page)
    feed = page.request.get(address.input_value())
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")

    page.reload()
    expect(page.get_by_role("textbox", name="Kalenderadress")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Du har en kalenderadress")
