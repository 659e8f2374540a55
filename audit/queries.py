"""Reading the audit log: the filtered events, newest first, a page at a time by keyset.

The log grows to millions of rows, so a page is never counted or offset: it is the `PAGE_SIZE`
events below an id (`?fore=<id>`), read with one more to know whether there are older ones, each
by one index of `Event.Meta.indexes`. The export reads the same events a chunk at a time."""

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User

from .models import Event

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What the reader asked for; `None` or "" is "any". The dates are days in the project's time
    zone (Europe/Stockholm), both included."""

    plan: int | None = None
    channel: int | None = None
    person: int | None = None
    kind: str = ""
    action: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The first instant of `day` in the project's time zone (Europe/Stockholm; a DST day is 23
    or 25 hours long, which the time zone, not a fixed offset, knows)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def events(filters: Filters) -> QuerySet[Event]:
    """The events matching `filters`, newest first, each with its actor (one join, no query per
    row). A person's events are those they did and those about them."""
    found = Event.objects.select_related("actor").order_by("-id")
    if filters.plan is not None:
        found = found.filter(plan_id=filters.plan)
    if filters.channel is not None:
        found = found.filter(channel_id=filters.channel)
    if filters.person is not None:
        found = found.filter(Q(actor_id=filters.person) | Q(person_id=filters.person))
    if filters.kind:
        found = found.filter(kind=filters.kind)
    if filters.action:
        found = found.filter(action=filters.action)
    if filters.since is not None:
        found = found.filter(at__gte=local_midnight(filters.since))
    if filters.until is not None:
        found = found.filter(at__lt=local_midnight(filters.until + datetime.timedelta(days=1)))
    return found


@dataclass(frozen=True)
class Page:
    rows: list[Event]
    # The `fore` of the next page (the last shown id), or None on the last page.
    older: int | None


def page_of(found: QuerySet[Event], fore: int | None, size: int = PAGE_SIZE) -> Page:
    """The `size` events of `found` below the id `fore` (the newest when None): one query, reading
    one row more than it shows to know whether an older page exists."""
    if fore is not None:
        found = found.filter(id__lt=fore)
    rows = list(found[: size + 1])
    if len(rows) > size:
        rows = rows[:size]
        return Page(rows, rows[-1].id)
    return Page(rows, None)


def people_named(username: str) -> list[tuple[int, str]]:
    """The people whose username is `username` ignoring case (a username is unique as written, so
    these are a handful at most), in one query."""
    return list(User.objects.filter(username__iexact=username).order_by("pk").values_list("pk", "username"))
