"""The channel pages through the real views: uploads refused with a Swedish message at the
file field and nothing stored, downloads as attachments, go-live and closing with their
blockers, appointments refused for untrained people, the roster with a gap, stale forms.

Messages are compared with the catalogue's Swedish text for their msgid (gettext under
translation.override("sv")), so the tests read the same before and after a wording change in
the catalogue; the layout around them (the error list at the field) is asserted as rendered.
"""

import hashlib
import io
import re
from datetime import date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from accounts.enums import AbsenceKind, Course, Role
from accounts.tests.factories import make_user
from plans.domain.channels import appoint, record_screenshot, set_checklist_item
from plans.domain.updates import log_update
from plans.enums import Action, ChannelAction, ChannelStatus, ChecklistItem, PlanStatus, RemovalCategory, UpdateSource
from plans.models import (
    Channel,
    ChannelUpdate,
    ClosureRequest,
    RemovalEntry,
    RosterWeek,
    Screenshot,
    ScreenshotFile,
)

from .channel_factories import (
    ANALYSIS,
    active_channel,
    approved_plan,
    planned_channel_ready,
    png_bytes,
    png_upload,
    tick_all,
    trained,
)
from .channel_upkeep_factories import feed_entry, feed_state, monthly_check, screenshot_duty, weekly_check
from .factories import complete_plan

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
GENERATED_NAME = re.compile(r"uploads/\d{4}/\d{2}/[0-9a-f]{32}\.png")

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
NOT_AN_ACCEPTED_KIND = (
    "Only PNG, JPEG and PDF files are accepted. This file is of another kind, whatever its name says."
)


def swedish(msgid: str, **params) -> str:
    """The text a Swedish visitor reads for `msgid` (the msgid itself until it is translated)."""
    with translation.override("sv"):
        text = gettext(msgid)
        return text % {key: str(value) for key, value in params.items()} if params else text


def too_large_file() -> str:
    with translation.override("sv"):
        size = filesizeformat(settings.UPLOAD_MAX_BYTES)
    return swedish("The file is too large: at most %(size)s is allowed.", size=size)


def too_many_pixels() -> str:
    pixels = f"{settings.UPLOAD_MAX_PIXELS:,}".replace(",", " ")
    return swedish("The image is too large: at most %(pixels)s pixels are allowed.", pixels=pixels)


