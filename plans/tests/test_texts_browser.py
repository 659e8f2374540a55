"""The texts of issue 12 as a newcomer reads them in a browser, at desk and phone size (axe at
both on every page): goal numbers as whole numbers with Swedish grouping, the timeline in past
tense, the decided plan's PDF card named for what it is, the public register counting channels
as channels, and an empty rhythm strip saying there is nothing yet. Plain client tests of the
same texts: plans/tests/test_texts.py."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from channel_register.tests.channel_factories import active_channel
from kob_social.testing.browser import assert_accessible
from plans.domain.transitions import transition
from plans.enums import Action, Metric

from .archive_factories import approved_plan
from .factories import complete_plan
from .test_browser_flows import sign_in, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NBSP = "\xa0"


def test_a_newcomer_reads_counts_numbers_and_events_in_plain_swedish(live_server, page, org):
    goals = [
        {
            "description": "Fler följare",
            "metric": Metric.FOLLOWERS,
            "baseline": Decimal("100"),
            "target": Decimal("2000"),
            "deadline": date(2027, 12, 31),
        }
    ]
    returned = complete_plan(org.medarbetare, goals=goals)
    transition(returned.pk, Action.SUBMIT, actor=org.medarbetare)
    transition(returned.pk, Action.APPROVE, actor=org.chef)
    transition(returned.pk, Action.RETURN, actor=org.kommunikator, comment="Fler mål, tack.")
    decided = approved_plan(org)
    channel = active_channel(org)

    # The public register, signed out: one channel is "1 officiell kanal", never "planer".
    page.goto(f"{live_server.url}{reverse('public_register')}")
    expect(page.locator("main")).to_contain_text("1 officiell kanal")
    assert_accessible(page)

    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "plans:detail", returned.pk))
    main = page.locator("main")
    expect(main).to_contain_text(f"2{NBSP}000")
    expect(main).not_to_contain_text("2000,00")
    expect(main).to_contain_text("Godkänd av chef")
    expect(main).to_contain_text("Återsänd av kommunikationsansvarig")
    expect(main).not_to_contain_text("– Godkänn")
    assert_accessible(page)

    page.goto(url(live_server, "plans:detail", decided.pk))
    expect(page.locator("#signed-pdf-heading")).to_have_text("Beslutad plan (PDF)")
    assert_accessible(page)

    # The checked periods are on the update log (the channel's page shows the last one only).
    page.goto(url(live_server, "channel_register:update_log", channel.pk))
    expect(page.locator("main")).to_contain_text("Kontrollerade perioder")
    expect(page.locator("main")).not_to_contain_text("De senaste 0")
    assert_accessible(page)
