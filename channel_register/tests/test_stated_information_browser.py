"""The channel's Swedish rules (issue 19) in a real browser: the go-live checklist asks item by
item what the channel states, the inventory is refused with one item unticked, and a screenshot
record asks whether alt texts and captions were checked. Every state is scanned with axe at
desktop and at 390×844, and the forms are worked by keyboard."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from channel_register.domain.channels import appoint
from channel_register.enums import ChecklistItem
from channel_register.models import InventoryConfirmation
from kob_social.testing.browser import assert_accessible

from .channel_factories import active_channel, approved_plan, trained
from .test_channel_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STATED = ["states_who_runs_it", "states_purpose", "states_public_records", "states_what_is_removed", "states_contact"]


@pytest.fixture
def owned_channel(org):
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def test_planned_channel_checklist_lists_each_stated_item(live_server, page, org):
    channel = approved_plan(org).channel
    sign_in(page, live_server, org.chef.username)

    page.goto(f"{live_server.url}{reverse('channel_register:detail', args=[channel.pk])}")

    checklist = page.locator("section[aria-labelledby='checklist-heading']")
    for item in ChecklistItem:
        expect(checklist.locator(f"input[name=item][value='{item.value}']")).to_have_count(1)
    assert_accessible(page)


def test_inventory_with_one_stated_item_unticked_is_refused_then_confirmed_by_keyboard(
    live_server, page, org, owned_channel
):
    sign_in(page, live_server, org.medarbetare.username)
    page.goto(f"{live_server.url}{reverse('channel_register:inventory', args=[owned_channel.pk])}")
    for name in ["still_used", "owners_correct", *STATED[:-1]]:
        page.locator(f"input[name={name}]").check()

    page.get_by_role("button", name="Bekräfta inventeringen").click()

    expect(page.locator("#id_states_contact_error")).to_be_visible()
    assert InventoryConfirmation.objects.count() == 0
    assert_accessible(page)
    # By keyboard: the unticked item is reached and ticked with Space, then the form is sent.
    page.locator("input[name=states_contact]").focus()
    page.keyboard.press("Space")
    expect(page.locator("input[name=states_contact]")).to_be_checked()
    page.get_by_role("button", name="Bekräfta inventeringen").press("Enter")
    expect(page.locator("#id_states_contact_error")).to_have_count(0)
    assert InventoryConfirmation.objects.count() == 1


def test_screenshot_form_asks_about_alt_texts_and_captions(live_server, page, org, owned_channel):
    sign_in(page, live_server, org.medarbetare.username)
    page.goto(f"{live_server.url}{reverse('channel_register:screenshot_create', args=[owned_channel.pk])}")

    expect(page.locator("input[name=alt_texts_checked]")).to_have_count(2)
    expect(page.locator("input[name=captions_checked]")).to_have_count(2)
    assert_accessible(page)
    page.locator("input[name=url]").fill(owned_channel.url or "https://www.facebook.com/lansbiblioteket")
    page.locator("form[enctype='multipart/form-data'] button[type=submit]").click()

    expect(page.locator("#id_alt_texts_checked_error")).to_be_visible()
    expect(page.locator("#id_captions_checked_error")).to_be_visible()
    assert_accessible(page)
