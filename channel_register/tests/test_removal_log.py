"""The removal log (posts or comments removed from a channel): each entry keeps its checked
evidence, and the log is append-only: no edit and no delete, in the application or the admin."""

import hashlib
import io
import re
from datetime import date

import pikepdf
import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.enums import Role
from accounts.tests.factories import make_user
from channel_register.domain.channels import appoint, log_removal
from channel_register.enums import RemovalCategory
from channel_register.models import RemovalEntry
from kob_social.errors import Incomplete, NotAllowed

from .channel_factories import active_channel, png_bytes, png_upload, trained
from .test_uploads import pdf_bytes

pytestmark = pytest.mark.django_db

NOT_AN_ACCEPTED_KIND = (
    "Endast PNG-, JPEG- och PDF-filer tas emot. Den här filen är av ett annat slag, oavsett vad namnet säger."
)
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored evidence lands in this test's own directory, so "nothing stored" can be seen."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def channel(org):
    """An active Länsbiblioteket channel owned by `medarbetare`."""
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def stored_files(media) -> list[str]:
    return sorted(str(path.relative_to(media)) for path in media.rglob("*") if path.is_file())


def log(channel, actor, upload, **kwargs) -> RemovalEntry:
    values = {
        "removed_on": date(2027, 3, 4),
        "category": RemovalCategory.PERSONAL_DATA,
        "description": "Kommentar med en annan persons personnummer och adress.",
        "police_report": False,
        "diarienummer": "KUN2027-00042",
    }
    values.update(kwargs)
    return log_removal(channel.pk, actor=actor, upload=upload, **values)


@pytest.fixture
def entry(org, channel) -> RemovalEntry:
    return log(channel, org.medarbetare, png_upload("kommentar.png"))


# --- Logging ------------------------------------------------------------------------------------


def test_log_removal_stores_entry_with_checked_evidence(org, channel, media):
    entry = log(
        channel,
        org.medarbetare,
        png_upload("../skärmdump av kränkande kommentar.png"),
        category=RemovalCategory.OFFENSIVE,
        description="  Hotfull kommentar mot en medarbetare.\n",
        police_report=True,
        diarienummer=" KUN2027-00043 ",
    )

    stored = RemovalEntry.objects.get(pk=entry.pk)
    with stored.file.open("rb") as handle:
        data = handle.read()
    assert (
        stored.channel,
        stored.removed_on,
        stored.category,
        stored.description,
        stored.police_report,
        stored.diarienummer,
        stored.created_by,
    ) == (
        channel,
        date(2027, 3, 4),
        "krankande",
        "Hotfull kommentar mot en medarbetare.",
        True,
        "KUN2027-00043",
        org.medarbetare,
    )
    assert (stored.original_name, stored.content_type, stored.size, stored.sha256) == (
        "skärmdump av kränkande kommentar.png",
        "image/png",
        len(data),
        hashlib.sha256(data).hexdigest(),
    )
    assert re.fullmatch(r"uploads/\d{4}/\d{2}/[0-9a-f]{32}\.png", stored.file.name)
    assert stored_files(media) == [stored.file.name]


def test_log_removal_pdf_evidence_kept_as_inspected(org, channel):
    original = pdf_bytes()

    entry = log(channel, org.chef, SimpleUploadedFile("polisanmälan.pdf", original))

    with entry.file.open("rb") as handle:
        data = handle.read()
    # What is stored is qpdf's rewrite of the file, the bytes that were checked: one page still.
    assert (entry.sha256, entry.size, entry.content_type) == (
        hashlib.sha256(data).hexdigest(),
        len(data),
        "application/pdf",
    )
    assert len(pikepdf.open(io.BytesIO(data)).pages) == 1


