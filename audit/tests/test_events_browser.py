"""Beslutshistorik in a real browser: the administrator opens it from the menu, filters to one
person's refused attempts, sees exactly those rows and downloads them as CSV. The filtered page
is scanned with axe at desktop and phone size.

Elements are found by stable attributes (ids, values, hrefs, `data-event`), not by visible text,
so the test does not depend on how far the Swedish catalogue has come."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from audit.domain import record
from audit.enums import Kind
from kob_social.testing.browser import DESKTOP, PHONE, assert_accessible
from plans.tests.test_browser_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_administrator_filters_to_one_persons_refused_attempts_and_exports_them(live_server, page, org, size):
    refused = [
        record(
            "access.refused",
            actor=org.medarbetare,
            object_type="plans:detail",
            object_id="7",
            plan=7,
            reason="404 GET /planer/7/",
            address="192.0.2.11",
        ),
        record(
            "access.refused",
            actor=org.medarbetare,
            object_type="plans:edit",
            object_id="9",
            plan=9,
            reason="403 GET /planer/9/andra/",
            address="192.0.2.11",
        ),
    ]
    # Not hers, or not refusals: not in the filtered view.
    record("access.refused", actor=org.chef, reason="403 GET /granskning/", address="192.0.2.12")
    record("object.changed", actor=org.medarbetare, object_type="plans.plan", object_id="7", plan=7)
    page.set_viewport_size(size)

    sign_in(page, live_server, "admin")
    if size == PHONE:
        # On a phone the menu is folded behind its button.
        page.locator("button.menu-button[aria-controls='site-menu']").click()
    page.locator(f".site-nav a[href='{reverse('audit:events')}']").click()
    expect(page).to_have_url(f"{live_server.url}{reverse('audit:events')}")

    page.locator("#id_kind").select_option(Kind.REFUSAL.value)
    page.locator("#id_person").fill("medarbetare")
    page.locator("form.filters button[type=submit]").click()

    rows = page.locator("table.events-table tbody tr")
    expect(rows).to_have_count(2)
    assert [int(pk) for pk in rows.evaluate_all("rows => rows.map(row => row.dataset.event)")] == [
        refused[1].pk,
        refused[0].pk,
    ]
    expect(rows.first).to_contain_text("Maja Lindqvist")
    expect(rows.first).to_contain_text("192.0.2.11")
    assert_accessible(page)

    with page.expect_download() as download:
        page.locator(f"a[href^='{reverse('audit:export')}?']").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    exported = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [(int(row[0]), row[3], row[14]) for row in exported[1:]] == [
        (refused[1].pk, "medarbetare", "403 GET /planer/9/andra/"),
        (refused[0].pk, "medarbetare", "404 GET /planer/7/"),
    ]
