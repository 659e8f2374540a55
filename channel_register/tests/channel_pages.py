"""What the tests of the channel's pages share (test_upload_views.py,
test_channel_life_views.py, test_upkeep_views.py): the Swedish text of a msgid, the error list
at a field, the rest of a valid screenshot or removal form, and two fixtures: `media` (autouse)
and `channel`.

The fixtures are functions named `*_fixture` registered under their own names: a test module
imports them (with `# noqa: F401`, as only pytest looks them up) and its tests ask for `media`
and `channel`, parameters that then shadow no import. `media` is autouse, so every test of a
module that imports it stores its files in its own directory.
"""

from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from channel_register.domain.channels import appoint
from channel_register.enums import RemovalCategory

from .channel_factories import active_channel, trained

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def swedish(msgid: str, **params) -> str:
    """The text a Swedish visitor reads for `msgid` (the msgid itself until it is translated)."""
    with translation.override("sv"):
        text = gettext(msgid)
        return text % {key: str(value) for key, value in params.items()} if params else text


# The rest of a valid form, beside its file field (FORMS in test_upload_views.py).
def form_data(form: str) -> dict:
    today = timezone.localdate().isoformat()
    if form == "screenshot_create":
        return {
            "taken_on": today,
            "url": "https://www.facebook.com/lansbiblioteketuppsala",
            "alt_texts_checked": "ja",
            "captions_checked": "nej",
        }
    return {"removed_on": today, "category": RemovalCategory.UNLAWFUL, "description": "Hot mot en anställd."}


@pytest.fixture(name="media", autouse=True)
def media_fixture(settings, tmp_path):
    """Stored files land in this test's own directory, so that "nothing stored" can be seen;
    the directory above it stays empty unless a file name escapes MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(name="channel")
def channel_fixture(org):
    """An active Länsbiblioteket channel owned by a trained `medarbetare`."""
    channel = active_channel(org)
    trained(org.medarbetare)
    return appoint(channel.pk, actor=org.chef, owner=org.medarbetare, screenshot_responsible=org.medarbetare)


def field_error(field: str, message: str) -> str:
    """The error list at a field, as templates/includes/field.html renders it."""
    return f'<ul class="errorlist" id="id_{field}_error"><li>{escape(message)}</li></ul>'
