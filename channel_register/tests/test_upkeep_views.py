"""The channel's upkeep through its pages: the update log (logged by hand, listed, deleted),
the feed address, and what the channel page shows of them: the rhythm strip, the feed's state,
the screenshot duties.

Messages are compared with the catalogue's Swedish text for their msgid (gettext under
translation.override("sv")), so the tests read the same before and after a wording change in
the catalogue; the layout around them (the error list at the field) is asserted as rendered.
"""

import re
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import ngettext

from channel_register.domain.channels import record_screenshot
from channel_register.domain.updates import log_update
from channel_register.enums import NotCounted, UpdateSource
from channel_register.models import Channel, ChannelUpdate

from .channel_factories import ANSWERED, planned_channel_ready, png_upload
from .channel_pages import (
    STOCKHOLM,
    channel_fixture,  # noqa: F401 (fixture)
    field_error,
    media_fixture,  # noqa: F401 (fixture)
    swedish,
)
from .channel_upkeep_factories import feed_entry, feed_state, monthly_check, screenshot_duty, weekly_check

pytestmark = pytest.mark.django_db


# --- The update log -----------------------------------------------------------------------------


def update_rows(response) -> list[tuple[str, str]]:
    """(source, note) of each row of the update log's page, as listed."""
    return [(update.source, update.note) for update in response.context["page"].object_list]


