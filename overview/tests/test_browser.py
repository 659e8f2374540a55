"""The overview in a real browser: the communications officer starts on it, filters to one unit and
to problems only, opens a red channel and reads the same reason on the channel's page; a chef sees
only their unit. Every page is scanned with axe at desktop and phone size."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from channel_register.enums import Platform
from kob_social.testing.browser import DESKTOP, PHONE, assert_accessible
from plans.tests.test_browser_flows import sign_in, url

from .test_views import TODAY, channel_with, kept

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def clock(time_machine):
    # The live server's thread reads the same clock: the standings were judged on TODAY.
    time_machine.move_to(datetime.datetime(2027, 3, 15, 12, tzinfo=datetime.UTC), tick=True)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_officer_finds_a_red_channel_and_the_chef_sees_only_their_unit(live_server, page, org, size):
    channel_with(org.library, "Biblioteket på Facebook", owner=org.medarbetare)
    late = channel_with(
        org.library, "Biblioteket på Instagram", kept(inventory_due_on=TODAY - datetime.timedelta(days=14))
    )
    channel_with(org.music, "Musik i Uppland på YouTube", kept(screenshot_taken=False), platform=Platform.YOUTUBE)
    page.set_viewport_size(size)

    # The officer's start page is the overview: every channel, the worst first.
    sign_in(page, live_server, "kommunikator")
    expect(page.locator("h1")).to_have_text("Översikt över kanalerna")
    rows = page.locator("table.overview-table tbody tr")
    expect(rows).to_have_count(3)
    assert_accessible(page)

    # One unit, problems only.
    page.locator("#id_unit").select_option(label="Länsbiblioteket")
    page.locator("#id_problems").check()
    page.locator("form.filters button[type=submit]").click()
    expect(rows).to_have_count(1)
    inventory_link = rows.first.locator(f"a[href='{reverse('channel_register:inventory', args=[late.pk])}']")
    reason = inventory_link.inner_text()
    assert reason == "Försenad sedan den 1 mars 2027."
    expect(rows.first.locator(".status--red")).to_have_text(["Problem"])
    assert_accessible(page)

    # The channel's page says the same.
    rows.first.locator(f"a[href='{reverse('channel_register:detail', args=[late.pk])}']").click()
    attention = page.locator("section[aria-labelledby='attention-heading']")
    expect(attention).to_contain_text(reason)
    assert_accessible(page)

    # A chef sees only the unit they lead.
    page.context.clear_cookies()
    sign_in(page, live_server, "chef2")
    page.goto(url(live_server, "overview:index"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Musik i Uppland på YouTube")
    assert_accessible(page)
