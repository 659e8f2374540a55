"""The action plan's life in a real browser: writing, deciding, returning and resubmitting.

Elements are found by stable attributes (ids, names, values, hrefs) rather than by visible text,
so the tests do not depend on how far the Swedish catalogue has come; only the login form, which
is translated, is found by its labels. Status texts are compared with the label the server
renders in Swedish, whatever the catalogue currently says.
"""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from channel_register.enums import FrequencyPeriod, Platform
from channel_register.tests.channel_factories import trained
from kob_social.testing.browser import assert_accessible
from plans.domain.archive import build_snapshot, fingerprint, render_preview
from plans.domain.transitions import transition
from plans.enums import Action, Metric, PlanStatus, Step
from plans.models import Decision, Plan

from .archive_factories import approved_plan, approved_revision, store_pdf
from .factories import complete_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# --- Helpers ----------------------------------------------------------------------------------


def status_label(status: PlanStatus) -> str:
    with translation.override("sv"):
        return str(status.label)


def url(live_server, name, *args) -> str:
    return f"{live_server.url}{reverse(name, args=args)}"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/")


def sign_out(page, live_server):
    page.locator(f".user-menu form[action='{reverse('logout')}'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(url(live_server, "login"))))


def plan_status(page):
    """The status badge in the line under the plan's heading."""
    return plan_summary(page).locator(".status")


def plan_summary(page):
    """The line under the plan's heading: status, unit, diarienummer and version."""
    return page.locator("main > h1 + p")


def open_from_inbox(page, live_server, box, plan):
    """Follow the plan's link in one box of the start page ("waiting", "returned", "mine")."""
    link = page.locator(f"section[aria-labelledby='{box}-heading'] a[href='{reverse('plans:detail', args=[plan.pk])}']")
    expect(link).to_be_visible()
    link.click()
    expect(page).to_have_url(url(live_server, "plans:detail", plan.pk))


def decide_from_inbox(page, live_server, username, plan, next_status, *, scan=False):
    """Sign in, open the plan from "waiting for me", approve it and sign out; with `scan`, the
    inbox and the plan page before and after the decision are checked with axe."""
    sign_in(page, live_server, username)
    # The inbox: the start page of most, in the menu of those who start on the overview.
    page.goto(url(live_server, "inbox"))
    if scan:
        expect(page.locator("section[aria-labelledby='waiting-heading']")).to_contain_text(plan.diarienummer)
        assert_accessible(page)
    open_from_inbox(page, live_server, "waiting", plan)
    if scan:
        assert_accessible(page)
    page.locator("button[name=action][value=godkann]").click()
    expect(page).to_have_url(url(live_server, "plans:detail", plan.pk))
    expect(plan_status(page)).to_have_text(status_label(next_status))
    expect(page.locator("button[name=action][value=godkann]")).to_have_count(0)
    if scan:
        assert_accessible(page)
    sign_out(page, live_server)


def dangling_aria_references(page) -> list[str]:
    """aria-describedby/-labelledby ids that name no element: help texts or errors that a screen
    reader never announces. axe only lists these as "needs review", so they are checked here."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')].flatMap((el) =>
            ['aria-describedby', 'aria-labelledby'].flatMap((attr) =>
                (el.getAttribute(attr) || '').split(/\\s+/).filter((id) => id && !document.getElementById(id))
                    .map((id) => `${el.id || el.tagName} ${attr}=${id}`)))"""
    )


def add_goal_button(page):
    return page.locator(f"form.plan-form button[data-hx-get='{reverse('plans:goal_row')}']")


def fill_goal(page, index, *, description, metric, baseline, target, deadline):
    prefix = f"#id_goals-{index}-"
    page.locator(f"{prefix}description").fill(description)
    page.locator(f"{prefix}metric").select_option(metric)
    page.locator(f"{prefix}baseline").fill(baseline)
    page.locator(f"{prefix}target").fill(target)
    page.locator(f"{prefix}deadline").fill(deadline)


# --- 1. The whole chain -------------------------------------------------------------------------

