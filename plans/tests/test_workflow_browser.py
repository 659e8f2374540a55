"""Where a document stands, seen in a real browser (issue 12): a saved draft's checklist and
the way to its submit button, a returned plan's (and closure request's) reason at the top,
closure requests among "waiting for me", the reason of a 403, and the accessibility statement
behind the footer. Every page visited is scanned with axe at desktop and phone size."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from channel_register.domain.channels import appoint
from channel_register.enums import Platform
from channel_register.tests.channel_factories import active_channel, submitted_closure, trained
from kob_social.testing.browser import PHONE, assert_accessible
from plans.domain import closures
from plans.domain.transitions import transition
from plans.enums import Action

from .factories import complete_plan
from .test_browser_flows import sign_in, sign_out, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_saved_draft_shows_what_is_missing_and_leads_to_the_submit_button(live_server, page, org):
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "plans:create"))
    page.locator("#id_platform").select_option(Platform.INSTAGRAM.value)
    page.locator("#id_channel_name").fill("Bibliotekets Instagram")

    page.locator("button[name=spara]").click()

    expect(page.locator("main h1")).to_have_text("Utkast: Bibliotekets Instagram")
    checklist = page.locator("section[aria-labelledby='draft-state-heading']")
    expect(checklist.locator("ul a[href='#id_purpose']")).to_be_visible()
    assert_accessible(page)
    checklist.locator("a[href='#submit-plan']").click()
    expect(page.locator("#submit-plan")).to_be_in_viewport()

    # The footer leads to the accessibility statement (public: see test_inbox_and_notices).
    page.locator(f"footer a[href='{reverse('accessibility')}']").click()
    expect(page).to_have_url(url(live_server, "accessibility"))
    expect(page.locator("main a[href^='mailto:']").first).to_be_visible()
    assert_accessible(page)


def test_the_chef_sees_closures_waiting_and_the_reason_of_a_refusal(live_server, page, org):
    trained(org.medarbetare)
    channel = active_channel(org, channel_name="Bibliotekets Facebook")
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    closure = submitted_closure(org, channel)
    planned = complete_plan(org.medarbetare, channel_name="Bibliotekets Instagram")
    returned = transition(planned.pk, Action.SUBMIT, actor=org.medarbetare)
    returned = transition(planned.pk, Action.RETURN, actor=org.chef, comment="Komplettera målen.")

    sign_in(page, live_server, "chef")
    waiting = page.locator("section[aria-labelledby='waiting-heading']")
    expect(waiting.locator(f"a[href='{closure.get_absolute_url()}']")).to_be_visible()
    assert_accessible(page)

    # Logging an update on a channel that has not gone live: the page says why.
    page.goto(url(live_server, "channel_register:update_create", returned.channel_id))
    expect(page.locator("main")).to_contain_text("Kanalen är inte aktiv än")
    assert_accessible(page)

    # The author of a returned plan reads why above the actions.
    sign_out(page, live_server)
    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "plans:detail", returned.pk))
    expect(page.locator("#returned-notice")).to_contain_text("Återsänd av Karin Sjöström")
    expect(page.locator("#returned-notice")).to_contain_text("Komplettera målen.")
    assert_accessible(page)

    # A returned closure request says why as well, on its page and above its form.
    closures.transition(closure.pk, Action.RETURN, actor=org.chef, comment="Ange besökssiffror per år.")
    for name in ("closures:detail", "closures:edit"):
        page.goto(url(live_server, name, closure.pk))
        expect(page.locator("#returned-notice")).to_contain_text("Återsänd av Karin Sjöström")
        expect(page.locator("#returned-notice")).to_contain_text("Ange besökssiffror per år.")
        assert_accessible(page)
