"""Every user-facing string is translatable and translated: Swedish is the default language."""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# One worker runs these in turn: one of them regenerates the catalogue file and restores it.
pytestmark = pytest.mark.xdist_group("catalogue")

BASE_DIR = Path(__file__).resolve().parents[2]
PO = BASE_DIR / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def po_entries(text: str) -> dict[str, str]:
    """msgid → msgstr (plural forms joined) for the live entries of a catalogue."""
    entries = {}
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""' not in block:
            entries[_field(lines, "msgid")] = ""
            continue
        msgid = _field(lines, "msgid")
        if msgid:
            entries[msgid] = _field(lines, "msgstr") + _field(lines, "msgstr[0]")
    return entries


def _field(lines: list[str], name: str) -> str:
    out, inside = [], False
    for line in lines:
        if line.startswith(f"{name} "):
            inside = True
            out.append(line[len(name) + 1 :])
        elif inside and line.startswith('"'):
            out.append(line)
        else:
            inside = False if out else inside
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', " ".join(out)))


@pytest.fixture
def msgfmt():
    from conftest import skip_or_fail

    if not shutil.which("msgfmt"):
        skip_or_fail("gettext's msgfmt not found (apt-get install gettext)")


def test_swedish_catalogue_has_no_untranslated_entry():
    entries = po_entries(PO.read_text(encoding="utf-8"))

    untranslated = sorted(msgid for msgid, msgstr in entries.items() if not msgstr)

    assert untranslated == []
    assert len(entries) > 50


def test_swedish_catalogue_covers_every_string_in_the_code(msgfmt):
    original = PO.read_text(encoding="utf-8")
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-location", "-i", ".venv", "-i", "var"],
            cwd=BASE_DIR,
            check=True,
            capture_output=True,
        )
        regenerated = PO.read_text(encoding="utf-8")
    finally:
        PO.write_text(original, encoding="utf-8")

    missing = sorted(set(po_entries(regenerated)) - set(po_entries(original)))
    assert missing == [], "run `make messages` and translate the new strings"


def test_compiled_catalogue_matches_the_source(msgfmt):
    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp) / "django.mo"
        subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(PO)], check=True)

        assert compiled.read_bytes() == MO.read_bytes(), "run `make messages` to compile the catalogue"
