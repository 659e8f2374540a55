"""Writes of the accounts app: unit access and sessions here; trainings and absences in
`people`, the reminder of expiring training in `reminders`, the password-reset limit in
`password_reset`."""

from django.contrib.sessions.models import Session
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from ..models import Unit, User
from ..queries import readable_units, unit_and_descendant_ids
from ..rules import READ_UNIT


def purge_expired_sessions() -> int:
    """Delete sessions past their expiry; returns how many went. Running it twice is harmless."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def sync_unit_access(user: User) -> None:
    """Give `user` the object permission to read exactly: their own unit, and every unit they
    are chef of together with the units below it. Called whenever a unit or chef changes."""
    wanted: set[int] = {user.unit_id} if user.unit_id and user.is_active else set()
    if user.is_active:
        for unit in Unit.objects.filter(chef=user):
            wanted |= unit_and_descendant_ids(unit)
    held = set(readable_units(user).values_list("pk", flat=True))
    for unit in Unit.objects.filter(pk__in=wanted - held):
        assign_perm(READ_UNIT, user, unit)
    for unit in Unit.objects.filter(pk__in=held - wanted):
        remove_perm(READ_UNIT, user, unit)
