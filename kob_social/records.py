"""References to the Region's records: the number of a case in its case system (diarienummer,
e.g. a removal's or a closure's registration) and the entry of the dokumenthanteringsplan /
gallringsbeslut that governs a channel's records (arkivlagen). Each is free text in a format the
administrator sets once for the installation (settings CASE_NUMBER_PATTERN and
RECORDS_REFERENCE_PATTERN, with an example to show); these validators hold every field that
takes one to it. Imports no app.

A plan's own diarienummer (plans.domain.diarienummer, KOB-2026-0001) is made here, not written
by a person, and is not checked against either pattern.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Long enough for every case system's numbers and a plan entry's title; the fields' max_length.
CASE_NUMBER_MAX_LENGTH = 40
RECORDS_REFERENCE_MAX_LENGTH = 200


def valid_case_number(value: str) -> None:
    """A number of the Region's case system, as settings.CASE_NUMBER_PATTERN describes it."""
    if value and not re.fullmatch(settings.CASE_NUMBER_PATTERN, value.strip()):
        raise ValidationError(
            _("Write the registration number as the Region's case system writes it, for example %(example)s."),
            code="case_number",
            params={"example": settings.CASE_NUMBER_EXAMPLE},
        )


def valid_records_reference(value: str) -> None:
    """An entry of the records management plan, as settings.RECORDS_REFERENCE_PATTERN describes it."""
    if value and not re.fullmatch(settings.RECORDS_REFERENCE_PATTERN, value.strip()):
        raise ValidationError(
            _("Write the reference as the records management plan writes it, for example %(example)s."),
            code="records_reference",
            params={"example": settings.RECORDS_REFERENCE_EXAMPLE},
        )
