from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import EmailStatus, NoticeDelivery


class Notification(models.Model):
    """A notice to one person. `key` (kind, object, period, recipient) makes each one unique,
    so however often the code that creates it runs, it exists, and is e-mailed, once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("key"), max_length=200, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_next_attempt_at = models.DateTimeField(_("next e-mail attempt"), null=True, blank=True)
    email_sent_at = models.DateTimeField(_("e-mail sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The list (/notiser/): a person's notices newest first, read in the index's order.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_newest"),
            models.Index(fields=["email_status", "email_claimed_at"]),
            models.Index(fields=["email_status", "email_next_attempt_at"]),
        ]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """How one person wants one kind of notice (kinds.py names them); no row: e-mail at once.
    The kinds that always mail (escalations to a chef) ignore it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=NoticeDelivery.choices, default=NoticeDelivery.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self):
        return f"{self.user}: {self.kind} = {self.get_delivery_display()}"
