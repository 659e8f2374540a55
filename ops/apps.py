from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Project-wide operations, above every other app: the management commands that run the
    scheduled jobs by hand (`run_job`), create their beat rows (`setup_schedules`), load the demo
    (`seed_demo`) and measure speed (`benchmark`), and the upgrade check. Nothing imports `ops`."""

    name = "ops"
    verbose_name = _("Operations")
