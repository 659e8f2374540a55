"""What the channel register stores about a person, for the audit log's export of personal data,
and the purge of a departed person's roster weeks (audit.personal_data). Called from
audited.register_with_audit."""

import datetime

from django.db.models import Q

from audit.personal_data import register_provider, register_purger
from kob_social.history import update_with_history
from notifications.models import Notification

from .models import Agreement, Channel, ChannelUpdate, InventoryConfirmation, RemovalEntry, RosterWeek, Screenshot


def register() -> None:
    register_provider("channels", channels_of)
    # The notices to the person: the notifications app is below the audit log, so it is
    # exported from here, the lowest app above both.
    register_provider("notifications", notifications_of)
    register_purger("roster_weeks", purge_roster_weeks, said="tillsynsveckor")


def notifications_of(person) -> list:
    return list(
        Notification.objects.filter(recipient=person)
        .order_by("pk")
        .values("id", "kind", "subject", "body", "url", "created_at", "read_at", "email_status", "email_sent_at")
    )


def channels_of(person) -> dict:
    """The channels the person owns, takes screenshots for or handles, the agreements they are
    party to, and the roster weeks they monitor or back up."""
    roles = {
        "owner": Q(owner=person),
        "screenshot_responsible": Q(screenshot_responsible=person),
        "other": Q(others=person),
    }
    channels = [
        {"id": channel.pk, "name": channel.name, "platform": channel.platform, "status": channel.status, "role": role}
        for role, condition in roles.items()
        for channel in Channel.objects.filter(condition).order_by("pk")
    ]
    agreements = list(
        Agreement.objects.filter(Q(owner=person) | Q(chef=person))
        .order_by("pk")
        .values(
            "id",
            "channel_id",
            "owner_id",
            "chef_id",
            "tasks",
            "hours_per_week",
            "created_at",
            "chef_confirmed_at",
            "owner_confirmed_at",
        )
    )
    roster = list(
        RosterWeek.objects.filter(Q(primary=person) | Q(backup=person))
        .order_by("iso_year", "iso_week", "pk")
        .values("id", "channel_id", "iso_year", "iso_week", "primary_id", "backup_id")
    )
    return {
        "channels": channels,
        "agreements": agreements,
        "roster_weeks": roster,
        "screenshots": list(
            Screenshot.objects.filter(taken_by=person).order_by("pk").values("id", "channel_id", "taken_on", "url")
        ),
        "inventory_confirmations": list(
            InventoryConfirmation.objects.filter(confirmed_by=person)
            .order_by("pk")
            .values("id", "channel_id", "confirmed_at", "note")
        ),
        "removals_registered": list(
            RemovalEntry.objects.filter(created_by=person)
            .order_by("pk")
            .values("id", "channel_id", "removed_on", "category", "created_at")
        ),
        "updates_logged": list(
            ChannelUpdate.objects.filter(logged_by=person)
            .order_by("pk")
            .values("id", "channel_id", "published_at", "link", "note")
        ),
    }


def _weeks_before(before: datetime.date) -> Q:
    """Roster weeks wholly over before `before`: every ISO week earlier than the one it falls in."""
    year, week, _ = before.isocalendar()
    return Q(iso_year__lt=year) | Q(iso_year=year, iso_week__lt=week)


def purge_roster_weeks(person, before: datetime.date) -> int:
    """Delete the weeks the person monitored that were over before `before`, clear them as backup
    of such weeks (the monitor's week stays), and do the same in the field history. Returns the
    number of weeks deleted or cleared."""
    old = _weeks_before(before)
    ids = list(RosterWeek.objects.filter(old, primary=person).values_list("pk", flat=True))
    if ids:
        RosterWeek.objects.filter(pk__in=ids).delete()
    # Saved row by row: the cleared week gets a history row of its own, as any change does.
    cleared = update_with_history(RosterWeek.objects.filter(old, backup=person), backup=None)
    history = RosterWeek.history.filter(old)
    # After the rows: deleting them wrote one more history row each ("-"), purged here too.
    history.filter(Q(id__in=ids) | Q(primary=person)).delete()
    history.filter(backup=person).update(backup=None)
    return len(ids) + cleared
