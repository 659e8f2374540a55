"""The domain's refusals, shared by every app: a domain function raises one of these and its view
answers 409 (Conflict), 403 (NotAllowed) or the form again with the messages at its fields
(Incomplete). Imports no app."""

from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _


class Conflict(Exception):
    """Someone else changed the plan first (a stale form, or the loser of a simultaneous click).

    Views answer 409 with this message; nothing was changed by the refused request.
    """

    default_message = _(
        "Someone else changed this plan while you were working on it, so your action was not carried out. "
        "Open the plan again to see its current state."
    )

    def __init__(self, message=None):
        super().__init__(message or self.default_message)


class NotAllowed(Exception):
    """The action is not allowed for this person or in this state (403)."""


class Incomplete(Exception):
    """The plan cannot be submitted yet: `errors` maps each field to its Swedish messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("incomplete plan")
        self.errors = errors


def field_errors(row, fields) -> dict[str, list[str]]:
    """The model's own checks (length, range, date: its field validators) of `fields` of `row`,
    unsaved or stored: field → messages. A domain function asks this of what it is about to
    write, so content that did not come through a form is held to the same limits."""
    try:
        row.clean_fields(exclude={field.name for field in row._meta.fields} - set(fields))
    except ValidationError as exc:
        return exc.message_dict
    return {}


# --- How a form view shows them -------------------------------------------------------------------


def add_domain_errors(form, errors: dict[str, list[str]], *, aliases: dict[str, str] | None = None) -> None:
    """Tie the domain's messages to the form's fields (unknown keys go to the top of the form);
    `aliases` maps a domain key to the form field that shows it."""
    aliases = aliases or {}
    for key, messages in errors.items():
        field = aliases.get(key, key)
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


@contextmanager
def errors_to_form(form, *, aliases: dict[str, str] | None = None):
    """The ladder of every form view, once: around the domain call of a valid form, an
    `Incomplete` puts its messages at the form's fields and a `NotAllowed` becomes a 403.
    `Conflict` is left to the view, which answers it in its own way. After the block the form
    has errors exactly when the call was refused:

        with errors_to_form(form):
            domain.appoint(...)
        if not form.errors:
            return redirect(...)
    """
    try:
        yield
    except Incomplete as exc:
        add_domain_errors(form, exc.errors, aliases=aliases)
    except NotAllowed as exc:
        raise PermissionDenied(str(exc)) from exc
