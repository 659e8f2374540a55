"""The feed reader's marks in a real browser (issue 21): the channel page says how many posts the
last read skipped, and the update log says which feed entries are not counted and why; axe at
desktop and phone size on both pages."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from channel_register.domain.channels import appoint
from channel_register.enums import NotCounted
from channel_register.models import ChannelUpdate
from kob_social.testing.browser import assert_accessible

from .channel_factories import active_channel, trained
from .channel_upkeep_factories import feed_entry, feed_state
from .test_channel_browser import sign_in, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_skipped_posts_and_entries_not_counted_are_said_accessibly(live_server, page, org):
    now = timezone.now()
    channel = active_channel(org)
    trained(org.medarbetare)
    channel = appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    channel.feed_url = "https://example.se/flode.rss"
    channel.save(update_fields=["feed_url"])
    feed_state(channel, checked_at=now, succeeded_at=now, new_entries=3, skipped_entries=2)
    feed_entry(channel, now - timedelta(hours=2), link="https://example.se/1", note="Räknas")
    undated = feed_entry(channel, now, link="https://example.se/2", note="Ur flödets historik")
    ChannelUpdate.objects.filter(pk=undated.pk).update(not_counted=NotCounted.UNDATED)

    sign_in(page, live_server, "chef")
    page.goto(url(live_server, "channel_register:detail", channel.pk))
    expect(page.locator("main")).to_contain_text("Inlägg som hoppades över vid senaste läsningen")
    expect(page.locator("main")).to_contain_text("2 inlägg i flödet kunde inte sparas och hoppades över")
    expect(page.locator("#updates-summary")).to_have_text(re.compile(r"^1 "))  # only the counted one
    assert_accessible(page)

    page.goto(f"{live_server.url}{reverse('channel_register:update_log', args=[channel.pk])}")
    rows = page.locator("table.update-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Ur flödets historik")).to_contain_text(
        "Räknas inte: inget datum i flödet, lästes in med flödets historik"
    )
    expect(rows.filter(has_text="https://example.se/1")).not_to_contain_text("Räknas inte")
    assert_accessible(page)
