"""The registered actions of the audit log (as wagtail's log_action_registry): an event names
its action by a stable key (`plans.plan.approve`) and stores the action's label as it read when
the event was written, so that a renamed or retired action still reads right in old events.

Each app registers its own actions in its AppConfig.ready (`register`); writing an event with
an unregistered action is a programming error and raises. The register also says which URL
keyword names the object a refused request was about (`register_view_subjects`)."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import trans_real

from .enums import Kind


@dataclass(frozen=True)
class Action:
    name: str
    label: str | Promise
    kind: Kind


_actions: dict[str, Action] = {}
_swedish: dict[str, str] = {}
# view name ("plans:detail") or namespace ("plans:*") → the subject its `pk` is ("plan", "channel", …)
_view_subjects: dict[str, str] = {}

SUBJECTS = ("plan", "channel", "person")


def register(name: str, label, kind: Kind) -> None:
    known = _actions.get(name)
    if known is not None and (known.label, known.kind) != (label, kind):
        raise ValueError(f"audit action {name!r} is registered twice, differently")
    _actions[name] = Action(name, label, kind)


def action(name: str) -> Action:
    try:
        return _actions[name]
    except KeyError:
        raise LookupError(f"audit action {name!r} is not registered (audit.registry.register)") from None


def swedish_label(known: Action) -> str:
    """The label as stored: in Swedish, the default language, whatever the request's language.
    Read once per action, leaving the thread's language exactly as it was (translation.override
    would leave the language it found activated, where none was)."""
    if known.name not in _swedish:
        previous = getattr(trans_real._active, "value", None)
        try:
            trans_real.activate("sv")
            _swedish[known.name] = str(known.label)
        finally:
            if previous is None:
                trans_real.deactivate()
            else:
                trans_real._active.value = previous
    return _swedish[known.name]


def actions() -> list[Action]:
    return sorted(_actions.values(), key=lambda known: known.name)


def register_view_subjects(mapping: dict[str, str]) -> None:
    """`{"plans:*": "plan", "closures:detail": "closure"}`: which subject the `pk` of a view's URL
    names, by view name or by a whole namespace ("ns:*"); a view name wins over its namespace."""
    _view_subjects.update(mapping)


def view_subject(view_name: str) -> str | None:
    if view_name in _view_subjects:
        return _view_subjects[view_name]
    namespace = view_name.rpartition(":")[0]
    return _view_subjects.get(f"{namespace}:*") if namespace else None
