"""A waiting plan or closure request that nobody active can decide, or that has waited too
long: shown on the start page of those who can fix it (the kommunikationsansvarig and the
administrators) until it moves on.

Derived state, like overview.Standing: written only by `domain.escalation`, at a transition
that leaves nobody to decide and by the daily sweep, which judges every waiting document
again. A row names the document's revision: once the document moves on (every transition and
every move to another chef bumps it), the row no longer applies and the sweep removes it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..enums import EscalationReason
from .chain import on_exactly_one_document
from .closure import ClosureRequest
from .plan import Plan


class Escalation(models.Model):
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    closure = models.ForeignKey(ClosureRequest, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    revision = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=20, choices=EscalationReason.choices)
    escalated_at = models.DateTimeField(_("escalated"))

    class Meta:
        ordering = ["escalated_at", "pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            on_exactly_one_document("escalation_on_exactly_one_document"),
            models.UniqueConstraint(fields=["plan"], name="escalation_one_per_plan"),
            models.UniqueConstraint(fields=["closure"], name="escalation_one_per_closure"),
        ]

    def __str__(self):
        return f"{self.document}: {self.get_reason_display()}"

    @property
    def document(self):
        return self.plan if self.plan_id else self.closure
