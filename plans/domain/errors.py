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