TEXT = {
    "#id_channel_name": "Länsbibliotekets läsfrämjande på Instagram",
    "#id_channel_url": "https://www.instagram.com/lansbiblioteket_uppsala",
    "#id_purpose": "Väcka läslust hos unga vuxna och nå dem som sällan besöker ett bibliotek i länet.",
    "#id_target_groups": "Unga vuxna 18–29 år i Uppsala län; bibliotekspersonal som sprider inläggen vidare.",
    "#id_activities": "Boktips varje vecka, korta filmer från författarsamtal och påminnelser om evenemang.",
    "#id_supervision": "Maja bevakar kontot på vardagar; under semestern tar Karin över tillsynen enligt schemat.",
    "#id_case_routine": "Frågor om enskilda ärenden hänvisas till e-post och registreras i diariet samma dag.",
    "#id_personal_data_note": "Regionen är gemensamt personuppgiftsansvarig med plattformen för kontot.",
    "#id_records_reference": "Dokumenthanteringsplan Kultur och bildning 4.2.1",
    "#id_privacy_notice_url": "https://www.regionuppsala.se/personuppgifter",
    "#id_processing_register_entry": "Registret över behandlingar, Kultur och bildning nr 17",
    "#id_data_requests_by": "Regionens dataskyddsfunktion",
    "#id_accessibility_routine": "Alla bilder får alt-text och alla filmer textas på svenska.",
    "#id_channel_information": "Kontot drivs av Länsbiblioteket, Region Uppsala. Inlägg kan vara allmänna handlingar.",
}
# The first option of each: the statistics are used; each practice is part of the routine.
RADIOS = ["#id_statistics_use_0", "#id_alt_texts_0", "#id_captions_0", "#id_readable_hashtags_0"]
GOAL_ONE = {
    "description": "Fler följare bland unga vuxna i länet",
    "metric": Metric.FOLLOWERS.value,
    "baseline": "1200",
    "target": "2000",
    "deadline": "2027-12-31",
}
GOAL_TWO = {
    "description": "Fler anmälningar till författarsamtalen",
    "metric": Metric.REGISTRATIONS.value,
    "baseline": "40",
    "target": "90",
    "deadline": "2027-06-30",
}


def test_a_plan_is_written_submitted_and_approved_through_the_whole_chain(live_server, page, org):
    # Those named in the plan hold valid legal training (queries.plan_people).
    trained(org.medarbetare)
    trained(org.chef)
    # The author writes the plan from the start page.
    sign_in(page, live_server, "medarbetare")
    page.locator(f"main a[href='{reverse('plans:create')}']").first.click()
    expect(page).to_have_url(url(live_server, "plans:create"))

    expect(page.locator("#id_unit")).to_have_value(str(org.library.pk))
    page.locator("#id_platform").select_option(Platform.INSTAGRAM.value)
    for selector, text in TEXT.items():
        page.locator(selector).fill(text)
    for choice in RADIOS:
        page.locator(choice).check()
    page.locator("#id_responsible").select_option(str(org.medarbetare.pk))
    page.locator("#id_other_people").select_option([str(org.chef.pk)])
    page.locator("#id_update_count").fill("3")
    page.locator("#id_update_period").select_option(FrequencyPeriod.WEEK.value)
    page.locator("#id_working_hours_per_week").fill("4.5")
    page.locator("#id_screenshot_responsible").select_option(str(org.chef.pk))
    page.locator("#id_terms_reviewed_on").fill("2026-01-15")
    page.locator("#id_terms_reviewed_by").select_option(str(org.medarbetare.pk))
    fill_goal(page, 0, **GOAL_ONE)

    # Another goal row arrives by htmx; nothing typed so far is lost.
    add_goal_button(page).click()
    expect(page.locator("#goal-row-goals-1")).to_be_visible()
    expect(page.locator("#id_goals-TOTAL_FORMS")).to_have_value("2")
    expect(page.locator("#id_goals-1-description")).to_have_value("")
    for field, value in GOAL_ONE.items():
        expect(page.locator(f"#id_goals-0-{field}")).to_have_value(value)
    for selector, text in TEXT.items():
        expect(page.locator(selector)).to_have_value(text)
    expect(page.locator("#id_platform")).to_have_value(Platform.INSTAGRAM.value)
    expect(page.locator("#id_working_hours_per_week")).to_have_value("4.5")
    fill_goal(page, 1, **GOAL_TWO)
    assert_accessible(page)

    page.locator("button[name=skicka_in]").click()
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/planer/\d+/$"))
    plan = Plan.objects.get(author=org.medarbetare)
    expect(page).to_have_url(url(live_server, "plans:detail", plan.pk))
    expect(plan_status(page)).to_have_text(status_label(PlanStatus.HOS_CHEF))
    diarienummer = settings.DIARIENUMMER_FORMAT.format(year=timezone.localdate().year, seq=1)
    assert re.fullmatch(r"KOB-\d{4}-0001", diarienummer)
    expect(plan_summary(page)).to_contain_text(diarienummer)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.HOS_CHEF
    assert plan.diarienummer == diarienummer
    assert plan.channel_name == TEXT["#id_channel_name"]
    assert plan.purpose == TEXT["#id_purpose"]
    assert plan.terms_reviewed_on == date(2026, 1, 15)
    assert plan.screenshot_responsible == org.chef
    assert list(plan.other_people.all()) == [org.chef]
    assert [(g.description, g.metric) for g in plan.goals.order_by("position", "pk")] == [
        (GOAL_ONE["description"], GOAL_ONE["metric"]),
        (GOAL_TWO["description"], GOAL_TWO["metric"]),
    ]
    sign_out(page, live_server)

    # The manager, the communications officer and the director approve in turn.
    decide_from_inbox(page, live_server, "chef", plan, PlanStatus.HOS_KOMMUNIKATION, scan=True)
    decide_from_inbox(page, live_server, "kommunikator", plan, PlanStatus.HOS_DIREKTOR)
    decide_from_inbox(page, live_server, "direktor", plan, PlanStatus.GODKAND)

    # The author sees the approved plan with one decision per step of the chain.
    sign_in(page, live_server, "medarbetare")
    open_from_inbox(page, live_server, "mine", plan)
    expect(plan_status(page)).to_have_text(status_label(PlanStatus.GODKAND))
    expect(page.locator("section[aria-labelledby='decisions-heading'] tbody tr")).to_have_count(3)
    assert list(Decision.objects.filter(plan=plan).values_list("step", "outcome", "decided_by__username")) == [
        (Step.CHEF, Action.APPROVE, "chef"),
        (Step.KOMMUNIKATION, Action.APPROVE, "kommunikator"),
        (Step.DIREKTOR, Action.APPROVE, "direktor"),
    ]
    assert_accessible(page)


