"""The screenshot duties: each active channel needs at least one screenshot record per half
year (H1 January–June, H2 July–December), and one after each major change (SKR: "varje halvår
eller vid en större förändring"): its name, address or platform changed, or a new version of its
plan was approved. A change opens its duty at once (`open_change_duty`, called where the change
is made); a screenshot record taken on or after the day of the change fulfils it.

Run daily by `channel_register.tasks.screenshot_duties` (so also on 1 January and 1 July), and by hand
with `manage.py run_job screenshot_duties --date …`. It opens the current half year's duty of
every active channel that has none, reminds the screenshot responsible of every duty not yet
fulfilled, and tells the chef once 30 days have passed since the duty began; the change duties
not yet fulfilled are reminded of and escalated the same way.

Fulfilment and "overdue" are computed (channel_register.queries), never stored. Duties are unique per
channel and half year, or per channel and change, and every notification has a key, so a second
run changes nothing.
"""

import datetime
from typing import NamedTuple

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from accounts.queries import active, chefs_by_unit
from kob_social.jobs import in_batches
from notifications.domain import Notice, notify_many

from ..enums import ChannelStatus, DutyReason
from ..models import Channel, ScreenshotDuty
from ..queries import open_change_duties, screenshot_escalates_on, screenshot_taken_within

BATCH = 500


def half_of(day: datetime.date) -> int:
    return 1 if day.month <= 6 else 2


def open_change_duty(channel: Channel, *, reason: DutyReason, key: str, on: datetime.date) -> ScreenshotDuty | None:
    """After a major change of an active channel (`reason`: its name, address or platform
    changed, or a new version of its plan was approved), open a screenshot duty beginning on
    `on`, the day of the change, with the reminders and the escalation of the half-yearly one
    (run_screenshot_duties). A screenshot record taken on or after `on` fulfils it.

    Exactly once per change: `key` names it ("plan:<id>", "kanal:<history id>"), unique per
    channel in the database, so a retry or a second click finds the duty already open. Two changes
    of the same day are one duty: one screenshot shows both. A channel not active (planned, paused,
    being closed) gets none: nothing of it is public to capture, or the final screenshot is due.
    Returns the duty (new or already open), or None."""
    if channel.status != ChannelStatus.AKTIV or reason == DutyReason.HALF_YEAR:
        return None
    same_day = ScreenshotDuty.objects.filter(channel=channel, starts_on=on).exclude(reason=DutyReason.HALF_YEAR)
    existing = same_day.first() or ScreenshotDuty.objects.filter(channel=channel, change_key=key).first()
    if existing is not None:
        return existing
    duty, _created = ScreenshotDuty.objects.get_or_create(
        channel=channel,
        change_key=key,
        defaults={"reason": reason, "period_start": on, "period_end": None, "starts_on": on},
    )
    return duty


def _channels(year: int, half: int, period_start: datetime.date, period_end: datetime.date):
    """Active channels, each with the start of its duty for the half year (None: no duty yet)
    and whether a screenshot taken within the half year fulfils it: one query per batch."""
    duty = ScreenshotDuty.objects.filter(channel=OuterRef("pk"), year=year, half=half)
    return (
        Channel.objects.filter(status=ChannelStatus.AKTIV)
        .annotate(
            duty_starts_on=Subquery(duty.values("starts_on")[:1]),
            fulfilled=screenshot_taken_within(OuterRef("pk"), period_start, period_end),
        )
        .select_related("unit", "owner", "screenshot_responsible")
        # Only what the job and its notices read: a batch is 500 rows of four tables.
        .only(
            "platform",
            "name",
            "activated_at",
            "unit__name",
            "owner__email",
            "owner__is_active",
            "screenshot_responsible__email",
            "screenshot_responsible__is_active",
        )
        .order_by("pk")
    )


def run_screenshot_duties(*, today: datetime.date) -> dict:
    """Open, remind and escalate the screenshot duties of the half year that `today` is in.

    Every active channel without a duty for the half year gets one, beginning on the first
    day of the half year or on the day the channel became active, if later (a channel that
    became active after `today` is left for a later run). For every duty that no screenshot
    of the half year fulfils: a reminder to the screenshot responsible (or else the owner,
    or else the chef), and from 30 days after the duty began, word to the chef.

    Works in batches of BATCH channels with the same number of queries per batch, whatever
    its size (on SQLite, Django splits an insert of more than 999 values into several
    statements, so a full batch there takes a few more). Returns counts: channels,
    duties created, unfulfilled duties, overdue duties, and notifications created.
    """
    year, half = today.year, half_of(today)
    period_start, period_end = ScreenshotDuty.bounds(year, half)
    chefs = chefs_by_unit()
    totals = {"channels": 0, "created": 0, "unfulfilled": 0, "overdue": 0, "notified": 0}
    channels = _channels(year, half, period_start, period_end)
    in_batches(channels, lambda batch: _handle_batch(batch, today, year, half, chefs), size=BATCH, totals=totals)
    return in_batches(
        _open_change_duties(today), lambda batch: _handle_changes(batch, today, chefs), size=BATCH, totals=totals
    )


def _open_change_duties(today: datetime.date):
    """The change duties of active channels begun by `today` that no screenshot record fulfils
    yet: one query per batch (read by the index on reason and start)."""
    return (
        open_change_duties()
        .filter(channel__status=ChannelStatus.AKTIV, starts_on__lte=today)
        .select_related("channel__unit", "channel__owner", "channel__screenshot_responsible")
    )


