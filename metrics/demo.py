"""Demo measurements: a year of values for two active channels, one goal on track and one off.

Länsbiblioteket Uppsala (Facebook) gains followers steadily (on track for 1 500) while its
registrations stay flat (off track for 80 a month); Musik i Uppland på Facebook the other way
round. Entered through the domain as their owners would, weekly followers and monthly
registrations, after moving the channels' registration a year back (seeding creates them today).
Idempotent: a channel that has measurements is left alone."""

import datetime
from decimal import Decimal

from django.utils import timezone

from channel_register.models import Channel
from plans.enums import Metric

from .domain.measurements import record_measurement
from .enums import Period
from .models import Measurement

DEMO_DAYS = 371  # a year and a week: 53 weekly values and twelve complete months
# (followers at the start, followers gained per week, registrations per month at the start and per month more)
DEMO_SERIES = {
    "Länsbiblioteket Uppsala": (Decimal(820), Decimal(9), Decimal(44), Decimal("-0.3")),
    "Musik i Uppland på Facebook": (Decimal(610), Decimal("1.5"), Decimal(38), Decimal("3.5")),
}


def seed(context: dict) -> None:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=DEMO_DAYS)
    for name, (followers, weekly_gain, registrations, monthly_gain) in DEMO_SERIES.items():
        channel = Channel.objects.select_related("unit").filter(name=name).first()
        if channel is None or channel.owner is None or Measurement.objects.filter(channel=channel).exists():
            continue
        registered = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9)))
        if channel.created_at > registered:
            Channel.objects.filter(pk=channel.pk).update(created_at=registered)
        owner = channel.owner
        monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
        week = 0
        while monday <= today:
            wobble = Decimal((week * 7) % 5 - 2)
            record_measurement(
                channel.pk,
                actor=owner,
                metric=Metric.FOLLOWERS,
                on=monday,
                value=(followers + weekly_gain * week + wobble).quantize(Decimal(1)),
            )
            monday += datetime.timedelta(weeks=1)
            week += 1
        month = (start.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        number = 0
        while month < today.replace(day=1):
            record_measurement(
                channel.pk,
                actor=owner,
                metric=Metric.REGISTRATIONS,
                period=Period.MONTH,
                on=month,
                value=max(Decimal(0), registrations + monthly_gain * number + Decimal(number % 3)).quantize(Decimal(1)),
            )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
            number += 1
