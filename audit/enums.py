from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What an event is, for the audit page's filter. Every registered action has one kind."""

    DECISION = "beslut", _("Decision or transition")
    CHANGE = "andring", _("Change of a record")
    SIGN_IN = "inloggning", _("Sign-in")
    REFUSAL = "nekad", _("Refused access")
    READ = "hamtning", _("Download or export")
    ADMIN = "admin", _("Change in the administration")
    PERSONAL_DATA = "personuppgifter", _("Personal data")