def _handle_changes(batch: list[ScreenshotDuty], today: datetime.date, chefs: dict) -> dict:
    open_duties = [Open(duty.channel, duty.starts_on, duty.label, duty.change_key, True) for duty in batch]
    overdue = [item for item in open_duties if today >= screenshot_escalates_on(item.starts_on)]
    return {
        "unfulfilled": len(open_duties),
        "overdue": len(overdue),
        "notified": notify_many(_notices(open_duties, overdue, chefs)),
    }


def _handle_batch(batch: list[Channel], today: datetime.date, year: int, half: int, chefs: dict) -> dict:
    period_start, period_end = ScreenshotDuty.bounds(year, half)
    new = []
    open_duties = []
    for channel in batch:
        starts_on = channel.duty_starts_on
        if starts_on is None:
            activated_on = (
                timezone.localdate(channel.activated_at, timezone.get_default_timezone())
                if channel.activated_at
                else period_start
            )
            starts_on = max(period_start, activated_on)
            if starts_on > today:
                continue
            new.append(
                ScreenshotDuty(
                    channel=channel,
                    year=year,
                    half=half,
                    period_start=period_start,
                    period_end=period_end,
                    starts_on=starts_on,
                )
            )
        if not channel.fulfilled:
            open_duties.append(Open(channel, starts_on, f"H{half} {year}", f"{year}H{half}"))
    ScreenshotDuty.objects.bulk_create(new, ignore_conflicts=True)
    overdue = [item for item in open_duties if today >= screenshot_escalates_on(item.starts_on)]
    notified = notify_many(_notices(open_duties, overdue, chefs))
    return {
        "channels": len(batch),
        "created": len(new),
        "unfulfilled": len(open_duties),
        "overdue": len(overdue),
        "notified": notified,
    }


# What the notices of a duty say: of a half year, or after a major change of the channel.
HALF_YEAR_TEXTS = {
    "due_subject": gettext_lazy("Screenshot needed for %(half)s: %(channel)s"),
    "due_body": gettext_lazy(
        "%(channel)s needs at least one screenshot record for the archive in %(half)s. "
        "Record one on the channel's page; if none is recorded by %(escalates_on)s, "
        "the manager is told."
    ),
    "overdue_subject": gettext_lazy("Screenshot overdue for %(half)s: %(channel)s"),
    "overdue_body": gettext_lazy(
        "%(channel)s (%(unit)s) has no screenshot record for %(half)s. The duty began on "
        "%(starts_on)s and has not been fulfilled within 30 days."
    ),
}
CHANGE_TEXTS = {
    "due_subject": gettext_lazy("Screenshot needed after a change: %(channel)s"),
    "due_body": gettext_lazy(
        "%(channel)s changed on %(starts_on)s (a new name, address or platform, or a new version of its "
        "plan). Record a screenshot for the archive on the channel's page; if none is recorded by "
        "%(escalates_on)s, the manager is told."
    ),
    "overdue_subject": gettext_lazy("Screenshot overdue after a change: %(channel)s"),
    "overdue_body": gettext_lazy(
        "%(channel)s (%(unit)s) has no screenshot record since it changed on %(starts_on)s, and the duty "
        "has not been fulfilled within 30 days."
    ),
}


class Open(NamedTuple):
    """An unfulfilled duty as its notices name it: "H1 2027" and "2027H1" for a half year, or
    "after a change 2027-03-10" and its change key."""

    channel: Channel
    starts_on: datetime.date
    label: str
    key: str
    after_change: bool = False


def _notices(open_duties: list[Open], overdue: list[Open], chefs: dict) -> list[Notice]:
    overdue_keys = {(item.channel.pk, item.key) for item in overdue}
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for item in open_duties:
            channel, starts_on = item.channel, item.starts_on
            chef = chefs.get(channel.unit_id)
            escalate = (channel.pk, item.key) in overdue_keys and chef is not None
            responsible = active(channel.screenshot_responsible) or active(channel.owner) or chef
            facts = {
                "channel": str(channel),
                "unit": str(channel.unit),
                "half": item.label,
                "starts_on": starts_on.isoformat(),
                "escalates_on": screenshot_escalates_on(starts_on).isoformat(),
            }
            url = channel.get_absolute_url()
            texts = CHANGE_TEXTS if item.after_change else HALF_YEAR_TEXTS
            # The chef who stands in for a missing responsible is told once, by the escalation.
            if responsible is not None and not (escalate and responsible.pk == chef.pk):
                notices.append(
                    Notice(
                        recipient=responsible,
                        kind="screenshot_due",
                        key=f"screenshot_due:{channel.pk}:{item.key}:{responsible.pk}",
                        subject=str(texts["due_subject"]) % facts,
                        body=str(texts["due_body"]) % facts,
                        url=url,
                    )
                )
            if escalate:
                notices.append(
                    Notice(
                        recipient=chef,
                        kind="screenshot_overdue",
                        key=f"screenshot_overdue:{channel.pk}:{item.key}:{chef.pk}",
                        subject=str(texts["overdue_subject"]) % facts,
                        body=str(texts["overdue_body"]) % facts,
                        url=url,
                    )
                )
    return notices