def test_update_form_shows_today_labels_and_limit(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:update_create", args=[channel.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    today = timezone.localdate().isoformat()
    assert f'<input type="date" name="published_on" value="{today}"' in html
    assert f'max="{today}"' in html
    assert '<label for="id_published_on">' in html
    assert '<label for="id_link">' in html
    assert '<label for="id_note">' in html
    assert 'maxlength="300"' in html


def test_update_form_bad_input_errors_at_fields_values_kept_nothing_stored(client, org, channel):
    client.force_login(org.medarbetare)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = {
        "published_on": tomorrow,
        "link": "ftp://example.se/inlagg",
        "note": "Författarkväll på torsdag. " * 11 + "Välkomna!",
    }

    response = client.post(reverse("channel_register:update_create", args=[channel.pk]), data)

    assert response.status_code == 200
    errors = {
        "published_on": swedish("The date cannot be in the future."),
        "link": swedish("Enter a web address that starts with https:// or http://."),
        "note": response.context["form"].errors["note"][0],
    }
    assert response.context["form"].errors == {field: [message] for field, message in errors.items()}
    assert len(data["note"]) > 300
    html = response.content.decode()
    assert all(field_error(field, message) in html for field, message in errors.items())
    assert f'value="{tomorrow}"' in html
    assert 'value="ftp://example.se/inlagg"' in html
    assert f">\n{escape(data['note'])}</textarea>" in html
    assert ChannelUpdate.objects.count() == 0


def test_update_form_valid_logs_redirects_to_channel_with_message(client, org, channel):
    client.force_login(org.medarbetare)
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {"published_on": yesterday.isoformat(), "link": "example.se/inlagg/7", "note": "Nytt avsnitt."}

    response = client.post(reverse("channel_register:update_create", args=[channel.pk]), data, follow=True)

    assert response.redirect_chain == [(channel.get_absolute_url() + "#updates-heading", 302)]
    assert [str(m) for m in response.context["messages"]] == [swedish("The update has been logged.")]
    stored = ChannelUpdate.objects.get()
    assert (stored.source, timezone.localdate(stored.published_at), stored.link, stored.note, stored.logged_by) == (
        UpdateSource.MANUAL,
        yesterday,
        "https://example.se/inlagg/7",
        "Nytt avsnitt.",
        org.medarbetare,
    )
    summary = response.context["summary"]
    assert (summary.update_count, summary.last_update_at) == (1, stored.published_at)


def test_update_form_planned_channel_refused_nothing_stored(client, org):
    channel = planned_channel_ready(org)
    client.force_login(org.chef)

    response = client.post(
        reverse("channel_register:update_create", args=[channel.pk]),
        {"published_on": timezone.localdate().isoformat()},
    )

    assert response.status_code == 403
    assert ChannelUpdate.objects.count() == 0


def test_update_log_newest_first_both_sources_delete_only_own_manual(client, org, channel):
    today = timezone.localdate()
    log_update(channel, org.medarbetare, published_on=today - timedelta(days=3), note="Äldst")
    log_update(channel, org.chef, published_on=today - timedelta(days=1), note="Chefens")
    feed_entry(channel, timezone.now() - timedelta(days=2), link="https://example.se/flode/1", note="Från flödet")
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:update_log", args=[channel.pk]))

    assert update_rows(response) == [
        (UpdateSource.MANUAL, "Chefens"),
        (UpdateSource.FEED, "Från flödet"),
        (UpdateSource.MANUAL, "Äldst"),
    ]
    assert [update.can_delete for update in response.context["page"].object_list] == [False, False, True]
    html = response.content.decode()
    assert html.count("data-confirm=") == 1
    with translation.override("sv"):
        labels = [str(UpdateSource.MANUAL.label), str(UpdateSource.FEED.label)]
    assert all(f"<td>{escape(label)}</td>" in html for label in labels)
    assert '<a href="https://example.se/flode/1" rel="noopener noreferrer">' in html


def test_update_log_feed_link_not_web_address_shown_as_text(client, org, channel):
    feed_entry(channel, timezone.now(), link="javascript:alert(1)")
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:update_log", args=[channel.pk]))

    html = response.content.decode()
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in html


def test_update_log_not_counted_feed_entry_says_why(client, org, channel):
    entry = feed_entry(channel, timezone.now() - timedelta(days=1), note="Från flödets historik")
    ChannelUpdate.objects.filter(pk=entry.pk).update(not_counted=NotCounted.UNDATED)
    feed_entry(channel, timezone.now() - timedelta(days=2), note="Räknas")
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:update_log", args=[channel.pk]))

    html = response.content.decode()
    source, why = swedish(UpdateSource.FEED.label), swedish(NotCounted.UNDATED.label)
    assert html.count(f'<td>{escape(source)}<br><span class="muted">{escape(why)}</span></td>') == 1
    assert html.count(f"<td>{escape(source)}</td>") == 1


def test_update_log_paginated_26_entries_second_page_has_oldest(client, org, channel):
    today = timezone.localdate()
    for days in range(26):
        log_update(channel, org.medarbetare, published_on=today - timedelta(days=days), note=f"{days} dagar sedan")
    client.force_login(org.kommunikator)
    url = reverse("channel_register:update_log", args=[channel.pk])

    first = client.get(url)
    second = client.get(url, {"sida": 2})

    assert [note for _source, note in update_rows(first)] == [f"{days} dagar sedan" for days in range(25)]
    assert update_rows(second) == [(UpdateSource.MANUAL, "25 dagar sedan")]
    assert 'href="?sida=2"' in first.content.decode()


def test_update_delete_by_logger_removes_entry_with_message(client, org, channel):
    update = log_update(channel, org.medarbetare, published_on=date(2026, 11, 3))
    kept = log_update(channel, org.medarbetare, published_on=date(2026, 11, 4))
    client.force_login(org.medarbetare)

    response = client.post(reverse("channel_register:update_delete", args=[update.pk]), follow=True)

    assert response.redirect_chain == [(reverse("channel_register:update_log", args=[channel.pk]), 302)]
    assert list(ChannelUpdate.objects.values_list("pk", flat=True)) == [kept.pk]
    with translation.override("sv"):
        day = date_format(date(2026, 11, 3), "j F Y")
    assert [str(m) for m in response.context["messages"]] == [
        swedish("The update of %(day)s has been deleted.", day=day)
    ]


def test_update_delete_feed_entry_refused_403_entry_kept(client, org, channel):
    entry = feed_entry(channel, timezone.now())
    client.force_login(org.chef)

    response = client.post(reverse("channel_register:update_delete", args=[entry.pk]))

    assert response.status_code == 403
    assert list(ChannelUpdate.objects.values_list("pk", flat=True)) == [entry.pk]


def test_update_delete_missing_entry_404(client, org, channel):
    update = log_update(channel, org.medarbetare, published_on=timezone.localdate())
    client.force_login(org.medarbetare)
    client.post(reverse("channel_register:update_delete", args=[update.pk]))

    again = client.post(reverse("channel_register:update_delete", args=[update.pk]))

    assert again.status_code == 404


# --- The feed address ---------------------------------------------------------------------------


def test_feed_form_not_web_address_error_at_field_value_kept_nothing_changed(client, org, channel):
    before = Channel.objects.filter(pk=channel.pk).values().get()
    client.force_login(org.medarbetare)

    response = client.post(
        reverse("channel_register:feed_url", args=[channel.pk]), {"feed_url": "ftp://example.se/flode.rss"}
    )

    message = swedish("Enter a web address that starts with https:// or http://.")
    assert response.status_code == 200
    assert response.context["form"].errors == {"feed_url": [message]}
    html = response.content.decode()
    assert field_error("feed_url", message) in html
    assert 'value="ftp://example.se/flode.rss"' in html
    assert Channel.objects.filter(pk=channel.pk).values().get() == before


def test_feed_form_saves_then_clears_with_messages(client, org, channel):
    client.force_login(org.chef)
    url = reverse("channel_register:feed_url", args=[channel.pk])

    saved = client.post(url, {"feed_url": "https://example.se/flode.rss"}, follow=True)
    shown = Channel.objects.get(pk=channel.pk).feed_url
    form = client.get(url)
    cleared = client.post(url, {"feed_url": ""}, follow=True)

    assert saved.redirect_chain == [(channel.get_absolute_url() + "#feed-heading", 302)]
    assert [str(m) for m in saved.context["messages"]] == [
        swedish("The feed address has been saved. The feed is read within a few hours.")
    ]
    assert shown == "https://example.se/flode.rss"
    assert 'value="https://example.se/flode.rss"' in form.content.decode()
    assert [str(m) for m in cleared.context["messages"]] == [
        swedish("The feed address has been removed: no feed is read any more.")
    ]
    assert Channel.objects.get(pk=channel.pk).feed_url == ""


# --- The channel page: updates, the rhythm strip, the feed, the screenshot duties ----------------

MONDAY_WEEK_48 = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)


