"""A plan's whole story in a real browser: the administrator downloads nothing herself, yet
finds who downloaded the signed PDF, every decision and every change, moves on to the
channel's story and back, and every page passes axe at desktop and phone size."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from kob_social.testing.browser import PHONE, assert_accessible
from plans.domain.drafts import revise, save_draft

from .archive_factories import approve, store_pdf
from .factories import GOAL, complete_plan
from .test_browser_flows import sign_in, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_finds_a_plans_whole_story(live_server, page, org, client):
    first = approve(complete_plan(org.medarbetare), org)
    store_pdf(first)
    client.force_login(org.chef)
    assert client.get(reverse("plans:pdf", args=[first.pk])).status_code == 200
    second = revise(first.pk, actor=org.medarbetare)
    save_draft(
        second.pk,
        actor=org.medarbetare,
        expected_revision=second.revision,
        content={"purpose": "Ny inriktning: poddar."},
        goals=[{**GOAL, "id": second.goals.get().pk}],
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "admin")

    page.goto(url(live_server, "plans:story", second.pk))

    versions = page.locator("section[aria-labelledby='versions-heading'] tbody tr")
    expect(versions).to_have_count(2)
    expect(page.locator("section[aria-labelledby='decisions-heading'] tbody tr")).to_have_count(3)
    expect(page.locator("section[aria-labelledby='changes-heading']")).to_contain_text("→ Ny inriktning: poddar.")
    assert_accessible(page)

    # The first version's story holds the download of its signed PDF, by whom and from where.
    versions.first.locator(f"a[href='{reverse('plans:story', args=[first.pk])}']").click()
    expect(page).to_have_url(url(live_server, "plans:story", first.pk))
    # (The events are the whole series', newest first: the download is among those of version 1.)
    download = page.locator("section[aria-labelledby='events-heading'] tbody tr").filter(has_text=".pdf")
    expect(download).to_have_count(1)
    expect(download).to_contain_text("Karin Sjöström")
    expect(download).to_contain_text("127.0.0.1")
    assert_accessible(page)

    page.locator(f"a[href='{reverse('channel_register:story', args=[first.channel_id])}']").click()
    expect(page.locator("section[aria-labelledby='story-plans-heading'] a")).to_have_count(2)
    assert_accessible(page)
