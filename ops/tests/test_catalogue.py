"""The Swedish catalogue (locale/sv/LC_MESSAGES/django.po): every entry is translated and
reviewed (none fuzzy), and a plural entry names the thing its msgid counts.

A plural form is copied easily from the entry above it ("%(counter)s plan" / "%(counter)s planer"
under "%(counter)s channel"); the register then says "6 planer" above six channels. NOUNS lists
every thing the catalogue counts, in English and by the stem its Swedish forms share: a plural
entry must carry the stem of each noun its msgid names, and no stem of a noun it does not name.
A new plural that counts something not in the table fails until the noun is added.

The catalogue is read with a small parser (the format's subset that makemessages writes), not
polib: the project does not depend on it.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "sv" / "LC_MESSAGES" / "django.po"

# English noun (as a word of the msgid, singular or plural) → the stem every Swedish form of it
# contains. Plural entries whose msgid names none of these (e.g. "The last attempt failed") must
# name one of these or be listed in NO_NOUN.
NOUNS: dict[str, str] = {
    "plan": "plan",
    "channel": "kanal",
    "day": "dag",
    "person": "person",
    "people": "person",
    "week": "veck",
    "goal": "mål",
    "notification": "notis",
    "notice": "notis",
    "hour": "tim",
    "file": "fil",
    "e-mail": "e-post",
    "period": "period",
    "attempt": "försök",
    "character": "tecken",
    "screenshot": "skärmdump",
    "update": "uppdater",
    "month": "månad",
    "decision": "beslut",
    "request": "begäran",
    "measurement": "mätning",
    "value": "värde",
    "import": "import",
    "row": "rad",
    "correction": "rättelse",
    "error": "fel",
    "inventory": "inventering",
    "inventories": "inventering",
    "evaluation": "utvärdering",
    "event": "händelse",
    "change": "ändring",
    "removal": "borttagning",
    "account": "konto",
    "second": "sekund",
    "post": "inlägg",
}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)


def parse(text: str) -> list[Entry]:
    """The entries of a .po file as makemessages writes it: one block per entry, blocks apart by
    an empty line (obsolete `#~` entries are skipped)."""
    entries: list[Entry] = []
    number = 0
    for block in text.split("\n\n"):
        entry = Entry(line=number + 1)
        target: tuple[str, int | None] | None = None
        for offset, raw in enumerate(block.splitlines()):
            line = raw.strip()
            if line.startswith("#~"):
                break
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                assert target is not None, f"line {number + offset + 1}: a string outside an entry"
                _append(entry, target, ast.literal_eval(line))
            else:
                keyword, _, rest = line.partition(" ")
                index = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
                if keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
                    target = (keyword, None)
                elif index:
                    target = ("msgstr", int(index.group(1)))
                else:
                    raise AssertionError(f"line {number + offset + 1}: cannot read {raw!r}")
                if keyword == "msgid":
                    entry.line = number + offset + 1
                _append(entry, target, ast.literal_eval(rest))
        else:
            if target is not None:
                entries.append(entry)
        number += block.count("\n") + 2
    return entries


def _append(entry: Entry, target: tuple[str, int | None], value: str) -> None:
    name, index = target
    if name == "msgstr":
        key = 0 if index is None else index
        entry.msgstr[key] = entry.msgstr.get(key, "") + value
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    elif name == "msgid_plural":
        entry.msgid_plural = (entry.msgid_plural or "") + value
    else:
        entry.msgid += value


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}")


def nouns_in(english: str) -> set[str]:
    """The table's nouns that an English msgid names (as a word, singular or plural), leaving
    out the names inside placeholders (`%(limit_value)d` is not the noun "value")."""
    words = set(re.findall(r"[a-z]+(?:-[a-z]+)?", PLACEHOLDER.sub(" ", english).lower()))
    found = set()
    for noun in NOUNS:
        if {noun, noun + "s"} & words:
            found.add(noun)
    return found


def counted_nouns(entry) -> set[str]:
    """What the number of a plural entry counts: the table's nouns among the three words after
    the number's placeholder in the plural msgid ("%(counter)s new values"), or, when none is
    there, every noun the entry names ("The latest value", "The latest %(counter)s values")."""
    after = PLACEHOLDER.split(entry.msgid_plural, maxsplit=1)
    if len(after) == 2:
        near = nouns_in(" ".join(after[1].split()[:3]))
        if near:
            return near
    return nouns_in(f"{entry.msgid} {entry.msgid_plural}")


def plural_errors(entries: list[Entry]) -> list[str]:
    errors = []
    for entry in entries:
        if entry.msgid_plural is None:
            continue
        named = counted_nouns(entry)
        if not named:
            errors.append(f"line {entry.line}: {entry.msgid!r} names no noun of the table (add it to NOUNS)")
            continue
        expected = {NOUNS[noun] for noun in named}
        # Another noun of the sentence may be named too ("2 rader av filen"); one the English
        # does not name at all is the mistake this looks for ("6 planer" above six channels).
        mentioned = {NOUNS[noun] for noun in nouns_in(f"{entry.msgid} {entry.msgid_plural}")}
        others = {stem for stem in NOUNS.values() if stem not in expected | mentioned}
        for index, form in sorted(entry.msgstr.items()):
            swedish = form.lower()
            missing = sorted(stem for stem in expected if stem not in swedish)
            wrong = sorted(stem for stem in others if re.search(rf"\b{re.escape(stem)}", swedish))
            if missing or wrong:
                errors.append(
                    f"line {entry.line}: {entry.msgid!r} msgstr[{index}] = {form!r}: "
                    f"lacks {missing or '-'}, names {wrong or '-'}"
                )
    return errors


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return parse(CATALOGUE.read_text(encoding="utf-8"))


def test_catalogue_plurals_name_the_msgids_noun(catalogue):
    # Arrange: the plural entries of the catalogue
    plurals = [entry for entry in catalogue if entry.msgid_plural is not None]

    # Act
    errors = plural_errors(catalogue)

    # Assert
    assert len(plurals) >= 10
    assert errors == []


def test_catalogue_plurals_have_both_swedish_forms(catalogue):
    # Swedish has two forms (Plural-Forms: nplurals=2), and each keeps the msgid's placeholders.
    errors = []
    for entry in catalogue:
        if entry.msgid_plural is None:
            continue
        if sorted(entry.msgstr) != [0, 1]:
            errors.append(f"line {entry.line}: {entry.msgid!r} has forms {sorted(entry.msgstr)}")
        for index, form in entry.msgstr.items():
            # The singular may say "the last period" without its number; the plural may not.
            placeholders = set(re.findall(r"%\(\w+\)[sd]", entry.msgid if index == 0 else entry.msgid_plural))
            if not placeholders <= set(re.findall(r"%\(\w+\)[sd]", form)):
                errors.append(f"line {entry.line}: msgstr[{index}] lacks one of {sorted(placeholders)}")

    assert errors == []


def test_catalogue_has_no_fuzzy_entry(catalogue):
    fuzzy = [f"line {entry.line}: {entry.msgid!r}" for entry in catalogue if "fuzzy" in entry.flags]

    assert fuzzy == []


def test_catalogue_translates_every_msgid(catalogue):
    untranslated = [
        f"line {entry.line}: {entry.msgid!r}"
        for entry in catalogue
        if entry.msgid and (not entry.msgstr or not all(form.strip() for form in entry.msgstr.values()))
    ]

    assert untranslated == []


def test_plural_errors_names_a_copied_plural():
    # The check itself: the register's count copied from the plans' count is caught.
    entries = parse(
        'msgid "%(counter)s channel"\n'
        'msgid_plural "%(counter)s channels"\n'
        'msgstr[0] "%(counter)s plan"\n'
        'msgstr[1] "%(counter)s planer"\n'
    )

    errors = plural_errors(entries)

    assert errors == [
        "line 1: '%(counter)s channel' msgstr[0] = '%(counter)s plan': lacks ['kanal'], names ['plan']",
        "line 1: '%(counter)s channel' msgstr[1] = '%(counter)s planer': lacks ['kanal'], names ['plan']",
    ]
