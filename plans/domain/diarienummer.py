from datetime import date

from django.conf import settings
from django.db.models import F

from ..models import DiarieCounter


def next_diarienummer(day: date) -> str:
    """The next number of `day`'s year, e.g. KOB-2026-0001. Call inside the transaction that
    stores it: the UPDATE holds the counter row's lock until commit, so two simultaneous
    submissions get different numbers on PostgreSQL and SQLite alike."""
    DiarieCounter.objects.get_or_create(year=day.year)
    DiarieCounter.objects.filter(year=day.year).update(last=F("last") + 1)
    last = DiarieCounter.objects.values_list("last", flat=True).get(year=day.year)
    return settings.DIARIENUMMER_FORMAT.format(year=day.year, seq=last)