def section(response, heading_id: str) -> str:
    html = response.content.decode()
    return html.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>", 1)[0]


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def strip_cells(response) -> list[str]:
    strip = section(response, "rhythm-heading").split('<ol class="rhythm-strip"', 1)[1].split("</ol>", 1)[0]
    return [visible_text(cell).replace(" :", ":") for cell in re.findall(r"<li[^>]*>(.*?)</li>", strip, re.S)]


def cell_text(period: str, actual: int, required: int, result: str) -> str:
    count = swedish("%(actual)s of %(required)s", actual=actual, required=required)
    return f"{period}: {count} {result}"


def test_update_log_strip_last_eight_weeks_oldest_first_in_words(client, org, channel, time_machine):
    time_machine.move_to(MONDAY_WEEK_48, tick=False)
    for week, actual, missed_in_row in [
        (39, 0, 1),  # the ninth: not shown
        (40, 2, 0),
        (41, 3, 0),
        (42, 1, 1),
        (43, 0, 2),
        (44, 1, 3),
        (45, 2, 0),
        (46, 2, 0),
        (47, 1, 1),
    ]:
        weekly_check(channel, date.fromisocalendar(2026, week, 1), actual=actual, missed_in_row=missed_in_row)
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:update_log", args=[channel.pk]))

    met, missed = swedish("met"), swedish("missed")
    in_row = {count: swedish("missed, %(count)d in a row") % {"count": count} for count in (2, 3)}
    week = {n: swedish("w. %(week)d") % {"week": n} for n in range(40, 48)}
    assert strip_cells(response) == [
        cell_text(week[40], 2, 2, met),
        cell_text(week[41], 3, 2, met),
        cell_text(week[42], 1, 2, missed),
        cell_text(week[43], 0, 2, in_row[2]),
        cell_text(week[44], 1, 2, in_row[3]),
        cell_text(week[45], 2, 2, met),
        cell_text(week[46], 2, 2, met),
        cell_text(week[47], 1, 2, missed),
    ]
    html = section(response, "rhythm-heading")
    assert html.count("rhythm-cell--met") == 4
    assert html.count("rhythm-cell--missed") == 4
    assert '<time datetime="2026-W40">' in html
    assert '<ol class="rhythm-strip" aria-labelledby="rhythm-heading">' in html


def test_update_log_strip_months_named_in_swedish(client, org, channel, time_machine):
    time_machine.move_to(MONDAY_WEEK_48, tick=False)
    monthly_check(channel, date(2026, 9, 1), actual=2)
    monthly_check(channel, date(2026, 10, 1), actual=0, missed_in_row=1)
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:update_log", args=[channel.pk]))

    with translation.override("sv"):
        september, october = date_format(date(2026, 9, 1), "F Y"), date_format(date(2026, 10, 1), "F Y")
    assert (september, october) == ("september 2026", "oktober 2026")
    assert strip_cells(response) == [
        cell_text(september, 2, 2, swedish("met")),
        cell_text(october, 0, 2, swedish("missed")),
    ]
    assert '<time datetime="2026-10">' in section(response, "rhythm-heading")


