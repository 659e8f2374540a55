"""The audit log: one append-only table of events.

An event is written in the transaction of the change it records (domain.record, domain.action)
and can then be neither changed nor deleted: the database refuses UPDATE and DELETE on the
table by triggers that migration 0002 installs on SQLite and PostgreSQL (see db.py for the one
maintenance permit the test-suite's flush uses). Nothing in the application changes a row."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import Kind

REASON_MAX = 500
LABEL_MAX = 300


class Event(models.Model):
    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    # The registered action (registry.py) and its label as it read when written.
    action = models.CharField(_("action"), max_length=80)
    label = models.CharField(_("event"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Who: nobody for an anonymous request or a scheduled job. A person with events is never
    # deleted (PROTECT): people leave by being made inactive.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # From where: the client's address (kob_social.client_ip, the lock-out's trusted-proxy rule).
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    # Which object: its model (`plans.plan`) or, for a refused request, the view it asked for.
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=LABEL_MAX, blank=True)
    # The plan, channel and person the event belongs to, for the filters and a plan's story
    # (plain ids: the log keeps them after the object is gone, and imports no app but accounts).
    plan_id = models.BigIntegerField(null=True, blank=True)
    channel_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=REASON_MAX, blank=True)
    # The events of one request (or one job's action) share a group.
    group = models.UUIDField(_("group"), default=uuid.uuid4)
    # The field-level history rows written with this event: [["plans.historicalplan", 12], …].
    history = models.JSONField(_("field history"), default=list, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # The audit page reads newest first by id (keyset), filtered by one of these.
        indexes = [
            models.Index(fields=["plan_id", "-id"], name="audit_event_plan"),
            models.Index(fields=["channel_id", "-id"], name="audit_event_channel"),
            models.Index(fields=["person_id", "-id"], name="audit_event_person"),
            models.Index(fields=["actor", "-id"], name="audit_event_actor"),
            models.Index(fields=["kind", "-id"], name="audit_event_kind"),
            models.Index(fields=["action", "-id"], name="audit_event_action"),
            models.Index(fields=["at"], name="audit_event_at"),
            models.Index(fields=["group"], name="audit_event_group"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.label} {self.object_label}".strip()
