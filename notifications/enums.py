from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    """Where the e-mail copy of a notification is. Only PENDING rows may be claimed for sending."""

    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NONE = "none", _("No e-mail")
    DIGEST = "digest", _("Waiting for the daily digest")
    DIGESTED = "digested", _("Sent in a daily digest")


class NoticeDelivery(models.TextChoices):
    """How a person wants a kind of notice (NotificationPreference); the default is at once."""

    IMMEDIATE = "direkt", _("E-mail at once")
    DIGEST = "sammanfattning", _("In a daily digest e-mail")
    IN_APP = "i_appen", _("Only here in the application")