def test_channel_page_without_checks_says_so(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert response.context["last_rhythm"] is None
    assert escape(swedish("No week or month has been checked yet.")) in section(response, "updates-heading")


def test_channel_page_broken_feed_error_shown_as_status(client, org, channel, time_machine):
    time_machine.move_to(MONDAY_WEEK_48, tick=False)
    channel.feed_url = "https://example.se/flode.rss"
    channel.save(update_fields=["feed_url"])
    feed_state(
        channel,
        checked_at=datetime(2026, 11, 23, 6, 0, tzinfo=STOCKHOLM),
        succeeded_at=datetime(2026, 11, 20, 18, 0, tzinfo=STOCKHOLM),
        error="HTTP 404: <html> Not Found",
    )
    client.force_login(org.kommunikator)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    html = section(response, "updates-heading")
    box = html.split('<div class="feed-error" role="status">', 1)[1].split("</div>", 1)[0]
    assert '<p class="feed-error__text">HTTP 404: &lt;html&gt; Not Found</p>' in box
    assert escape(swedish("The feed could not be read at the last attempt.")) in box
    assert '<time datetime="2026-11-23T06:00:00+01:00">' in html
    assert '<time datetime="2026-11-20T18:00:00+01:00">' in html
    assert f'href="{reverse("channel_register:feed_url", args=[channel.pk])}"' in html


def test_channel_page_skipped_feed_entries_shown(client, org, channel):
    channel.feed_url = "https://example.se/flode.rss"
    channel.save(update_fields=["feed_url"])
    feed_state(channel, checked_at=timezone.now(), succeeded_at=timezone.now(), new_entries=2, skipped_entries=1)
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    html = section(response, "updates-heading")
    with translation.override("sv"):
        skipped = ngettext(
            "%(counter)s post of the feed could not be stored and was skipped; the others were read. "
            "It is tried again at the next read.",
            "%(counter)s posts of the feed could not be stored and were skipped; the others were read. "
            "They are tried again at the next read.",
            1,
        ) % {"counter": 1}
    assert f"<dd>{escape(skipped)}</dd>" in html
    assert "feed-error" not in html


def test_channel_page_feed_state_of_old_address_not_shown(client, org, channel):
    channel.feed_url = "https://example.se/ny.rss"
    channel.save(update_fields=["feed_url"])
    feed_state(channel, url="https://example.se/gammal.rss", checked_at=timezone.now(), error="HTTP 500")
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    html = section(response, "updates-heading")
    assert "feed-error" not in html
    assert escape(swedish("Not read yet at this address: the feed is read within a few hours.")) in html


def test_screenshots_page_duties_fulfilled_overdue_open(client, org, channel, time_machine):
    time_machine.move_to(MONDAY_WEEK_48, tick=False)
    screenshot_duty(channel, 2025, 2)
    screenshot_duty(channel, 2026, 1)
    screenshot_duty(channel, 2026, 2, starts_on=date(2026, 11, 10))
    record_screenshot(
        channel.pk,
        actor=org.medarbetare,
        taken_on=date(2025, 9, 1),
        url="https://www.facebook.com/lansbiblioteket",
        **ANSWERED,
        uploads=[png_upload()],
    )
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:screenshots", args=[channel.pk]))

    states = [(s.duty.label, s.fulfilled, s.overdue, s.escalates_on) for s in response.context["duties"]]
    assert states == [
        ("H2 2026", False, False, date(2026, 12, 10)),
        ("H1 2026", False, True, date(2026, 1, 31)),
        ("H2 2025", True, False, date(2025, 7, 31)),
    ]
    table = section(response, "duties-heading").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [visible_text(row) for row in table.split("<tr>")[1:]]
    with translation.override("sv"):
        open_text = swedish(
            "Record a screenshot before %(day)s, or the unit's manager is told.",
            day=date_format(date(2026, 12, 10), "j F Y"),
        )
        overdue_text = swedish(
            "No screenshot record within 30 days: the unit's manager is told from %(day)s.",
            day=date_format(date(2026, 1, 31), "j F Y"),
        )
    assert rows[0].endswith(f"{swedish('Open')} {open_text}")
    assert rows[1].endswith(f"{swedish('Overdue')} {overdue_text}")
    assert rows[2].endswith(swedish("Fulfilled"))
    assert rows[0].startswith("juli–december 2026 (H2 2026)")
