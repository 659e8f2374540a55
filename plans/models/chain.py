from django.db import models

from ..enums import EDITABLE, PENDING, STATUS_STEP, Step


def on_exactly_one_document(name: str) -> models.CheckConstraint:
    """A row about one document of the chain: its `plan` or its `closure` foreign key, not both."""
    return models.CheckConstraint(
        condition=models.Q(plan__isnull=False, closure__isnull=True)
        | models.Q(plan__isnull=True, closure__isnull=False),
        name=name,
    )


class ChainStateMixin:
    """What the decision chain reads of any document that travels it (plans, closure
    requests): the fields status, author, deciding_chef and unit, and these properties."""

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING

    @property
    def current_step(self) -> Step | None:
        return STATUS_STEP.get(self.status)
