"""What the tests of the daily reminders share across the apps that own them
(plans/tests/test_reminders.py, channel_register/tests/test_reminders.py,
accounts/tests/test_reminders.py): a local time, the keys of the notifications sent, and the
kommunikationsansvariga who are told.

Notifications are identified by their keys, which name the kind, the object, the period and
the recipient: the sets of keys are the sets of people told.

The `officers` fixture is the function `officers_fixture` registered under the name "officers":
a test module imports `officers_fixture` (with `# noqa: F401`, as only pytest looks it up) and
its tests ask for `officers`, a parameter that then shadows no import.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from accounts.enums import Role
from accounts.tests.factories import make_user
from notifications.models import Notification

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=STOCKHOLM)


def keys(kind: str) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("key", flat=True))


@pytest.fixture(name="officers")
def officers_fixture(org):
    """A second kommunikationsansvarig, and a third who has left (inactive: never told)."""
    make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, username="kommunikator_gammal", is_active=False)
    return [org.kommunikator, make_user(Role.KOMMUNIKATIONSANSVARIG, unit=org.staben, username="kommunikator2")]
