"""What this app tells the audit log (the `audit` app, below it): its registered actions.
Called from apps.ready."""

from django.utils.translation import gettext_lazy as _

from audit.enums import Kind
from audit.registry import register


def register_with_audit() -> None:
    register("overview.exported", _("Overview exported as CSV"), Kind.READ)
    register("overview.report.downloaded", _("Half-year report downloaded"), Kind.READ)
