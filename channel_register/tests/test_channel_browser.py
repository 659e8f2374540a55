"""The channel register in a real browser: a chef appoints the owner, fills the supervision
roster for the summer and sees the week an absence leaves uncovered; the public register;
both forms driven with the keyboard alone; the channel's page with its update-rhythm strip, a
broken feed and the screenshot duties; an update logged, listed and deleted with the keyboard.
Every page on the way is checked with axe.

Elements are found by stable attributes (ids, names, values, hrefs, the `datetime` of a week's
Monday) rather than by visible text, so the tests do not depend on how far the Swedish catalogue
has come; only the login form, which is translated, is found by its labels. Messages are compared
with the text the server renders in Swedish, whatever the catalogue currently says.

The channel's page and the roster page show the next 12 ISO weeks from today. To see weeks 27–32
of the coming summer there, the browser part of the roster test runs on the Monday of week 26 of
that summer: the live server runs in this process, so time_machine moves its clock as well.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.enums import Role
from accounts.tests.factories import PASSWORD, AbsenceFactory, make_user
from channel_register.domain.channels import appoint, log_removal, record_screenshot
from channel_register.enums import RemovalCategory
from channel_register.models import Channel, ChannelUpdate, RosterWeek, ScreenshotDuty
from kob_social.testing.browser import assert_accessible

from .channel_factories import ANSWERED, active_channel, approved_plan, friday_of, iso_monday, png_upload, trained
from .channel_upkeep_factories import (
    feed_state,
    monday_of,
    past_halves,
    past_weekly_checks,
    screenshot_duty,
    weekly_check,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SUMMER_WEEKS = range(27, 33)  # weeks 27–32
ABSENT_WEEK = 29


# --- Helpers ----------------------------------------------------------------------------------


def url(live_server, name, *args) -> str:
    return f"{live_server.url}{reverse(name, args=args)}"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(f"{live_server.url}/")


def dangling_aria_references(page) -> list[str]:
    """aria-describedby/-labelledby ids that name no element (axe only lists them for review)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby], [aria-labelledby]')].flatMap((el) =>
            ['aria-describedby', 'aria-labelledby'].flatMap((attr) =>
                (el.getAttribute(attr) || '').split(/\\s+/).filter((id) => id && !document.getElementById(id))
                    .map((id) => `${el.id || el.tagName} ${attr}=${id}`)))"""
    )


def unlabelled_controls(page, form_selector: str) -> list[str]:
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(`${selector} input, ${selector} select, ${selector} textarea`)]
            .filter((el) => el.type !== 'hidden' && el.labels.length === 0)
            .map((el) => el.name)""",
        form_selector,
    )


def summer_year(today: date) -> int:
    """The year whose weeks 27–32 all lie ahead: this year until week 27 starts, else the next."""
    return today.year if today < iso_monday(today.year, SUMMER_WEEKS[0]) else today.year + 1


def colleague(org):
    """A second person at Länsbiblioteket, with valid legal training."""
    person = make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Elin Forsberg")
    return trained(person)


def in_swedish(msgid: str) -> str:
    with translation.override("sv"):
        return gettext(msgid)


def gap_in_swedish(first: date, last: date) -> str:
    """The gap line of the roster table (channels/includes/roster_table.html) in Swedish."""
    with translation.override("sv"):
        if first == last:
            return gettext("Gap: %(day)s") % {"day": date_format(first, "D j F")}
        return gettext("Gap: %(first)s–%(last)s") % {
            "first": date_format(first, "D j F"),
            "last": date_format(last, "D j F"),
        }


def week_row(page, monday: date):
    """The row of the roster table for the ISO week starting on `monday`."""
    return page.locator("table.roster tbody tr").filter(has=page.locator(f"time[datetime='{monday.isoformat()}']"))


def appoint_form(page, channel):
    return page.locator(f"form[action='{reverse('channel_register:appoint', args=[channel.pk])}']")


