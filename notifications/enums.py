from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    """Where the e-mail copy of a notification is. Only PENDING rows may be claimed for sending."""

    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    NONE = "none", _("No e-mail")
