"""What the measurements store about a person, for the audit log's export of personal data
(audit.personal_data): values they recorded, imports they uploaded, evaluations they wrote or
completed. Nothing here is purged: it is the channel's record, not the person's.
Called from audited.register_with_audit."""

from django.db.models import Q

from audit.personal_data import register_provider

from .models import Evaluation, Measurement, MeasurementImport


def register() -> None:
    register_provider("metrics", metrics_of)


def metrics_of(person) -> dict:
    measurements = Measurement.objects.filter(recorded_by=person).order_by("pk")
    imports = MeasurementImport.objects.filter(uploaded_by=person).order_by("pk")
    evaluations = Evaluation.objects.filter(Q(author=person) | Q(completed_by=person)).order_by("pk")
    return {
        "measurements": list(
            measurements.values("id", "channel_id", "metric", "period", "on", "value", "source", "recorded_at")
        ),
        "imports": list(imports.values("id", "channel_id", "original_name", "uploaded_at")),
        "evaluations": list(
            evaluations.values("id", "channel_id", "plan_id", "author_id", "completed_by_id", "status", "created_at")
        ),
    }
