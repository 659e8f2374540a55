"""Routing follows the organisation: a document waiting at the chef step waits at the unit's chef
of today, not at the chef of the day it was submitted.

Who may decide the chef step is read afresh every time (rules.decidable_step asks
`accounts.queries.chef_of`). What this module keeps in step is `deciding_chef`, the field that
says whom a document waits at (the inbox, the reminders and the notices read it): when a unit is
saved with another chef (the Django admin's unit form, demo and seed code), or its chef is
deactivated, every plan and closure request of the unit, and of the units below it that inherit
its chef, waiting at the chef step moves to the chef who decides for it now, with an entry in its
history, and the chef it leaves and the one it comes to are told.
"""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Unit
from accounts.queries import chef_of, unit_and_descendant_ids
from audit import domain as audit
from kob_social.concurrency import claim_revision
from kob_social.errors import Conflict

from ..audited import rerouted_event
from ..enums import PlanStatus
from ..models import ClosureRequest, Plan
from . import notices

# What decides whom a waiting document waits at: a save that touches neither cannot move one.
ROUTING_FIELDS = {"chef", "chef_id", "parent", "parent_id"}


def reroute_waiting(unit: Unit) -> int:
    """Move every plan and closure request of `unit` and the units below it that waits at the
    chef step (HOS_CHEF) to `chef_of` its unit, where that is not whom it waits at already.
    Running it twice moves nothing the second time. Returns how many documents moved."""
    unit_ids = unit_and_descendant_ids(unit)
    chefs: dict[int, object] = {}
    moved = 0
    for model in (Plan, ClosureRequest):
        waiting = (
            model.objects.filter(unit_id__in=unit_ids, status=PlanStatus.HOS_CHEF)
            .select_related("unit", "author", "deciding_chef")
            .order_by("pk")
        )
        for document in waiting:
            if document.unit_id not in chefs:
                chefs[document.unit_id] = chef_of(document.unit)
            chef = chefs[document.unit_id]
            if document.deciding_chef_id != (chef.pk if chef else None):
                moved += move_to_chef(document, chef)
    return moved


def move_to_chef(document, chef) -> bool:
    """Let `document`, waiting at the chef step, wait at `chef` (None: nobody decides for its unit
    now). One history entry, by nobody, with the reason; the revision is claimed first, so a
    decision made at the same moment wins or loses whole: if it won, the document has left the
    chef step and is not moved (False)."""
    previous = document.deciding_chef
    try:
        with transaction.atomic(), audit.action(rerouted_event(type(document)), about=document) as event:
            claim_revision(document, status=PlanStatus.HOS_CHEF)
            document.deciding_chef = chef
            document._history_user = None
            with translation.override(settings.LANGUAGE_CODE):
                document._change_reason = _("The unit's manager changed")
            event.reason = document._change_reason
            document.save(update_fields=["deciding_chef", "revision", "updated_at"])
            notices.chef_changed(document, previous)
    except Conflict:
        return False
    return True


def unit_saved(sender, instance: Unit, created=False, raw=False, update_fields=None, **kwargs) -> None:
    """post_save of Unit (connected in apps.ready): a unit saved with another chef or parent
    moves the documents waiting at its chef step. A new unit has none."""
    if raw or created:
        return
    if update_fields is not None and not ROUTING_FIELDS & set(update_fields):
        return
    reroute_waiting(instance)


def person_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs) -> None:
    """post_save of User (connected in apps.ready): a chef deactivated (or active again) changes
    who decides for the units they lead (`chef_of` passes over an inactive chef), so the documents
    waiting at those units' chef step move, as when the unit is saved with another chef."""
    if raw or created:
        return
    if update_fields is not None and "is_active" not in set(update_fields):
        return
    for unit in Unit.objects.filter(chef=instance).order_by("pk"):
        reroute_waiting(unit)
