"""What a person who leaves holds of plans (audit.leaving): their drafts and returned plans and
closure requests, handed to a successor; and the documents waiting at their chef step, which follow
the unit's chef by themselves (domain.routing). Registered from audited.register_with_audit."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.leaving import Holding, Kind, refused_at
from audit.leaving import register as register_kind
from kob_social.errors import Incomplete

from .domain import closures, drafts
from .enums import EDITABLE, PlanStatus
from .models import ClosureRequest, Plan


def register() -> None:
    register_kind(
        Kind(name="drafts", title=gettext_lazy("Plans being written"), holdings=editable, hand_over=hand_over, order=60)
    )
    register_kind(
        Kind(
            name="waiting",
            title=gettext_lazy("Waiting for their decision"),
            holdings=waiting,
            hand_over=lambda person, successors, actor, today: None,
            order=70,
        )
    )


def _documents(**conditions) -> list:
    return [
        *Plan.objects.filter(**conditions).select_related("unit").order_by("pk"),
        *ClosureRequest.objects.filter(**conditions).select_related("channel").order_by("pk"),
    ]


def _key(document) -> str:
    return f"{document._meta.model_name}:{document.pk}"


def editable(person: User, today: datetime.date) -> list[Holding]:
    return [
        Holding(
            key=_key(document),
            label=f"{document} ({document.get_status_display().lower()})",
            url=document.get_absolute_url(),
        )
        for document in _documents(author=person, status__in=EDITABLE)
    ]


def hand_over(person: User, successors: dict[str, User | None], actor: User, today: datetime.date) -> None:
    for document in _documents(author=person, status__in=EDITABLE):
        key = _key(document)
        write = drafts.hand_over_draft if isinstance(document, Plan) else closures.hand_over_closure_request
        try:
            write(document.pk, actor=actor, leaver=person, successor=successors[key])
        except Incomplete as exc:
            raise refused_at(key, exc) from exc


def waiting(person: User, today: datetime.date) -> list[Holding]:
    return [
        Holding(
            key=_key(document),
            label=str(document),
            url=document.get_absolute_url(),
            required=False,
            choosable=False,
            ends=_("Moves to the unit's manager when they leave."),
        )
        for document in _documents(deciding_chef=person, status=PlanStatus.HOS_CHEF)
    ]
