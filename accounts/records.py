"""References to the Region's records: the number of a case in its case system (diarienummer,
e.g. a removal's or a closure's registration) and the entry of the dokumenthanteringsplan /
gallringsbeslut that governs a plan's and a channel's records (arkivlagen). Each is free text in
a format the administrator sets in the admin (models.RecordsFormat) or, until they do, the
installation's (settings CASE_NUMBER_PATTERN and RECORDS_REFERENCE_PATTERN, each with an example to
show); these validators hold every field that takes one to it.

The formats are read once and kept in the cache (CACHE_SECONDS at most, forgotten at once when the
administrator saves them: signals), so checking a form costs no query but the first.

A plan's own diarienummer (plans.domain.diarienummer, KOB-2026-0001) is made by the application,
not written by a person, and is not checked against either pattern.
"""

import re
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import RecordsFormat

# Long enough for every case system's numbers and a plan entry's title; the fields' max_length.
CASE_NUMBER_MAX_LENGTH = 40
RECORDS_REFERENCE_MAX_LENGTH = 200

CACHE_KEY = "accounts:records-format"
CACHE_SECONDS = 300


@dataclass(frozen=True)
class Formats:
    case_number_pattern: str
    case_number_example: str
    records_reference_pattern: str
    records_reference_example: str


def formats() -> Formats:
    """The formats in force: the administrator's where set (a pattern with its example), else the
    installation's. One query when not in the cache."""
    found = cache.get(CACHE_KEY)
    if found is None:
        row = RecordsFormat.objects.filter(pk=RecordsFormat.ONLY).first()
        found = Formats(*_pair(row, "case_number"), *_pair(row, "records_reference"))
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def forget() -> None:
    """Drop the kept formats: the next check reads them again."""
    cache.delete(CACHE_KEY)


def _pair(row: RecordsFormat | None, kind: str) -> tuple[str, str]:
    pattern = getattr(row, f"{kind}_pattern", "").strip()
    if pattern:
        return pattern, getattr(row, f"{kind}_example").strip()
    return getattr(settings, f"{kind.upper()}_PATTERN"), getattr(settings, f"{kind.upper()}_EXAMPLE")


# What a person is told when a value does not follow its format, with the format's example.
MESSAGES = {
    "case_number": _("Write the registration number as the Region's case system writes it, for example %(example)s."),
    "records_reference": _("Write the reference as the records management plan writes it, for example %(example)s."),
}


def valid_case_number(value: str) -> None:
    """A number of the Region's case system, in the format in force (formats)."""
    _check("case_number", value)


def valid_records_reference(value: str) -> None:
    """An entry of the records management plan, in the format in force (formats)."""
    _check("records_reference", value)


def _check(kind: str, value: str) -> None:
    found = formats()
    if value and not re.fullmatch(getattr(found, f"{kind}_pattern"), value.strip()):
        raise ValidationError(MESSAGES[kind], code=kind, params={"example": getattr(found, f"{kind}_example")})
