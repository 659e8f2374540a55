"""The value of a <time datetime="…"> attribute, written one way for every template.

It lives in notifications, the lowest app, so that the templates of every app above can load it
(`{% load html_time %}`); it needs nothing from any app.
"""

import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def html_datetime(value) -> str:
    """A datetime as a valid HTML date-and-time string: ISO 8601 in the local time zone, to the
    second, with its offset (`2026-12-03T10:15:00+01:00`). Django's `|date:'c'` adds
    microseconds, which HTML does not allow (at most three decimals). A date is written as a
    date; nothing is written for no value."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
