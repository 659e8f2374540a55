from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    """Measurements, goals against targets and evaluations (the SMILEY cycle); filled by later issues."""

    name = "metrics"
    verbose_name = _("Measurement and evaluation")