# --- 2. Returned and submitted again ------------------------------------------------------------


def test_a_returned_plan_is_edited_and_submitted_again(live_server, page, org):
    plan = complete_plan(org.medarbetare)
    plan = transition(plan.pk, Action.SUBMIT, actor=org.medarbetare)
    revision = plan.revision

    sign_in(page, live_server, "chef")
    open_from_inbox(page, live_server, "waiting", plan)

    # Returning without a comment is refused at the comment field, and nothing changes.
    page.locator("button[name=action][value=atersand]").click()
    expect(page.locator("#id_comment_error")).to_be_visible()
    expect(page.locator(".field--error #id_comment")).to_be_visible()
    expect(page.locator(".error-summary a[href='#id_comment']")).to_be_visible()
    expect(plan_status(page)).to_have_text(status_label(PlanStatus.HOS_CHEF))
    assert_accessible(page)
    plan.refresh_from_db()
    assert (plan.status, plan.revision) == (PlanStatus.HOS_CHEF, revision)
    assert not Decision.objects.filter(plan=plan).exists()

    comment = "Förtydliga syftet: vilka målgrupper når ni inte redan i dag?"
    page.locator("#id_comment").fill(comment)
    page.locator("button[name=action][value=atersand]").click()
    expect(page).to_have_url(url(live_server, "plans:detail", plan.pk))
    expect(plan_status(page)).to_have_text(status_label(PlanStatus.ATERSAND))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ATERSAND
    assert Decision.objects.get(plan=plan).comment == comment
    sign_out(page, live_server)

    # The author finds it returned, reads the comment, edits and submits again.
    sign_in(page, live_server, "medarbetare")
    open_from_inbox(page, live_server, "returned", plan)
    expect(page.locator("section[aria-labelledby='decisions-heading']")).to_contain_text(comment)
    page.locator(f"a[href='{reverse('plans:edit', args=[plan.pk])}']").click()
    expect(page).to_have_url(url(live_server, "plans:edit", plan.pk))
    assert dangling_aria_references(page) == []
    assert_accessible(page)
    purpose = "Nå unga vuxna i hela länet, särskilt på landsbygden där biblioteken är få."
    page.locator("#id_purpose").fill(purpose)
    page.locator("button[name=skicka_in]").click()

    expect(page).to_have_url(url(live_server, "plans:detail", plan.pk))
    expect(plan_status(page)).to_have_text(status_label(PlanStatus.HOS_CHEF))
    expect(page.locator("article.plan-document")).to_contain_text(purpose)
    plan.refresh_from_db()
    assert (plan.status, plan.purpose) == (PlanStatus.HOS_CHEF, purpose)
    sign_out(page, live_server)
    sign_in(page, live_server, "chef")
    expect(
        page.locator(f"section[aria-labelledby='waiting-heading'] a[href='{reverse('plans:detail', args=[plan.pk])}']")
    ).to_be_visible()


