"""The plan's Swedish rules (issue 19) in a real browser: the personal data and accessibility
answers asked for at submission, chosen by keyboard; the plan page with its signature block and
the notice of rules added after approval; the closure form's case number refused in a clear
message. Every state is scanned with axe at desktop and phone size."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from channel_register.domain.channels import appoint
from channel_register.tests.channel_factories import active_channel, trained
from kob_social.history import update_with_history
from kob_social.testing.browser import assert_accessible
from plans.enums import PlanStatus
from plans.models import Plan

from .archive_factories import approved_plan
from .factories import complete_plan
from .test_browser_flows import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RADIOS = ["statistics_use", "alt_texts", "captions", "readable_hashtags"]


def test_plan_submitted_without_the_answers_lists_them_then_chosen_by_keyboard_is_submitted(page, live_server, org):
    trained(org.medarbetare)
    plan = complete_plan(org.medarbetare)
    update_with_history(Plan.objects.filter(pk=plan.pk), **dict.fromkeys(RADIOS, ""))
    sign_in(page, live_server, org.medarbetare.username)
    page.goto(f"{live_server.url}{reverse('plans:edit', args=[plan.pk])}")

    page.locator("#submit-plan").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    for name in RADIOS:
        expect(summary.locator(f"a[href='#id_{name}']")).to_have_count(1)
        expect(page.locator(f"fieldset#id_{name} #id_{name}_error")).to_be_visible()
    assert_accessible(page)

    # From the summary's link to the group, by keyboard: the first option is reached by Tab and
    # chosen by Space; the arrow keys move within the group.
    for name in RADIOS:
        page.locator(f"#id_{name}_0").focus()
        page.keyboard.press("Space")
        expect(page.locator(f"#id_{name}_0")).to_be_checked()
    page.locator("#id_captions_0").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_captions_1")).to_be_checked()
    page.locator("#submit-plan").click()

    expect(page).to_have_url(f"{live_server.url}{reverse('plans:detail', args=[plan.pk])}")
    plan.refresh_from_db()
    assert (plan.status, plan.statistics_use, plan.captions) == (PlanStatus.HOS_CHEF, "ja", "ej_mojligt")


def test_plan_page_shows_the_signature_and_the_rules_added_after_approval(page, live_server, org):
    org.library.signature_place = "Enköping"
    org.library.save()
    plan = approved_plan(org)
    Plan.objects.filter(pk=plan.pk).update(missing_later_rules=["records_reference", "personal_data"])
    sign_in(page, live_server, org.medarbetare.username)

    page.goto(f"{live_server.url}{reverse('plans:detail', args=[plan.pk])}")

    expect(page.locator("#plan-signature-place")).to_have_text("Enköping")
    expect(page.locator("#plan-signature-name")).to_contain_text(org.chef.get_full_name())
    expect(page.locator("section[aria-labelledby='later-rules-heading'] li")).to_have_count(2)
    assert_accessible(page)


def test_closure_form_case_number_refused_with_the_example_then_saved(page, live_server, org):
    channel = active_channel(org)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    sign_in(page, live_server, org.medarbetare.username)
    page.goto(f"{live_server.url}{reverse('closures:create', args=[channel.pk])}")
    page.locator("textarea[name=reason]").fill("Få följare trots två års försök.")
    page.locator("input[name=case_number]").fill("ärende 17")

    page.locator("button[name=spara]").click()

    expect(page.locator("#id_case_number_error")).to_contain_text("KUN2026-00123")
    expect(page.locator("input[name=case_number]")).to_have_value("ärende 17")
    assert_accessible(page)
    page.locator("input[name=case_number]").fill("KUN2026-00417")
    page.locator("button[name=spara]").click()
    expect(page.locator("#id_case_number_error")).to_have_count(0)
    assert_accessible(page)
