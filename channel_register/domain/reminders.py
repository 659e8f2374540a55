"""Daily reminders about channels: gaps in the supervision roster and overdue inventories.

Run by the tasks in channel_register.tasks (declared in kob_social/schedules.py). Each reads
what is due in a bounded number of queries whatever the number of rows, builds one `Notice`
per recipient whose key names (kind, object, period, recipient), and hands them all to
`notify_many`, which creates each key once: a second run on the same day, a retry or a
duplicate delivery tells nobody twice. Nothing is stored besides the notifications: "gap" and
"overdue" are computed by the rules in channel_register.queries. Texts in Swedish, the
default language (English msgids). Each returns its counts.
"""

import datetime
from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts.enums import Role
from accounts.models import User
from accounts.queries import active, chefs_by_unit, users_with_role
from notifications.domain import Notice, notify_many

from ..enums import ChannelStatus
from ..models import Channel
from ..queries import overdue_inventories, roster_gaps

ROSTER_GAP_DAYS = 30
"""How far ahead the roster is searched for gaps: from `today` to `today` + 30 days, both included."""

INVENTORY_ESCALATION_DAYS = 30
"""An inventory confirmation overdue by this many days or more is also reported to every
kommunikationsansvarig: the owner has had a month after the reminder."""


# --- Roster gaps ------------------------------------------------------------------------------


def warn_roster_gaps(*, today: datetime.date) -> dict:
    """Tell the chef of the channel's unit (accounts.queries.chefs_by_unit) about every gap in
    the supervision roster of an active channel within ROSTER_GAP_DAYS from `today` (see
    `roster_gaps`): one notification per channel and ISO week with a gap, listing its gap
    days. A week is told about once: a gap day found later in the same week (as the window
    moves on) adds no second notification. A unit without a chef tells nobody.

    `candidates` counts the gap weeks found; a paused channel is not supervised, so it has none.
    """
    active = Channel.objects.filter(status=ChannelStatus.AKTIV)
    gaps = roster_gaps(active, today, today + timedelta(days=ROSTER_GAP_DAYS))
    chefs = chefs_by_unit() if gaps else {}
    candidates = 0
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for channel, days in gaps.items():
            by_week: dict[tuple[int, int], list[datetime.date]] = defaultdict(list)
            for day in days:
                by_week[day.isocalendar()[:2]].append(day)
            candidates += len(by_week)
            chef = chefs.get(channel.unit_id)
            if chef is None:
                continue
            for (year, week), week_days in by_week.items():
                values = {
                    "channel": channel,
                    "week": week,
                    "year": year,
                    "days": ", ".join(formats.date_format(day) for day in week_days),
                }
                notices.append(
                    Notice(
                        recipient=chef,
                        kind="roster_gap",
                        key=f"roster_gap:{channel.pk}:{year}-W{week:02d}:{chef.pk}",
                        subject=_("Gap in the supervision roster of %(channel)s, week %(week)s") % values,
                        body=_(
                            "Nobody assigned to supervise %(channel)s is present on these workdays of week "
                            "%(week)s, %(year)s: %(days)s. Assign a monitor or a backup who is at work."
                        )
                        % values,
                        url=reverse("channel_register:roster", args=[channel.pk]),
                    )
                )
    return {"candidates": candidates, "notified": notify_many(notices)}


# --- Inventories ------------------------------------------------------------------------------


def remind_overdue_inventories(*, today: datetime.date) -> dict:
    """Remind the owner of every active or paused channel whose half-yearly inventory
    confirmation is overdue on `today`: its due day (Channel.inventory_due: six months after
    the latest confirmation, else after activation) is before `today`. Overdue by
    INVENTORY_ESCALATION_DAYS (30) or more, every kommunikationsansvarig is told as well.

    Once per due day: a confirmation moves the due day, and a new due day that passes is
    reminded about anew. A channel without an (active) owner still escalates. One query for
    the channels, one for the kommunikationsansvariga when something escalates.
    """
    channels = Channel.objects.select_related("unit", "owner").order_by("pk")
    officers: list[User] | None = None
    candidates = escalated = 0
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for channel in overdue_inventories(channels, today).order_by("pk"):
            due = channel.inventory_due
            candidates += 1
            owner = active(channel.owner)
            values = {
                "channel": channel,
                "unit": channel.unit,
                "date": formats.date_format(due),
                "owner": owner or _("nobody"),
            }
            if owner is not None:
                notices.append(
                    Notice(
                        recipient=owner,
                        kind="inventory_overdue",
                        key=f"inventory_overdue:{channel.pk}:{due}:{owner.pk}",
                        subject=_("The inventory of %(channel)s is overdue") % values,
                        body=_(
                            "The half-yearly inventory of %(channel)s was due on %(date)s. Confirm that the channel "
                            "is still used and that its people and information are right."
                        )
                        % values,
                        url=reverse("channel_register:inventory", args=[channel.pk]),
                    )
                )
            if (today - due).days < INVENTORY_ESCALATION_DAYS:
                continue
            escalated += 1
            if officers is None:
                officers = list(users_with_role(Role.KOMMUNIKATIONSANSVARIG).order_by("pk"))
            for person in officers:
                notices.append(
                    Notice(
                        recipient=person,
                        kind="inventory_escalated",
                        key=f"inventory_escalated:{channel.pk}:{due}:{person.pk}",
                        subject=_("Inventory overdue since %(date)s: %(channel)s") % values,
                        body=_(
                            "The half-yearly inventory of %(channel)s (%(unit)s) was due on %(date)s and is still "
                            "not confirmed. Owner: %(owner)s."
                        )
                        % values,
                        url=channel.get_absolute_url(),
                    )
                )
    return {"candidates": candidates, "escalated": escalated, "notified": notify_many(notices)}
