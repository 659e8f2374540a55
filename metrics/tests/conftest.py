import datetime

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Imported files are stored under MEDIA_ROOT: a directory of the test's own."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def measuring_day(time_machine):
    """The clock the measuring tests read: 15 March 2027, noon UTC (their channels entered the
    register on 1 January 2026, so a year of values lies between)."""
    time_machine.move_to(datetime.datetime(2027, 3, 15, 12, tzinfo=datetime.UTC), tick=False)


@pytest.fixture
def swedish():
    with translation.override("sv"):
        yield


@pytest.fixture
def english():
    """Texts compared in English, the msgids, whatever the catalogue says."""
    with translation.override("en"):
        yield