def test_log_removal_png_evidence_is_reencoded(org, channel):
    original = png_bytes(width=32, height=16)

    entry = log(channel, org.kommunikator, SimpleUploadedFile("bevis.png", original))

    with entry.file.open("rb") as handle:
        data = handle.read()
    assert (entry.sha256, entry.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert entry.file.name.endswith(".png")
    assert not entry.file.name.endswith("bevis.png")


@pytest.mark.parametrize("actor", ["colleague", "medarbetare2", "chef2", "direktor"])
def test_log_removal_by_person_not_on_channel_not_allowed(org, channel, media, actor):
    colleague = make_user(Role.MEDARBETARE, unit=org.library, full_name="Nils Kollega")
    person = colleague if actor == "colleague" else getattr(org, actor)

    with pytest.raises(NotAllowed):
        log(channel, person, png_upload())

    assert (RemovalEntry.objects.count(), stored_files(media)) == (0, [])


@pytest.mark.parametrize(
    ("name", "content"),
    [("bild.svg", SVG_WITH_SCRIPT), ("bild.png", SVG_WITH_SCRIPT), ("skärmdump.png", HTML)],
    ids=["svg", "svg-as-png", "html-as-png"],
)
def test_log_removal_disguised_evidence_refused_nothing_stored(org, channel, media, name, content):
    with pytest.raises(Incomplete) as refused:
        log(channel, org.medarbetare, SimpleUploadedFile(name, content, content_type="image/png"))

    assert refused.value.errors == {"evidence": [NOT_AN_ACCEPTED_KIND]}
    assert (RemovalEntry.objects.count(), stored_files(media)) == (0, [])


def test_log_removal_unknown_category_refused(org, channel, media, english):
    with pytest.raises(Incomplete) as refused:
        log(channel, org.medarbetare, png_upload(), category="hatbrott")

    assert refused.value.errors == {"category": ["Choose one of the categories."]}
    assert (RemovalEntry.objects.count(), stored_files(media)) == (0, [])


# --- Append-only --------------------------------------------------------------------------------


def test_removal_entry_save_existing_raises(entry):
    before = RemovalEntry.objects.filter(pk=entry.pk).values().get()
    entry.description = "Ändrad i efterhand."
    entry.police_report = True

    with pytest.raises(PermissionDenied):
        entry.save()

    assert RemovalEntry.objects.filter(pk=entry.pk).values().get() == before


def test_removal_entry_delete_raises(entry, media):
    files_before = stored_files(media)

    with pytest.raises(PermissionDenied):
        entry.delete()

    assert (list(RemovalEntry.objects.values_list("pk", flat=True)), stored_files(media)) == ([entry.pk], files_before)


def test_removal_entries_bulk_update_raises(entry):
    before = list(RemovalEntry.objects.values())

    with pytest.raises(PermissionDenied):
        RemovalEntry.objects.filter(pk=entry.pk).update(description="Ändrad i efterhand.")

    assert list(RemovalEntry.objects.values()) == before


def test_removal_entries_bulk_delete_raises(entry):
    with pytest.raises(PermissionDenied):
        RemovalEntry.objects.all().delete()

    assert list(RemovalEntry.objects.values_list("pk", flat=True)) == [entry.pk]


def test_removal_entries_through_channel_update_and_delete_raise(entry):
    before = list(RemovalEntry.objects.values())

    with pytest.raises(PermissionDenied):
        entry.channel.removals.update(police_report=True)
    with pytest.raises(PermissionDenied):
        entry.channel.removals.all().delete()

    assert list(RemovalEntry.objects.values()) == before


# --- The Django admin ---------------------------------------------------------------------------


@pytest.fixture
def admin_client_of(client, org):
    client.force_login(org.admin)
    return client


def test_admin_removal_entry_change_form_read_only(admin_client_of, entry):
    response = admin_client_of.get(reverse("admin:channel_register_removalentry_change", args=[entry.pk]))

    assert response.status_code == 200
    assert (response.context["has_change_permission"], response.context["has_delete_permission"]) == (False, False)
    assert b'name="description"' not in response.content


def test_admin_removal_entry_change_post_forbidden(admin_client_of, entry):
    before = RemovalEntry.objects.filter(pk=entry.pk).values().get()

    response = admin_client_of.post(
        reverse("admin:channel_register_removalentry_change", args=[entry.pk]),
        {
            "channel": entry.channel_id,
            "removed_on": "2027-01-01",
            "category": RemovalCategory.OTHER,
            "description": "Ändrad i admin.",
            "police_report": "on",
            "diarienummer": "ÄNDRAT",
            "created_by": entry.created_by_id,
        },
    )

    assert response.status_code == 403
    assert RemovalEntry.objects.filter(pk=entry.pk).values().get() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_removal_entry_delete_forbidden(admin_client_of, entry, method):
    response = getattr(admin_client_of, method)(
        reverse("admin:channel_register_removalentry_delete", args=[entry.pk]),
        {"post": "yes"} if method == "post" else None,
    )

    assert response.status_code == 403
    assert list(RemovalEntry.objects.values_list("pk", flat=True)) == [entry.pk]


def test_admin_removal_entry_bulk_delete_action_unavailable(admin_client_of, entry):
    changelist = reverse("admin:channel_register_removalentry_changelist")

    response = admin_client_of.post(
        changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )

    # No bulk action is offered at all, so the admin shows the list again and deletes nothing.
    assert (response.status_code, response.context["action_form"]) == (200, None)
    assert list(RemovalEntry.objects.values_list("pk", flat=True)) == [entry.pk]


@pytest.mark.parametrize("method", ["get", "post"])
def test_admin_removal_entry_add_forbidden(admin_client_of, channel, method):
    response = getattr(admin_client_of, method)(reverse("admin:channel_register_removalentry_add"))

    assert response.status_code == 403
    assert RemovalEntry.objects.count() == 0
