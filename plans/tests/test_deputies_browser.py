"""A chef's vacation with a deputy, in a real browser (issue 16): the chef registers the vacation
and names a deputy on the absences page; a plan submitted meanwhile waits for the deputy, who
decides it, and the plan shows "… för …". Every page visited is scanned with axe at desktop and
phone size."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kob_social.testing.browser import assert_accessible
from plans.domain.transitions import transition
from plans.enums import Action

from .factories import complete_plan
from .test_browser_flows import sign_in, sign_out, url

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_chef_names_a_deputy_for_the_vacation_who_then_decides(live_server, page, org):
    today = timezone.localdate()
    sign_in(page, live_server, "chef")
    page.goto(url(live_server, "people:absences"))
    page.get_by_label("Från (första dagen)").fill(today.isoformat())
    page.get_by_label("Till (sista dagen)").fill((today + datetime.timedelta(days=14)).isoformat())
    page.get_by_label("Ersättare som chef under frånvaron").select_option(label="Erik Nyström (Musik i Uppland)")
    page.get_by_role("button", name="Registrera frånvaron").click()

    expect(page.locator("main")).to_contain_text("Erik Nyström beslutar i ditt ställe som chef medan du är borta.")
    expect(page.locator("main table")).to_contain_text("Erik Nyström")
    assert_accessible(page)
    sign_out(page, live_server)

    plan = transition(complete_plan(org.medarbetare).pk, Action.SUBMIT, actor=org.medarbetare)
    sign_in(page, live_server, "chef2")
    waiting = page.locator("section[aria-labelledby='waiting-heading']")
    waiting.locator(f"a[href='{plan.get_absolute_url()}']").click()
    expect(page.locator("main")).to_contain_text("Du beslutar som ersättare för Karin Sjöström")
    assert_accessible(page)
    page.get_by_role("button", name="Godkänn").click()

    decisions = page.locator("section[aria-labelledby='decisions-heading']")
    expect(decisions).to_contain_text("Erik Nyström för Karin Sjöström")
    assert_accessible(page)


def test_chef_names_a_standing_deputy_on_the_deputies_page_and_ends_it(live_server, page, org):
    sign_in(page, live_server, "chef")
    page.goto(url(live_server, "people:absences"))
    page.get_by_role("link", name="Ersättare utanför semestern, och alla dina ersättare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ersättare")
    assert_accessible(page)

    page.get_by_role("combobox", name="Ersättare", exact=True).select_option(label="Erik Nyström (Musik i Uppland)")
    page.get_by_role("combobox", name="Beslutar", exact=True).select_option(label="Under hela perioden")
    page.get_by_role("button", name="Utse ersättaren").click()

    table = page.locator("main table")
    expect(page.locator("main")).to_contain_text("Erik Nyström är din ersättare som chef för Länsbiblioteket.")
    expect(table).to_contain_text("Tills vidare")
    assert_accessible(page)

    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Avsluta Erik Nyström som din ersättare för Länsbiblioteket").click()

    expect(page.locator("main")).to_contain_text("Erik Nyström beslutar inte längre i ditt ställe.")
    assert questions == ["Avsluta Erik Nyström som din ersättare för Länsbiblioteket?"]
    expect(page.locator("main")).to_contain_text("Du har inga pågående eller kommande ersättare.")
    assert_accessible(page)
