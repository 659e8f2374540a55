from ..enums import EDITABLE, PENDING, STATUS_STEP, Step


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
