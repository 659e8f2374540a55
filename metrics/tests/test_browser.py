"""Measuring a channel in a real browser: the owner opens the measuring page, imports a CSV
file, reads the preview, confirms, and sees the values on the page and in the goal's chart.
Every page visited is scanned with axe at desktop and phone size.

The worker's tasks are run by the test in its place (as plans' preview test does): the page
polls (htmx) and shows the outcome by itself once the check or the save is done."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kob_social.testing.browser import DESKTOP, PHONE, assert_accessible
from metrics.domain import imports
from metrics.domain.measurements import record_measurement
from metrics.models import Evaluation, ImportStatus, MeasurementImport
from plans.enums import Metric, PlanStatus
from plans.models import Plan
from plans.tests.test_browser_flows import sign_in, url

from .factories import measured_channel

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_owner_imports_followers_and_sees_them_on_the_measuring_page(live_server, page, org, size):
    today = timezone.localdate()
    goal = {
        "description": "Fler följare bland unga vuxna",
        "metric": Metric.FOLLOWERS,
        "baseline": Decimal("1000"),
        "target": Decimal("2000"),
        "deadline": today + datetime.timedelta(days=365),
    }
    channel = measured_channel(org, since=today - datetime.timedelta(days=60), goals=[goal])
    first, second = today - datetime.timedelta(days=20), today - datetime.timedelta(days=10)
    content = f"datum;mått;värde\n{first.isoformat()};Följare;1 200\n{second.isoformat()};Följare;1 300\n"
    page.set_viewport_size(size)

    # The measuring page, before anything is measured.
    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "metrics:channel", channel.pk))
    measurements = page.locator("section[aria-labelledby='measurements-heading']")
    expect(measurements).to_contain_text("Inga mätvärden ännu.")
    goal_facts = page.locator("article.goal-progress dl")
    expect(goal_facts).to_contain_text(re.compile(r"1\s000 → – → 2\s000"))
    chart_rows = page.locator("article.goal-progress figure.chart table tbody tr")
    expect(chart_rows).to_have_count(0)
    assert_accessible(page)

    # The upload form, with the formats explained on the page.
    page.locator(f"a[href='{reverse('metrics:import_start', args=[channel.pk])}']").click()
    expect(page.locator("#formats-heading")).to_be_visible()
    assert_accessible(page)
    page.locator("#id_file").set_input_files(
        {"name": "foljare.csv", "mimeType": "text/csv", "buffer": content.encode()}
    )
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()

    # The import's page while the file is checked: a progress bar, polled.
    batch = MeasurementImport.objects.get()
    expect(page).to_have_url(url(live_server, "metrics:import_detail", batch.pk))
    expect(page.locator("#import-progress progress")).to_be_visible()
    assert_accessible(page)
    imports.check_import(batch.pk)

    # The preview opens by itself.
    preview = page.locator("section[aria-labelledby='preview-heading']")
    expect(preview).to_contain_text("2 nya värden")
    assert_accessible(page)
    preview.locator(f"form[action='{reverse('metrics:import_confirm', args=[batch.pk])}'] button").click()

    # Saving, then the finished import.
    expect(page).to_have_url(url(live_server, "metrics:import_detail", batch.pk))
    assert MeasurementImport.objects.get().status == ImportStatus.SAVING
    imports.save_import(batch.pk)
    expect(page.locator("#done-heading")).to_be_visible()
    assert_accessible(page)

    # The measuring page: the latest value, and the goal's chart with its two points.
    page.locator(f"main a[href='{reverse('metrics:channel', args=[channel.pk])}']").last.click()
    expect(page).to_have_url(url(live_server, "metrics:channel", channel.pk))
    # The goal has moved from no value to the latest, and the chart has the two points.
    expect(goal_facts).to_contain_text(re.compile(r"1\s000 → 1\s300 → 2\s000"))
    expect(chart_rows).to_have_count(2)
    expect(measurements.locator("tbody tr")).to_have_count(2)
    assert_accessible(page)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_owner_evaluates_the_channel_and_chooses_to_revise_the_plan(live_server, page, org, size):
    today = timezone.localdate()
    goal = {
        "description": "Fler följare bland unga vuxna",
        "metric": Metric.FOLLOWERS,
        "baseline": Decimal("1000"),
        "target": Decimal("2000"),
        "deadline": today + datetime.timedelta(days=365),
    }
    channel = measured_channel(org, since=today - datetime.timedelta(days=60), goals=[goal])
    for days_ago, value in [(40, 1200), (10, 1400)]:
        record_measurement(
            channel.pk,
            actor=org.medarbetare,
            metric=Metric.FOLLOWERS,
            on=today - datetime.timedelta(days=days_ago),
            value=Decimal(value),
        )
    page.set_viewport_size(size)

    # The measuring page offers the evaluation.
    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "metrics:channel", channel.pk))
    page.locator(f"form[action='{reverse('metrics:evaluation_start', args=[channel.pk])}'] button").click()

    # The form, with the goal's result and chart.
    evaluation = Evaluation.objects.get()
    expect(page).to_have_url(url(live_server, "metrics:evaluation", evaluation.pk))
    expect(page.locator("figure.chart table tbody tr")).to_have_count(2)
    assert_accessible(page)

    # Completing with nothing written: every missing part is named, nothing happens.
    page.locator("button[name=action][value=slutfor]").click()
    expect(page.locator(".error-summary li")).to_have_count(3)
    assert_accessible(page)

    goal_row = evaluation.goals.get()
    page.locator(f"textarea[name='goal-{goal_row.pk}-went_well']").fill("Fler följare varje månad.")
    page.locator(f"textarea[name='goal-{goal_row.pk}-went_badly']").fill("Få delningar: inläggen är för långa.")
    page.locator(f"textarea[name='goal-{goal_row.pk}-change']").fill("Kortare inlägg och mer film.")
    page.locator("#id_summary").fill("Kanalen växer men når för få; planen behöver nya mål för film.")
    page.locator("input[name=conclusion][value=revidera]").check()
    page.locator("button[name=action][value=slutfor]").click()

    # The new draft version of the plan, ready to be revised.
    draft = Plan.objects.get(status=PlanStatus.UTKAST)
    expect(page).to_have_url(url(live_server, "plans:edit", draft.pk))
    assert draft.version_number == 2
    assert Evaluation.objects.get().revised_plan == draft
    assert_accessible(page)

    # The evaluation is kept, and links the new version.
    page.goto(url(live_server, "metrics:evaluation", evaluation.pk))
    expect(page.locator(f"a[href='{reverse('plans:detail', args=[draft.pk])}']")).to_be_visible()
    assert_accessible(page)

    # The channel's page lists it where the channel stands in the SMILEY cycle: step 8 done.
    page.goto(url(live_server, "channel_register:detail", channel.pk))
    cycle = page.locator("section[aria-labelledby='cycle-heading']")
    expect(cycle.locator(f"a[href='{reverse('metrics:evaluation', args=[evaluation.pk])}']")).to_have_count(1)
    expect(cycle.locator("li.cycle-step").nth(7)).to_contain_text("Klart")
    assert_accessible(page)
