"""The plan form's channel choice in a real browser: the unit's existing channels offered
first, a new channel like one in the register warned of at the field, and saved once
confirmed. Accessible (axe) at desktop and phone size in both states."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from channel_register.domain.channels import create_planned_channel
from channel_register.enums import Platform
from kob_social.testing.browser import assert_accessible
from plans.models import Plan

from .test_browser_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_form_channel_choice_existing_first_near_duplicate_warned_then_confirmed(page, live_server, org):
    existing = create_planned_channel(
        platform=Platform.FACEBOOK, name="Länsbiblioteket", url="https://facebook.com/lansbiblioteket", unit=org.library
    )
    create_planned_channel(platform=Platform.INSTAGRAM, name="Musik i Uppland", url="", unit=org.music)
    sign_in(page, live_server, org.medarbetare.username)

    page.goto(f"{live_server.url}{reverse('plans:create')}")

    expect(page.locator("#id_channel_choice_0")).to_be_checked()
    expect(page.locator(f"select[name=channel] option[value='{existing.pk}']")).to_have_count(1)
    assert_accessible(page)

    page.locator("#id_channel_choice_1").check()
    page.locator("select[name=platform]").select_option(Platform.INSTAGRAM)
    page.locator("input[name=channel_name]").fill("musik i  Uppland")
    page.locator("button[name=spara]").click()

    expect(page.locator("#id_channel_name_error")).to_be_visible()
    expect(page.locator("input[name=channel_name]")).to_have_value("musik i  Uppland")
    assert_accessible(page)

    page.locator("input[name=confirm_new_channel]").check()
    page.locator("button[name=spara]").click()

    expect(page).to_have_url(re.compile(r"/\d+/"))
    plan = Plan.objects.get()  # a new channel: in the register from the plan's first submission
    assert (plan.channel_name, plan.channel_id) == ("musik i  Uppland", None)
