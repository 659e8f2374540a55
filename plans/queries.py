"""Reads of plans. Every list of plans goes through `plans_visible_to`."""

from django.db.models import Q, QuerySet

from accounts.enums import UnitKind
from accounts.models import Unit, User
from accounts.queries import readable_units

from .enums import EDITABLE, PENDING, PlanStatus
from .models import Plan
from .rules import is_overseer


def plans_visible_to(user: User) -> QuerySet[Plan]:
    """The one selector for lists: what `user` may read (see rules.can_view_plan)."""
    plans = Plan.objects.select_related("unit", "author")
    if not user.is_authenticated or not user.is_active:
        return plans.none()
    if is_overseer(user) or user.is_superuser:
        return plans
    return plans.filter(Q(unit__in=readable_units(user).values("pk")) | Q(author=user) | Q(deciding_chef=user))


def staben_unit_ids() -> QuerySet:
    return Unit.objects.filter(Q(kind=UnitKind.STAB) | Q(parent__kind=UnitKind.STAB)).values("pk")


def plans_awaiting(user: User) -> QuerySet[Plan]:
    """Plans waiting at a step that `user` may decide now (mirrors rules.decidable_step)."""
    if not user.is_authenticated or not user.is_active:
        return Plan.objects.none()
    waiting = Q(status=PlanStatus.HOS_CHEF, deciding_chef=user) & ~Q(author=user)
    if user.is_kommunikationsansvarig:
        waiting |= Q(status=PlanStatus.HOS_KOMMUNIKATION) & ~Q(author=user)
    if user.is_kulturdirektor:
        waiting |= Q(status=PlanStatus.HOS_DIREKTOR) & (~Q(author=user) | Q(unit__in=staben_unit_ids()))
    return Plan.objects.filter(waiting).select_related("unit", "author").order_by("status_changed_at", "pk")


def plans_by(user: User) -> QuerySet[Plan]:
    return Plan.objects.filter(author=user).select_related("unit", "author")


def plans_returned_to(user: User) -> QuerySet[Plan]:
    return plans_by(user).filter(status=PlanStatus.ATERSAND)


def open_version_exists(plan: Plan) -> bool:
    """Whether the plan's series already has a version being drafted or decided."""
    return Plan.objects.filter(series=plan.series, status__in=EDITABLE | PENDING).exclude(pk=plan.pk).exists()


def versions_of(plan: Plan) -> QuerySet[Plan]:
    return Plan.objects.filter(series=plan.series).order_by("version_number")
