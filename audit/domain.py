"""Writing the audit log: the one write path of `Event`.

- `record(...)` writes one event now, in the caller's transaction (a rolled-back change leaves
  no event; an event never exists without its change). Refusals and downloads have no
  transaction to share and are written on their own.
- `action(...)` is a scope around a write path: the field-level history rows written inside it
  (django-simple-history) are linked to its one event, written when the scope ends without an
  exception. A transition therefore writes exactly one event, however many rows it saves.
- A history row written outside any scope (the Django admin, a management command) becomes an
  event of its own: "created", "changed" or "deleted", linking to that row (`history_written`).

Who acted and from where come from the request's context (context.py) unless given."""

import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.utils import timezone

from . import registry
from .context import current
from .models import LABEL_MAX, REASON_MAX, Event

# The generic actions of a history row written outside any audited action.
HISTORY_ACTIONS = {"+": "object.created", "~": "object.changed", "-": "object.deleted"}


@dataclass
class Scope:
    name: str
    about: object = None
    actor: object = None
    reason: str = ""
    subjects: dict = field(default_factory=dict)
    history: list = field(default_factory=list)
    group: uuid.UUID = field(default_factory=uuid.uuid4)


_scopes: ContextVar[tuple[Scope, ...]] = ContextVar("audit_scopes", default=())


def subjects_of(obj) -> dict:
    """The plan, channel and person an object belongs to: a model says so by `audit_subjects`
    (a dict), else by its own kind and its `plan_id`, `channel_id` or `person_id`."""
    if obj is None:
        return {}
    given = getattr(obj, "audit_subjects", None)
    if given is not None:
        return dict(given)
    label = obj._meta.label_lower
    own = {"plans.plan": "plan", "channel_register.channel": "channel", "accounts.user": "person"}.get(label)
    found = {}
    for subject in registry.SUBJECTS:
        value = obj.pk if own == subject else getattr(obj, f"{subject}_id", None)
        if value is not None:
            found[subject] = value
    return found


def _clip(text, limit: int) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def record(
    name: str,
    *,
    about=None,
    actor=None,
    reason: str = "",
    object_type: str = "",
    object_id="",
    object_label: str = "",
    history=(),
    address: str | None = None,
    **subjects,
) -> Event:
    """Write one event of the registered action `name` about `about` (a model instance) or the
    object named by `object_type`/`object_id`/`object_label`; `plan=`, `channel=`, `person=`
    add or override the subjects derived from `about`."""
    action = registry.action(name)
    context = current()
    if actor is None and context is not None:
        actor = context.actor
    found = subjects_of(about)
    found.update({key: value for key, value in subjects.items() if value is not None})
    unknown = set(found) - set(registry.SUBJECTS)
    if unknown:
        raise TypeError(f"unknown audit subjects {sorted(unknown)}")
    if about is not None:
        object_type = object_type or about._meta.label_lower
        object_id = object_id or about.pk
        object_label = object_label or str(about)
    label = registry.swedish_label(action)
    return Event.objects.create(
        at=timezone.now(),
        action=action.name,
        label=_clip(label, 200),
        kind=action.kind,
        actor=actor,
        address=address if address is not None else (context.address if context else None),
        object_type=object_type,
        object_id=_clip(object_id, 64),
        object_label=_clip(object_label, LABEL_MAX),
        plan_id=found.get("plan"),
        channel_id=found.get("channel"),
        person_id=found.get("person"),
        reason=_clip(reason, REASON_MAX),
        group=_group(context),
        history=list(history),
    )


@contextmanager
def action(name: str, *, about=None, actor=None, reason: str = "", **subjects):
    """Around a write path: `with audit.action("plans.plan.approve", about=plan, actor=user):`.
    The scope's `about`, `actor` and `reason` may be set inside, once known (a created row)."""
    registry.action(name)  # unknown names fail before any write
    scope = Scope(name, about=about, actor=actor, reason=reason, subjects=subjects)
    outer = _scopes.get()
    if outer:
        scope.group = outer[0].group
    token = _scopes.set((*outer, scope))
    try:
        yield scope
        record(
            scope.name,
            about=scope.about,
            actor=scope.actor,
            reason=scope.reason,
            history=scope.history,
            **scope.subjects,
        )
    finally:
        _scopes.reset(token)


def _group(context) -> uuid.UUID:
    """A request's events share its group; outside a request, those of one outermost action."""
    if context is not None:
        return context.group
    scopes = _scopes.get()
    return scopes[0].group if scopes else uuid.uuid4()


def history_written(history_instance, instance) -> None:
    """A django-simple-history row was saved (post_create_historical_record): link it to the
    innermost audited action, or write it as an event of its own."""
    reference = [history_instance._meta.label_lower, history_instance.pk]
    scopes = _scopes.get()
    if scopes:
        scopes[-1].history.append(reference)
        return
    record(
        HISTORY_ACTIONS[history_instance.history_type],
        about=instance,
        actor=getattr(history_instance, "history_user", None),
        reason=getattr(history_instance, "history_change_reason", "") or "",
        history=[reference],
    )