def roster_form(page, channel):
    return page.locator(f"form[action='{reverse('channel_register:roster', args=[channel.pk])}']")


def open_channel_from_list(page, live_server, channel, *, scan=False):
    """From the main menu to the channel list, then the channel's row; with `scan`, the list
    is checked with axe."""
    page.locator(f".site-nav a[href='{reverse('channel_register:list')}']").click()
    expect(page).to_have_url(url(live_server, "channel_register:list"))
    if scan:
        assert_accessible(page)
    page.locator(f"table a[href='{reverse('channel_register:detail', args=[channel.pk])}']").click()
    expect(page).to_have_url(url(live_server, "channel_register:detail", channel.pk))


def tab_to(page, selector: str, *, limit: int = 60):
    """Press Tab until the element is focused: it is reachable with the keyboard, in order."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"{selector} was not reached with Tab in {limit} presses")


def type_into(page, selector: str, text: str):
    """Tab to a text field, replace its value by typing, as a keyboard user does."""
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    expect(page.locator(selector)).to_have_value(text)


# --- 1. Appointing the owner --------------------------------------------------------------------


def test_chef_sees_an_untrained_person_listed_disabled_and_appoints_a_trained_one(live_server, page, org):
    # A planned channel whose supervision is not secured yet: its checklist shows why (issue 12).
    channel = approved_plan(org).channel
    elin = colleague(org)
    revision = channel.revision
    assert channel.owner is None

    sign_in(page, live_server, "chef")
    open_channel_from_list(page, live_server, channel, scan=True)
    checklist = page.locator("section[aria-labelledby='checklist-heading']")
    expect(checklist.locator(f"a[href='{reverse('channel_register:roster', args=[channel.pk])}']")).to_be_visible()
    assert_accessible(page)
    page.locator(f"a[href='{reverse('channel_register:appoint', args=[channel.pk])}']").click()
    expect(page).to_have_url(url(live_server, "channel_register:appoint", channel.pk))
    assert unlabelled_controls(page, "form.form-section") == []

    # Maja has no training: listed but not selectable, with the reason, and a link to register it.
    maja = page.locator(f"#id_owner option[value='{org.medarbetare.pk}']")
    expect(maja).to_be_disabled()
    expect(maja).to_have_text(f"{org.medarbetare.get_full_name()} ({in_swedish('no training')})")
    register = page.locator(f"a[href='{reverse('people:trainings')}?person={org.medarbetare.pk}']")
    expect(register).to_be_visible()
    assert dangling_aria_references(page) == []
    assert_accessible(page)
    channel.refresh_from_db()
    assert (channel.owner, channel.revision) == (None, revision)

    # Elin has valid training: saved, and the channel's page shows her as owner.
    page.locator("#id_owner").select_option(str(elin.pk))
    appoint_form(page, channel).locator("button[type=submit]").click()
    expect(page).to_have_url(url(live_server, "channel_register:detail", channel.pk) + "#people-heading")
    expect(page.locator(".messages .message--success")).to_be_visible()
    expect(page.locator("section[aria-labelledby='people-heading'] dl.facts")).to_contain_text(elin.get_full_name())
    expect(page.locator("section[aria-labelledby='people-heading'] dl.facts")).not_to_contain_text(
        org.medarbetare.get_full_name()
    )
    channel.refresh_from_db()
    assert (channel.owner, channel.revision) == (elin, revision + 1)
    assert dangling_aria_references(page) == []
    assert_accessible(page)


# --- 2. The summer roster with a gap ------------------------------------------------------------


def test_chef_fills_the_summer_roster_and_sees_the_absence_as_a_gap(live_server, page, org, time_machine):
    year = summer_year(timezone.localdate())
    mondays = {week: iso_monday(year, week) for week in SUMMER_WEEKS}
    absent = mondays[ABSENT_WEEK]

    # The week before the summer weeks: the next 12 weeks shown now include weeks 27–32.
    time_machine.move_to(datetime.combine(iso_monday(year, 26), datetime.min.time(), STOCKHOLM) + timedelta(hours=9))
    assert timezone.localdate() == iso_monday(year, 26)

    channel = active_channel(org)
    elin = colleague(org)
    AbsenceFactory(user=elin, starts_on=absent, ends_on=friday_of(absent))

    sign_in(page, live_server, "chef")
    open_channel_from_list(page, live_server, channel)
    page.locator(f"a[href='{reverse('channel_register:roster', args=[channel.pk])}']").click()
    expect(page).to_have_url(url(live_server, "channel_register:roster", channel.pk))
    assert unlabelled_controls(page, "form.form-section") == []
    assert_accessible(page)

    # Weeks 27–32 with Elin as monitor and no backup.
    page.locator("#id_first_week").fill(str(SUMMER_WEEKS[0]))
    page.locator("#id_first_year").fill(str(year))
    page.locator("#id_last_week").fill(str(SUMMER_WEEKS[-1]))
    page.locator("#id_last_year").fill(str(year))
    page.locator("#id_primary").select_option(str(elin.pk))
    page.locator("#id_backup").select_option("")
    roster_form(page, channel).locator("button[type=submit]").click()

    expect(page).to_have_url(url(live_server, "channel_register:roster", channel.pk))
    expect(page.locator(".messages .message--success")).to_be_visible()
    # (Week 26 keeps the monitor the channel went live with: its factory rostered it.)
    elins = RosterWeek.objects.filter(channel=channel, primary=elin)
    assert sorted(elins.values_list("iso_year", "iso_week", "primary", "backup")) == [
        (year, week, elin.pk, None) for week in SUMMER_WEEKS
    ]

    def assert_summer_outlook():
        """Weeks 27–32 are shown with Elin; only week 29, when she is away, is a gap."""
        for week, monday in mondays.items():
            row = week_row(page, monday)
            expect(row).to_have_count(1)
            expect(row.locator("th[scope=row]")).to_have_text(re.compile(rf"\b{week}\b.*\b{year}\b"))
            expect(row).to_contain_text(elin.get_full_name())
            if week == ABSENT_WEEK:
                expect(row).to_have_class(re.compile(r"\broster__gap\b"))
                expect(row.locator("li.gap")).to_have_count(1)
                expect(row.locator("li.gap")).to_have_text(gap_in_swedish(monday, friday_of(monday)))
            else:
                expect(row).not_to_have_class(re.compile(r"\broster__gap\b"))
                expect(row.locator("li.gap")).to_have_count(0)

    assert_summer_outlook()
    assert dangling_aria_references(page) == []
    assert_accessible(page)

    # The channel's page shows the same weeks, with the same gap.
    page.locator(f"main a[href='{reverse('channel_register:detail', args=[channel.pk])}']").first.click()
    expect(page).to_have_url(url(live_server, "channel_register:detail", channel.pk))
    assert_summer_outlook()
    assert_accessible(page)


# --- 3. The public register ---------------------------------------------------------------------


def test_public_register_lists_the_active_channel_without_signing_in(live_server, page, org):
    channel = active_channel(org)
    planned = Channel.objects.create(
        platform=channel.platform, name="Ännu inte aktiv", url="https://example.se/planerad", unit=org.library
    )

    page.goto(url(live_server, "public_register"))
    expect(page).to_have_url(url(live_server, "public_register"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first.locator("th[scope=row]")).to_have_text(channel.name)
    expect(rows.first.locator(f"a.register-url[href='{channel.url}']")).to_be_visible()
    expect(rows.first).to_contain_text(org.library.name)
    expect(page.locator("main")).not_to_contain_text(planned.name)
    assert_accessible(page)

    json_link = page.locator(f"main a[href='{reverse('public_register_json')}']")
    expect(json_link).to_be_visible()
    response = page.request.get(url(live_server, "public_register_json"))
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    assert [(row["name"], row["url"], row["unit"]) for row in response.json()] == [
        (channel.name, channel.url, org.library.name)
    ]


# --- 4. The keyboard ----------------------------------------------------------------------------


def test_appoint_and_roster_forms_work_with_the_keyboard_alone(live_server, page, org):
    channel = active_channel(org)
    elin = colleague(org)
    sign_in(page, live_server, "chef")

    # The appoint form: Tab to the owner, type the first letters of her name, Tab to Save, Enter.
    page.goto(url(live_server, "channel_register:appoint", channel.pk))
    tab_to(page, "#id_owner")
    page.keyboard.type(elin.get_full_name()[:4])
    expect(page.locator("#id_owner")).to_have_value(str(elin.pk))
    tab_to(page, f"form[action='{reverse('channel_register:appoint', args=[channel.pk])}'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url(live_server, "channel_register:detail", channel.pk) + "#people-heading")
    channel.refresh_from_db()
    assert channel.owner == elin

    # The roster form: weeks typed into the number fields, the monitor chosen by typing, Enter to save.
    first = timezone.localdate() + timedelta(weeks=2)
    last = first + timedelta(weeks=1)
    (first_year, first_week, _), (last_year, last_week, _) = first.isocalendar(), last.isocalendar()
    page.goto(url(live_server, "channel_register:roster", channel.pk))
    type_into(page, "#id_first_week", str(first_week))
    type_into(page, "#id_first_year", str(first_year))
    type_into(page, "#id_last_week", str(last_week))
    type_into(page, "#id_last_year", str(last_year))
    tab_to(page, "#id_primary")
    page.keyboard.type(elin.get_full_name()[:4])
    expect(page.locator("#id_primary")).to_have_value(str(elin.pk))
    tab_to(page, f"form[action='{reverse('channel_register:roster', args=[channel.pk])}'] button[type=submit]")
    page.keyboard.press("Enter")

    expect(page).to_have_url(url(live_server, "channel_register:roster", channel.pk))
    expect(page.locator(".messages .message--success")).to_be_visible()
    # (The channel's factory rostered its own monitor for the first weeks: Elin's are these.)
    elins = RosterWeek.objects.filter(channel=channel, primary=elin)
    assert sorted(elins.values_list("iso_year", "iso_week", "primary")) == [
        (first_year, first_week, elin.pk),
        (last_year, last_week, elin.pk),
    ]
    for monday in (first - timedelta(days=first.weekday()), last - timedelta(days=last.weekday())):
        expect(week_row(page, monday)).to_contain_text(elin.get_full_name())


# --- 5. Updates, the rhythm strip, the feed and the screenshot duties --------------------------


def halves_back(today: date, n: int) -> tuple[int, int]:
    """The half year `n` halves before the one `today` is in, as (year, half)."""
    return past_halves(today, n + 1)[-1]


def test_channel_page_shows_strip_broken_feed_and_duties_accessibly(live_server, page, org):
    today = timezone.localdate()
    channel = active_channel(org)
    trained(org.medarbetare)
    channel = appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    checks = past_weekly_checks(channel, 9, today)  # the oldest of the nine is not shown
    weekly_check(
        channel, monday_of(today) - timedelta(weeks=10), actual=0, missed_in_row=1
    )  # older still: not shown either
    channel.feed_url = "https://example.se/flode.rss"
    channel.save(update_fields=["feed_url"])
    feed_state(channel, checked_at=timezone.now(), succeeded_at=None, error="HTTP 404: Not Found")
    # The current half year: open. The one before: overdue. The one before that: fulfilled.
    now_year, now_half = halves_back(today, 0)
    start, _end = ScreenshotDuty.bounds(now_year, now_half)
    screenshot_duty(channel, now_year, now_half, starts_on=max(start, today - timedelta(days=5)))
    screenshot_duty(channel, *halves_back(today, 1))
    fulfilled = screenshot_duty(channel, *halves_back(today, 2))
    record_screenshot(
        channel.pk,
        actor=org.medarbetare,
        taken_on=fulfilled.period_start + timedelta(days=10),
        url=channel.url,
        **ANSWERED,
        uploads=[png_upload()],
    )

    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "channel_register:detail", channel.pk))
    # The channel's page: the last checked period, written out, and the feed's error.
    last = page.locator("section[aria-labelledby='updates-heading'] .rhythm-cell")
    expect(last).to_have_class(re.compile(r"\brhythm-cell--met\b" if checks[-1].met else r"\brhythm-cell--missed\b"))
    expect(last.locator(".rhythm-cell__result")).not_to_be_empty()
    error = page.locator("section[aria-labelledby='updates-heading'] .feed-error[role='status']")
    expect(error).to_be_visible()
    expect(error.locator(".feed-error__text")).to_have_text("HTTP 404: Not Found")
    assert dangling_aria_references(page) == []
    assert_accessible(page)

    # The strip of the last eight periods is on the update log.
    whole_log = page.locator(f"main a[href='{reverse('channel_register:update_log', args=[channel.pk])}']")
    whole_log.filter(has_text="Hela uppdateringsloggen").click()
    cells = page.locator("ol.rhythm-strip > li")
    expect(cells).to_have_count(8)
    shown = checks[1:]
    for cell, check in zip(cells.all(), shown, strict=True):
        expect(cell.locator("time")).to_have_attribute(
            "datetime", f"{check.starts_on.isocalendar()[0]}-W{check.starts_on.isocalendar()[1]:02d}"
        )
        expect(cell).to_have_class(re.compile(r"\brhythm-cell--met\b" if check.met else r"\brhythm-cell--missed\b"))
        # The result is written out, not only coloured.
        expect(cell.locator(".rhythm-cell__result")).not_to_be_empty()
    results = [cell.locator(".rhythm-cell__result").inner_text() for cell in cells.all()]
    assert len(set(results)) == 2
    assert dangling_aria_references(page) == []
    assert_accessible(page)

    # The duties are on the screenshots page.
    page.goto(url(live_server, "channel_register:detail", channel.pk))
    page.locator(f"main a[href='{reverse('channel_register:screenshots', args=[channel.pk])}']").click()
    duty_rows = page.locator("section[aria-labelledby='duties-heading'] table tbody tr")
    expect(duty_rows).to_have_count(3)
    expect(duty_rows.nth(0).locator(".status--amber")).to_be_visible()
    expect(duty_rows.nth(1).locator(".status--red")).to_be_visible()
    expect(duty_rows.nth(2).locator(".status--green")).to_be_visible()
    assert dangling_aria_references(page) == []
    assert_accessible(page)


def test_owner_logs_an_update_with_the_keyboard_and_sees_it_listed(live_server, page, org):
    channel = active_channel(org)
    trained(org.medarbetare)
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    form_selector = f"form[action='{reverse('channel_register:update_create', args=[channel.pk])}']"
    sign_in(page, live_server, "medarbetare")
    page.goto(url(live_server, "channel_register:detail", channel.pk))
    expect(page.locator("section[aria-labelledby='updates-heading'] table.update-table")).to_have_count(0)

    # From the channel's page to the form with Tab and Enter.
    tab_to(page, f"main a[href='{reverse('channel_register:update_create', args=[channel.pk])}']", limit=120)
    page.keyboard.press("Enter")
    expect(page).to_have_url(url(live_server, "channel_register:update_create", channel.pk))
    expect(page.locator("#id_published_on")).to_have_value(timezone.localdate().isoformat())
    assert unlabelled_controls(page, form_selector) == []
    assert_accessible(page)

    # A link that is not a web address: refused at its field, what was typed is kept.
    type_into(page, "#id_link", "ftp://example.se/inlagg")
    type_into(page, "#id_note", "Författarkväll på torsdag.")
    tab_to(page, f"{form_selector} button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_link_error")).to_be_visible()
    expect(page.locator("#id_link")).to_have_attribute("aria-describedby", re.compile(r"\bid_link_error\b"))
    expect(page.locator("#id_note")).to_have_value("Författarkväll på torsdag.")
    assert ChannelUpdate.objects.count() == 0
    assert dangling_aria_references(page) == []
    assert_accessible(page)

    # Corrected and sent with Enter: back on the channel's page, counted, and listed in the log.
    type_into(page, "#id_link", "https://www.facebook.com/lansbiblioteket/posts/1")
    tab_to(page, f"{form_selector} button[type=submit]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(url(live_server, "channel_register:detail", channel.pk) + "#updates-heading")
    expect(page.locator(".messages .message--success")).to_be_visible()
    # The page counts it; the whole log lists it, with a delete button that asks first.
    expect(page.locator("#updates-summary")).to_have_text(re.compile(r"^1 "))
    assert list(ChannelUpdate.objects.values_list("note", "logged_by")) == [
        ("Författarkväll på torsdag.", org.medarbetare.pk)
    ]
    whole_log = f"main a[href='{reverse('channel_register:update_log', args=[channel.pk])}']"
    tab_to(page, f"{whole_log}:has-text('Hela uppdateringsloggen')", limit=150)
    page.keyboard.press("Enter")
    expect(page).to_have_url(url(live_server, "channel_register:update_log", channel.pk))
    rows = page.locator("table.update-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(org.medarbetare.get_full_name())
    expect(rows.first).to_contain_text("Författarkväll på torsdag.")
    expect(rows.first.locator("a[href='https://www.facebook.com/lansbiblioteket/posts/1']")).to_be_visible()
    assert_accessible(page)
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    rows.first.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    assert len(questions) == 1
    assert ChannelUpdate.objects.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    rows.first.locator("button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".messages .message--success")).to_be_visible()
    expect(page.locator("table.update-table")).to_have_count(0)
    assert ChannelUpdate.objects.count() == 0


@pytest.mark.parametrize("viewport", [None, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_channel_page_summaries_lead_by_keyboard_to_their_pages_accessibly(
    live_server, page, org, settings, tmp_path, viewport
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    channel = active_channel(org)
    trained(org.medarbetare)
    channel = appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)
    record_screenshot(
        channel.pk, actor=org.medarbetare, taken_on=today, url=channel.url, **ANSWERED, uploads=[png_upload("bild.png")]
    )
    log_removal(
        channel.pk,
        actor=org.medarbetare,
        removed_on=today,
        category=RemovalCategory.ADVERTISING,
        description="Reklam för en tävling",
        upload=png_upload("bevis.png"),
    )
    if viewport:
        page.set_viewport_size(viewport)

    sign_in(page, live_server, "medarbetare")
    for name, heading in [
        ("channel_register:update_log", "rhythm-heading"),
        ("channel_register:screenshots", "duties-heading"),
        ("channel_register:removals", None),
    ]:
        page.goto(url(live_server, "channel_register:detail", channel.pk))
        assert_accessible(page)
        # The page's summary links to the whole list; reached with Tab and followed with Enter.
        tab_to(page, f"main a[href='{reverse(name, args=[channel.pk])}'] >> nth=-1", limit=200)
        page.keyboard.press("Enter")
        expect(page).to_have_url(url(live_server, name, channel.pk))
        if heading:
            expect(page.locator(f"#{heading}")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        assert dangling_aria_references(page) == []
        assert_accessible(page)
    expect(page.locator("main table tbody tr")).to_have_count(1)
    expect(page.locator("main table tbody tr").first).to_contain_text("bevis.png")
