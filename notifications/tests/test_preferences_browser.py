"""Choosing how notices reach me, in a real browser (issue 17): from the notifications page to
the choices, one kind to the daily digest, saved; axe at desktop and phone size."""

import pytest
from playwright.sync_api import expect

from kob_social.testing.browser import assert_accessible
from notifications.enums import NoticeDelivery
from notifications.models import NotificationPreference
from plans.tests.test_browser_flows import sign_in, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chef_takes_roster_gaps_in_the_daily_digest(live_server, page, org):
    sign_in(page, live_server, "chef")
    page.goto(url(live_server, "notifications:list"))
    page.get_by_role("link", name="Välj hur notiser når dig").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hur notiser når mig")
    expect(page.locator("main")).to_contain_text("Till chefen: en kanals skärmdumpar är försenade")
    assert_accessible(page)

    page.get_by_label("Till chefen: en vecka utan tillsyn närmar sig").select_option(
        label="I ett sammanfattande e-brev per dag"
    )
    page.get_by_role("button", name="Spara valen").click()

    expect(page.locator("main")).to_contain_text("Dina val är sparade.")
    assert_accessible(page)
    assert NotificationPreference.objects.get(user=org.chef).delivery == NoticeDelivery.DIGEST