# --- 3. The keyboard ------------------------------------------------------------------------------


def test_every_form_control_has_a_label_and_goals_are_added_with_the_keyboard(live_server, page, org):
    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "plans:create"))

    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('form.plan-form input, form.plan-form select, form.plan-form textarea')]
            .filter((el) => el.type !== 'hidden' && el.labels.length === 0)
            .map((el) => el.name)"""
    )
    assert unlabelled == []
    assert dangling_aria_references(page) == []
    assert_accessible(page)

    # From the last control of the first goal, Tab reaches the add-goal button; Enter adds a row.
    page.locator("#id_goals-0-description").fill("Fler besök på webbplatsen")
    page.locator("#id_goals-0-DELETE").focus()
    page.keyboard.press("Tab")
    button = add_goal_button(page)
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#goal-row-goals-1")).to_be_visible()
    expect(page.locator("#id_goals-1-description")).to_be_focused()
    expect(page.locator("#id_goals-0-description")).to_have_value("Fler besök på webbplatsen")

    # Space works as well, as on any button.
    button.focus()
    page.keyboard.press("Space")
    expect(page.locator("#goal-row-goals-2")).to_be_visible()
    expect(page.locator("#id_goals-TOTAL_FORMS")).to_have_value("3")
    assert dangling_aria_references(page) == []
    assert_accessible(page)


# --- 4. Verifying a plan PDF ----------------------------------------------------------------------


def tab_to(page, selector, limit=80):
    """Press Tab until `selector` has the focus: it is reachable with the keyboard alone."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(element) => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached with Tab")


def test_a_stored_plan_pdf_is_verified_with_the_keyboard_only(live_server, page, org, settings, tmp_path):
    settings.PDF_SIGNING_CERTIFICATE = ""
    stored = store_pdf(approved_plan(org))
    newer = approved_revision(stored.plan, org)
    copy = tmp_path / "handlingsplan.pdf"
    copy.write_bytes(bytes(stored.pdf))
    with translation.override("sv"):
        recognised = translation.gettext("The document is a stored, decided action plan")

    # From the menu to the verify page.
    sign_in(page, live_server, "medarbetare")
    tab_to(page, f".site-nav a[href='{reverse('plans:verify')}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url(live_server, "plans:verify"))
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('main input, main select, main textarea')]
            .filter((el) => el.type !== 'hidden' && el.labels.length === 0).map((el) => el.name)"""
    )
    assert unlabelled == []
    assert_accessible(page)

    # A mistyped fingerprint is refused at its field; what was typed stays.
    tab_to(page, "#id_fingerprint")
    page.keyboard.type("abc123")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_fingerprint_error")).to_be_visible()
    expect(page.locator("#id_fingerprint")).to_have_value("abc123")
    expect(page.locator("#id_fingerprint")).to_have_attribute(
        "aria-describedby", "id_fingerprint_helptext id_fingerprint_error"
    )
    assert dangling_aria_references(page) == []
    assert_accessible(page)

    # The stored PDF, chosen and sent with the keyboard: recognised, and superseded by version 2,
    # which is linked.
    tab_to(page, "#id_document")
    # Choosing in the system's file dialog is the browser's own business, outside the page.
    page.locator("#id_document").set_input_files(copy)
    tab_to(page, "form[enctype='multipart/form-data'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#verify-result-heading")).to_have_text(recognised)
    expect(page.locator("#verify-result")).to_contain_text(stored.plan.diarienummer)
    assert_accessible(page)
    tab_to(page, f"#verify-result a[href='{reverse('plans:detail', args=[newer.pk])}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url(live_server, "plans:detail", newer.pk))


@pytest.mark.parametrize("size", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}])
def test_a_draft_preview_waits_on_an_accessible_page_and_opens_when_it_is_made(live_server, page, org, size):
    plan = complete_plan(org.medarbetare)
    page.set_viewport_size(size)
    preview_url = url(live_server, "plans:preview", plan.pk)

    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "plans:detail", plan.pk))
    page.locator(f"a[href='{reverse('plans:preview', args=[plan.pk])}']").click()
    expect(page.locator("#preview-status progress")).to_be_visible()
    assert_accessible(page)
    # The worker makes it (here, the test in its place); the page's next poll opens it.
    render_preview(plan.pk, fingerprint(build_snapshot(plan)))
    with page.expect_response(lambda response: response.url == preview_url and response.status == 204) as poll:
        pass

    assert poll.value.headers["hx-redirect"] == reverse("plans:preview", args=[plan.pk])
