from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The overview of every channel's state for the communications officer, a chef and staff:
    the top of the apps, reading all below it."""

    name = "overview"
    verbose_name = _("Overview")
