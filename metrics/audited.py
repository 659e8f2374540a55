"""What this app tells the audit log (the `audit` app, below it): its registered actions and
which subject the `pk` of its views names, for refused requests. Called from apps.ready."""

from django.utils.translation import gettext_lazy as _

from audit.enums import Kind
from audit.registry import register, register_view_subjects

from . import personal_data


def register_with_audit() -> None:
    register("metrics.import.saved", _("Measurements imported"), Kind.CHANGE)
    register("metrics.evaluation.started", _("Evaluation started"), Kind.CHANGE)
    register("metrics.evaluation.saved", _("Evaluation saved"), Kind.CHANGE)
    register("metrics.evaluation.completed", _("Evaluation completed"), Kind.DECISION)
    register("metrics.evaluation.downloaded", _("Evaluation report downloaded"), Kind.READ)
    register_view_subjects(
        {
            "metrics:channel": "channel",
            "metrics:record": "channel",
            "metrics:import_start": "channel",
            "metrics:evaluation_start": "channel",
        }
    )
    personal_data.register()
