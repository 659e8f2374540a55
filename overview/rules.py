"""Whose channels a person sees in the overview, said once.

- The communications officer, the director and the administrator (accounts.queries.is_overseer):
  every channel of the administration.
- A chef: the channels of the units they lead (accounts.queries.readable_units).
- Anyone else on the staff: their own channels, those that name them as owner, screenshot
  responsible or one of their other people.

Another unit's channel never appears: every read of the overview starts from `channels_in_scope`.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.queries import is_overseer, readable_units
from channel_register.models import Channel


class Scope:
    ALL = "all"
    UNITS = "units"
    OWN = "own"


SCOPE_LABELS = {
    Scope.ALL: _("Every channel of the administration."),
    Scope.UNITS: _("The channels of the units you lead."),
    Scope.OWN: _("The channels you are named for."),
}


def scope_of(user: User) -> str:
    if is_overseer(user):
        return Scope.ALL
    if user.is_chef:
        return Scope.UNITS
    return Scope.OWN


def channels_in_scope(user: User) -> QuerySet[Channel]:
    """The channels `user` sees in the overview (none for someone not signed in or inactive)."""
    if not user.is_authenticated or not user.is_active:
        return Channel.objects.none()
    scope = scope_of(user)
    if scope == Scope.ALL:
        return Channel.objects.all()
    if scope == Scope.UNITS:
        return Channel.objects.filter(unit__in=readable_units(user).values("pk"))
    named = Channel.others.through.objects.filter(user=user).values("channel_id")
    return Channel.objects.filter(Q(owner=user) | Q(screenshot_responsible=user) | Q(pk__in=named))
