"""Entering a measurement by hand, and the rules every stored value obeys (also on import).

A value for a key already stored (channel, metric, period, date) is a correction: it replaces
the value only when the person said which value they replace (`replaces`), so that nothing is
silently overwritten; the replaced value stays in the history.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from channel_register.models import Channel
from kob_social.errors import Conflict, Incomplete, NotAllowed
from plans.domain.archive import goal_number

from .. import rules
from ..enums import CATALOGUE, DERIVED, MetricKind, Period, Source
from ..models import DECIMAL_PLACES, MAX_DIGITS, Measurement

MAX_VALUE = Decimal(10) ** (MAX_DIGITS - DECIMAL_PLACES) - 1


def first_measurable_day(channel: Channel) -> datetime.date:
    """Nothing is measured before the channel was in the register."""
    return timezone.localdate(channel.created_at)


def value_errors(channel: Channel, *, metric: str, period: str, on: datetime.date, value: Decimal, today) -> list[str]:
    """What is wrong with one value for `channel` (empty when nothing): the one rule for manual
    entry and import alike."""
    spec = CATALOGUE.get(metric)
    if spec is None or metric in DERIVED:
        return [_("This metric cannot be entered: posts are counted from the channel's update log.")]
    errors = []
    if not spec.fits(channel.platform):
        errors.append(
            _("%(platform)s has no %(metric)s.")
            % {"platform": channel.get_platform_display(), "metric": spec.label.lower()}
        )
    if spec.kind == MetricKind.LEVEL and period != Period.DAY:
        errors.append(_("%(metric)s is a level at a date: give it for one day.") % {"metric": spec.label})
    if on > today:
        errors.append(_("The date %(date)s has not come yet.") % {"date": date_format(on, "j F Y")})
    elif on < first_measurable_day(channel):
        errors.append(
            _("The channel was not in the register before %(date)s.")
            % {"date": date_format(first_measurable_day(channel), "j F Y")}
        )
    if value < 0:
        errors.append(_("A value cannot be below zero."))
    elif value > MAX_VALUE:
        errors.append(_("The value is too large."))
    elif value != value.quantize(Decimal(1).scaleb(-DECIMAL_PLACES)):
        errors.append(_("Give the value with at most two decimals."))
    return errors


def period_start(on: datetime.date, period: str) -> datetime.date:
    """The first day of the week (Monday) or month that `on` falls in; the day itself for DAY."""
    if period == Period.WEEK:
        return on - datetime.timedelta(days=on.weekday())
    if period == Period.MONTH:
        return on.replace(day=1)
    return on


def record_measurement(
    channel_id: int,
    *,
    actor: User,
    metric: str,
    on: datetime.date,
    value: Decimal,
    period: str = Period.DAY,
    replaces: Decimal | None = None,
) -> Measurement:
    """Store one value entered by hand. A value already stored for the key is replaced only if
    `replaces` names it (Conflict otherwise, saying what is stored); the same value again is
    left as it is. Refused values are Incomplete, keyed by the form's field names."""
    with transaction.atomic():
        channel = Channel.objects.select_related("unit").get(pk=channel_id)
        if not rules.can_record_measurements(actor, channel):
            raise NotAllowed(rules.NOT_ALLOWED)
        on = period_start(on, period)
        if errors := value_errors(
            channel, metric=metric, period=period, on=on, value=value, today=timezone.localdate()
        ):
            raise Incomplete({"value": errors})
        now = timezone.now()
        stored = Measurement.objects.filter(channel=channel, metric=metric, period=period, on=on).first()
        if stored is None:
            measurement = Measurement(
                channel=channel,
                metric=metric,
                period=period,
                on=on,
                value=value,
                source=Source.MANUAL,
                recorded_by=actor,
                recorded_at=now,
            )
            measurement._history_user = actor
            measurement.save()
            return measurement
        if stored.value == value:
            return stored
        if replaces is None or stored.value != replaces:
            raise Conflict(
                _("%(value)s is already stored for this date. Confirm that you replace it.")
                % {"value": goal_number(stored.value)}
            )
        # Compare-and-set on the value: of two corrections at once, the second is told.
        # (the row locked until commit; its save below writes the value and its history row)
        claimed = Measurement.objects.select_for_update().filter(pk=stored.pk, value=replaces).exists()
        if not claimed:
            raise Conflict(_("Someone else changed this value at the same time. Open the page again."))
        stored.value, stored.source, stored.imported_by = value, Source.MANUAL, None
        stored.recorded_by, stored.recorded_at = actor, now
        stored._history_user = actor
        stored._change_reason = _("Corrected by hand")
        stored.save(update_fields=["value", "source", "imported_by", "recorded_by", "recorded_at"])
        return stored