@cache
def huge_png() -> bytes:
    """20000 × 20000 pixels: 400 million, yet a few hundred kB as a one-bit PNG."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")
    return out.getvalue()


def twenty_five_mb() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\0" * (25 * 1024 * 1024)


REFUSED_UPLOADS = {
    "svg-with-script": ("bild.svg", lambda: SVG_WITH_SCRIPT, lambda: swedish(NOT_AN_ACCEPTED_KIND)),
    "html-renamed-png": ("bild.png", lambda: HTML, lambda: swedish(NOT_AN_ACCEPTED_KIND)),
    "25-mb": ("stor.png", twenty_five_mb, too_large_file),
    "20000x20000-px": ("jätte.png", huge_png, too_many_pixels),
}

# The file field of each form, and the rest of a valid form.
FORMS = {
    "screenshot_create": "files",
    "removal_create": "evidence",
}


def form_data(form: str) -> dict:
    today = timezone.localdate().isoformat()
    if form == "screenshot_create":
        return {"taken_on": today, "url": "https://www.facebook.com/lansbiblioteketuppsala"}
    return {"removed_on": today, "category": RemovalCategory.UNLAWFUL, "description": "Hot mot en anställd."}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored files land in this test's own directory, so that "nothing stored" can be seen;
    the directory above it stays empty unless a file name escapes MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def channel(org):
    """An active Länsbiblioteket channel owned by a trained `medarbetare`."""
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def stored_files(root) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def nothing_stored(media) -> bool:
    counts = [model.objects.count() for model in (Screenshot, ScreenshotFile, RemovalEntry)]
    return counts == [0, 0, 0] and stored_files(media.parent) == []


def field_error(field: str, message: str) -> str:
    """The error list at a field, as templates/includes/field.html renders it."""
    return f'<ul class="errorlist" id="id_{field}_error"><li>{escape(message)}</li></ul>'


def multipart(fields: dict, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    """A form body with the file name exactly as given: the test client would reduce a path to
    its last component before sending, a browser or a script need not."""
    boundary = "KoBSocialTestGrans"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{filename}"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    body = b"".join(parts) + head + content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


# --- Uploads refused --------------------------------------------------------------------------


@pytest.mark.parametrize("case", REFUSED_UPLOADS)
@pytest.mark.parametrize("form", FORMS)
def test_upload_refused_swedish_message_at_file_field_nothing_stored(client, org, channel, media, form, case):
    name, content, message = REFUSED_UPLOADS[case]
    field = FORMS[form]
    client.force_login(org.medarbetare)

    response = client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]),
        {**form_data(form), field: SimpleUploadedFile(name, content())},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message()]}
    assert field_error(field, message()) in response.content.decode()
    assert nothing_stored(media)


def test_screenshot_good_file_beside_refused_one_nothing_stored(client, org, channel, media):
    client.force_login(org.medarbetare)
    files = [png_upload("bra.png"), SimpleUploadedFile("bild.png", HTML)]

    response = client.post(
        reverse("channel_register:screenshot_create", args=[channel.pk]),
        {**form_data("screenshot_create"), "files": files},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"files": [swedish(NOT_AN_ACCEPTED_KIND)]}
    assert nothing_stored(media)


@pytest.mark.parametrize(
    "filename",
    ["../../../../etc/evil.png", "..\\..\\windows\\system32\\evil.png", "/var/www/html/evil.png"],
)
@pytest.mark.parametrize("form", FORMS)
def test_upload_path_traversal_name_stored_under_generated_name(client, org, channel, media, form, filename):
    client.force_login(org.medarbetare)
    body, content_type = multipart(form_data(form), FORMS[form], filename, png_bytes())

    response = client.post(reverse(f"channel_register:{form}", args=[channel.pk]), data=body, content_type=content_type)

    assert response.status_code == 302
    row = ScreenshotFile.objects.get() if form == "screenshot_create" else RemovalEntry.objects.get()
    assert row.original_name == "evil.png"
    assert GENERATED_NAME.fullmatch(row.file.name)
    assert stored_files(media.parent) == [f"media/{row.file.name}"]


# --- Downloads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "kind", "name", "disposition"),
    [
        ("screenshot_create", "skarmdump", "skärmdump.png", "attachment; filename*=utf-8''sk%C3%A4rmdump.png"),
        ("removal_create", "bevis", "bevis.png", 'attachment; filename="bevis.png"'),
    ],
)
def test_download_same_bytes_as_attachment_nosniff(client, org, channel, media, form, kind, name, disposition):
    client.force_login(org.medarbetare)
    client.post(
        reverse(f"channel_register:{form}", args=[channel.pk]), {**form_data(form), FORMS[form]: png_upload(name)}
    )
    row = ScreenshotFile.objects.get() if kind == "skarmdump" else RemovalEntry.objects.get()
    with row.file.open("rb") as handle:
        stored = handle.read()
    client.force_login(org.kommunikator)

    response = client.get(reverse("channel_register:download", args=[kind, row.pk]))

    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == stored
    assert hashlib.sha256(body).hexdigest() == row.sha256
    assert response["Content-Disposition"] == disposition
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- Go-live ----------------------------------------------------------------------------------


def not_ticked(item: ChecklistItem) -> str:
    with translation.override("sv"):
        return swedish("Not ticked: %(item)s.", item=item.label)


def activate(client, channel: Channel):
    data = {"action": ChannelAction.ACTIVATE, "revision": channel.revision}
    return client.post(reverse("channel_register:status", args=[channel.pk]), data, follow=True)


def page_blockers(response) -> list[str]:
    return [blocker for entry in response.context["status_actions"] for blocker in entry["blockers"]]


def test_activate_without_checklist_refused_page_lists_blockers(client, org):
    channel = approved_plan(org).channel
    set_checklist_item(channel.pk, ChecklistItem.LINKED_FROM_WEBSITE, actor=org.chef, ticked=True)
    client.force_login(org.chef)

    response = activate(client, channel)

    expected = [not_ticked(ChecklistItem.INFORMATION_SHOWN), not_ticked(ChecklistItem.ADMIN_ACCOUNTS_DOCUMENTED)]
    assert response.redirect_chain == [(channel.get_absolute_url() + "#status-heading", 302)]
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.PLANERAD
    assert page_blockers(response) == expected
    html = response.content.decode()
    assert all(f"<li>{escape(blocker)}</li>" in html for blocker in expected)
    assert f'value="{ChannelAction.ACTIVATE.value}"' not in html


def test_activate_without_approved_plan_refused_page_lists_blocker(client, org):
    channel = complete_plan(org.medarbetare).channel
    tick_all(channel, org.chef)
    client.force_login(org.chef)

    response = activate(client, channel)

    blocker = swedish("The channel has no approved plan.")
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.PLANERAD
    assert page_blockers(response) == [blocker]
    assert f"<li>{escape(blocker)}</li>" in response.content.decode()
    message = swedish("The channel cannot be activated yet: %(reasons)s", reasons=blocker)
    assert [str(m) for m in response.context["messages"]] == [message]


def test_activate_with_approved_plan_and_checklist_activates(client, org):
    channel = planned_channel_ready(org)
    client.force_login(org.kommunikator)

    response = activate(client, channel)

    stored = Channel.objects.get(pk=channel.pk)
    assert (stored.status, stored.activated_at is not None, stored.revision) == (
        ChannelStatus.AKTIV,
        True,
        channel.revision + 1,
    )
    assert [str(m) for m in response.context["messages"]] == [swedish("The channel is now active.")]


def test_channel_status_stale_revision_409_nothing_changed(client, org, channel):
    stale = channel.revision
    appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=None)
    before = Channel.objects.filter(pk=channel.pk).values().get()
    client.force_login(org.chef)

    response = client.post(
        reverse("channel_register:status", args=[channel.pk]), {"action": ChannelAction.PAUSE, "revision": stale}
    )

    assert response.status_code == 409
    assert response.templates[0].name == "channels/conflict.html"
    assert Channel.objects.filter(pk=channel.pk).values().get() == before


# --- People -----------------------------------------------------------------------------------


def test_appoint_untrained_owner_refused_message_at_field_selection_kept(client, org, channel):
    untrained = make_user(Role.MEDARBETARE, unit=org.library, username="otranad", full_name="Olle Otränad")
    colleague = trained(make_user(Role.MEDARBETARE, unit=org.library, username="kollega", full_name="Per Kollega"))
    before = Channel.objects.filter(pk=channel.pk).values().get()
    client.force_login(org.chef)

    response = client.post(
        reverse("channel_register:appoint", args=[channel.pk]),
        {
            "owner": untrained.pk,
            "screenshot_responsible": org.medarbetare.pk,
            "others": [colleague.pk],
            "revision": channel.revision,
        },
    )

    with translation.override("sv"):
        message = swedish(
            "%(name)s has no valid training: %(course)s.", name="Olle Otränad", course=Course.LEGAL_BASICS.label
        )
    assert response.status_code == 200
    assert response.context["form"].errors == {"owner": [message]}
    html = response.content.decode()
    assert field_error("owner", message) in html
    assert f'<option value="{untrained.pk}" selected>' in html
    assert f'<option value="{colleague.pk}" selected>' in html
    assert Channel.objects.filter(pk=channel.pk).values().get() == before
    assert list(channel.others.all()) == []


# --- Roster -----------------------------------------------------------------------------------


def test_roster_weeks_27_to_32_assigned_page_marks_absence_gap(client, org, time_machine):
    time_machine.move_to(datetime(2027, 6, 21, 9, 0, tzinfo=STOCKHOLM), tick=False)  # Monday of week 25
    channel = active_channel(org)
    trained(org.medarbetare)
    client.force_login(org.chef)
    roster = {
        "first_year": 2027,
        "first_week": 27,
        "last_year": 2027,
        "last_week": 32,
        "primary": org.medarbetare.pk,
        "backup": "",
    }
    absence = {
        "person": org.medarbetare.pk,
        "kind": AbsenceKind.SEMESTER,
        "starts_on": "2027-07-19",  # Monday to Friday of week 29
        "ends_on": "2027-07-23",
    }

    saved = client.post(reverse("channel_register:roster", args=[channel.pk]), roster)
    away = client.post(reverse("channel_register:absences"), absence)
    page = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert (saved.status_code, away.status_code) == (302, 302)
    assert list(
        RosterWeek.objects.filter(channel=channel).values_list("iso_year", "iso_week", "primary", "backup")
    ) == [(2027, week, org.medarbetare.pk, None) for week in range(27, 33)]
    weeks = {row["week"].iso_week: row for row in page.context["roster"]}
    assert [week for week in range(27, 33) if weeks[week]["week"].is_gap] == [29]
    assert weeks[29]["gaps"] == [(date(2027, 7, 19), date(2027, 7, 23))]
    rows = {re.search(r'datetime="(\d{4}-\d\d-\d\d)"', row).group(1): row for row in roster_rows(page)}
    assert 'class="roster__gap"' in rows["2027-07-19"]
    assert [monday for monday, row in rows.items() if 'class="roster__gap"' not in row] == [
        (date(2027, 7, 5) + timedelta(weeks=i)).isoformat() for i in range(6) if i != 2
    ]


def roster_rows(response) -> list[str]:
    table = response.content.decode().split('<table class="roster">', 1)[1].split("</table>", 1)[0]
    return table.split("<tr")[2:]  # after the text before the first row and the header row


# --- Closure ----------------------------------------------------------------------------------

CHAIN = ["chef", "kommunikator", "direktor"]


def close(client, channel: Channel):
    channel.refresh_from_db()
    data = {"action": ChannelAction.CLOSE, "revision": channel.revision}
    return client.post(reverse("channel_register:status", args=[channel.pk]), data, follow=True)


def decide(client, person, closure: ClosureRequest, action: Action) -> int:
    closure.refresh_from_db()
    client.force_login(person)
    data = {"action": action, "revision": closure.revision, "comment": ""}
    url = reverse("channel_register:closure_action", args=[closure.pk])
    # Followed, so that the confirmation is read there and not left for the next page.
    return client.post(url, data, follow=True).redirect_chain[0][1]


def screenshot(client, channel: Channel, *, final: bool) -> int:
    data = {**form_data("screenshot_create"), "files": png_upload("slutlig.png")}
    if final:
        data["is_final"] = "on"
    url = reverse("channel_register:screenshot_create", args=[channel.pk])
    return client.post(url, data, follow=True).redirect_chain[0][1]


def test_closure_through_chain_avvecklas_close_needs_final_screenshot(client, org, channel):
    client.force_login(org.medarbetare)
    created = client.post(
        reverse("channel_register:closure_create", args=[channel.pk]), {**ANALYSIS, "skicka_in": "1"}, follow=True
    )
    closure = ClosureRequest.objects.get(channel=channel)
    assert (created.redirect_chain, closure.status) == ([(closure.get_absolute_url(), 302)], PlanStatus.HOS_CHEF)

    decisions = [decide(client, getattr(org, person), closure, Action.APPROVE) for person in CHAIN]
    channel.refresh_from_db()
    assert (decisions, channel.status) == ([302, 302, 302], ChannelStatus.AVVECKLAS)
    closure.refresh_from_db()
    assert closure.status == PlanStatus.GODKAND

    client.force_login(org.chef)
    without = close(client, channel)
    blocker = swedish("A final screenshot record is needed before the channel is closed.")
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.AVVECKLAS
    assert page_blockers(without) == [blocker]
    assert [str(m) for m in without.context["messages"]] == [
        swedish("The channel cannot be closed yet: %(reasons)s", reasons=blocker)
    ]

    assert screenshot(client, channel, final=False) == 302
    not_final = close(client, channel)
    assert Channel.objects.get(pk=channel.pk).status == ChannelStatus.AVVECKLAS
    assert page_blockers(not_final) == [blocker]

    client.force_login(org.medarbetare)
    assert screenshot(client, channel, final=True) == 302
    client.force_login(org.chef)
    closed = close(client, channel)
    stored = Channel.objects.get(pk=channel.pk)
    assert (stored.status, stored.closed_at is not None) == (ChannelStatus.AVSLUTAD, True)
    assert [str(m) for m in closed.context["messages"]] == [swedish("The channel has been closed.")]


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
    assert [update.pk for update in response.context["latest_updates"]] == [stored.pk]


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
    strip = section(response, "updates-heading").split('<ol class="rhythm-strip"', 1)[1].split("</ol>", 1)[0]
    return [visible_text(cell).replace(" :", ":") for cell in re.findall(r"<li[^>]*>(.*?)</li>", strip, re.S)]


def cell_text(period: str, actual: int, required: int, result: str) -> str:
    count = swedish("%(actual)s of %(required)s", actual=actual, required=required)
    return f"{period}: {count} {result}"


def test_channel_page_strip_last_eight_weeks_oldest_first_in_words(client, org, channel, time_machine):
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

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

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
    html = section(response, "updates-heading")
    assert html.count("rhythm-cell--met") == 4
    assert html.count("rhythm-cell--missed") == 4
    assert '<time datetime="2026-W40">' in html
    assert '<ol class="rhythm-strip" aria-labelledby="rhythm-heading">' in html
    assert swedish("per week") in visible_text(html)


def test_channel_page_strip_months_named_in_swedish(client, org, channel, time_machine):
    time_machine.move_to(MONDAY_WEEK_48, tick=False)
    monthly_check(channel, date(2026, 9, 1), actual=2)
    monthly_check(channel, date(2026, 10, 1), actual=0, missed_in_row=1)
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    with translation.override("sv"):
        september, october = date_format(date(2026, 9, 1), "F Y"), date_format(date(2026, 10, 1), "F Y")
    assert (september, october) == ("september 2026", "oktober 2026")
    assert strip_cells(response) == [
        cell_text(september, 2, 2, swedish("met")),
        cell_text(october, 0, 2, swedish("missed")),
    ]
    assert '<time datetime="2026-10">' in section(response, "updates-heading")


def test_channel_page_without_checks_says_so(client, org, channel):
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    assert response.context["rhythm_cells"] == []
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


def test_channel_page_feed_state_of_old_address_not_shown(client, org, channel):
    channel.feed_url = "https://example.se/ny.rss"
    channel.save(update_fields=["feed_url"])
    feed_state(channel, url="https://example.se/gammal.rss", checked_at=timezone.now(), error="HTTP 500")
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    html = section(response, "updates-heading")
    assert "feed-error" not in html
    assert escape(swedish("Not read yet at this address: the feed is read within a few hours.")) in html


def test_channel_page_duties_fulfilled_overdue_open(client, org, channel, time_machine):
    time_machine.move_to(MONDAY_WEEK_48, tick=False)
    screenshot_duty(channel, 2025, 2)
    screenshot_duty(channel, 2026, 1)
    screenshot_duty(channel, 2026, 2, starts_on=date(2026, 11, 10))
    record_screenshot(
        channel.pk,
        actor=org.medarbetare,
        taken_on=date(2025, 9, 1),
        url="https://www.facebook.com/lansbiblioteket",
        uploads=[png_upload()],
    )
    client.force_login(org.medarbetare)

    response = client.get(reverse("channel_register:detail", args=[channel.pk]))

    states = [(s.duty.label, s.fulfilled, s.overdue, s.escalates_on) for s in response.context["duties"]]
    assert states == [
        ("H2 2026", False, False, date(2026, 12, 10)),
        ("H1 2026", False, True, date(2026, 1, 31)),
        ("H2 2025", True, False, date(2025, 7, 31)),
    ]
    table = section(response, "screenshots-heading").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
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
