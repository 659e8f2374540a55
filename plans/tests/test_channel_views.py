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
from django.utils.html import escape
from django.utils.translation import gettext
from PIL import Image

from accounts.enums import AbsenceKind, Course, Role
from accounts.tests.factories import make_user
from plans.domain.channels import appoint, set_checklist_item
from plans.enums import Action, ChannelAction, ChannelStatus, ChecklistItem, PlanStatus, RemovalCategory
from plans.models import Channel, ClosureRequest, RemovalEntry, RosterWeek, Screenshot, ScreenshotFile

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
