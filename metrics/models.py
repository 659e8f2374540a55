"""Measurements of a channel, and the imports that brought them.

A measurement is keyed by channel, metric, period and date, never by a goal: goals are copied
into every new version of a plan, and the measurements must outlive the versions. One value per
key: a new value for a key is a correction, made through `domain.measurements` and kept in the
history (django-simple-history), never a second row.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from channel_register.models import Channel
from kob_social.history import AddressedHistoricalRecord
from plans.enums import Metric
from plans.models import ClosureRequest, Plan

from .enums import EVALUATION_TEXT_MAX_LENGTH, MEASURED_CHOICES, Conclusion, EvaluationStatus, Period, Source

PERSON = settings.AUTH_USER_MODEL
# Values are counts, followers or hours: never below zero, at most 12 digits before the comma.
MAX_DIGITS, DECIMAL_PLACES = 14, 2


class ImportStatus(models.TextChoices):
    """An import's life: the file is read and checked against what is stored (CHECKING), the
    person reads the preview (CHECKED, or REFUSED when a row is bad: nothing can be saved), then
    confirms (SAVING) and everything is saved at once (DONE); or it is cancelled (CANCELLED)."""

    CHECKING = "kontrolleras", _("Being checked")
    CHECKED = "kontrollerad", _("Checked: waiting for confirmation")
    REFUSED = "avvisad", _("Refused: the file has errors")
    SAVING = "sparas", _("Being saved")
    DONE = "klar", _("Imported")
    CANCELLED = "avbruten", _("Cancelled")


class MeasurementImport(models.Model):
    """One file imported for a channel: who, when, which file (name and SHA-256), what it held
    and what it changed. The file is kept until the import is done, for the worker to read."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="measurement_imports")
    uploaded_by = models.ForeignKey(PERSON, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file_format = models.CharField(_("format"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    created = models.PositiveIntegerField(_("new values"), default=0)
    changed = models.PositiveIntegerField(_("corrected values"), default=0)
    unchanged = models.PositiveIntegerField(_("values already there"), default=0)
    # [[line, message], ...], at most domain.imports.MAX_REPORTED_ERRORS of them.
    errors = models.JSONField(_("rejected rows"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("rejected rows"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["channel", "uploaded_at"])]
        verbose_name = _("measurement import")
        verbose_name_plural = _("measurement imports")

    def __str__(self):
        return f"{self.original_name} ({self.channel})"


class Measurement(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="measurements")
    metric = models.CharField(_("metric"), max_length=20, choices=MEASURED_CHOICES)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.DAY)
    on = models.DateField(_("date"))
    value = models.DecimalField(
        _("value"), max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, validators=[MinValueValidator(0)]
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    imported_by = models.ForeignKey(
        MeasurementImport, verbose_name=_("import"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(PERSON, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"))
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["channel", "metric", "on"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "metric", "period", "on"], name="one_value_per_channel_metric_day"
            ),
        ]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.channel}: {self.get_metric_display()} {self.on} = {self.value}"


class ImportRow(models.Model):
    """One checked row of an import, staged in the database between the check and the save, so
    that neither holds the file's rows in memory: duplicates inside the file, what is new and what
    would be corrected are found by queries, and the save reads them a batch at a time. Removed
    when the import is saved or cancelled."""

    batch = models.ForeignKey(MeasurementImport, on_delete=models.CASCADE, related_name="staged")
    line = models.PositiveIntegerField()
    metric = models.CharField(max_length=20, choices=MEASURED_CHOICES)
    period = models.CharField(max_length=10, choices=Period.choices)
    on = models.DateField()
    value = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)

    class Meta:
        indexes = [models.Index(fields=["batch", "metric", "period", "on"])]

    def __str__(self):
        return f"{self.batch_id}:{self.line}"


# --- Evaluations (SMILEY step 8) ------------------------------------------------------------------


def evaluation_text(verbose_name) -> models.TextField:
    return models.TextField(
        verbose_name,
        blank=True,
        max_length=EVALUATION_TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(EVALUATION_TEXT_MAX_LENGTH)],
    )


class Evaluation(models.Model):
    """The yearly evaluation of a channel against the goals of its plan in force: per goal its
    result and what the owner learned, and an overall conclusion that can start a revision of the
    plan or a closure request (linked here: the plans below do not know of evaluations).

    Written as a draft through `domain.evaluations`; completed once and then kept unchanged. The
    goals' results are copied in when it is completed (`EvaluationGoal`), so that it reads the
    same whatever later versions of the plan or corrections of values do."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="evaluations")
    plan = models.ForeignKey(Plan, verbose_name=_("plan evaluated"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(PERSON, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    summary = evaluation_text(_("Overall conclusion"))
    conclusion = models.CharField(_("conclusion"), max_length=10, choices=Conclusion.choices, blank=True)
    revised_plan = models.ForeignKey(
        Plan, verbose_name=_("new plan version"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closure = models.ForeignKey(
        ClosureRequest,
        verbose_name=_("closure request"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        PERSON, verbose_name=_("completed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0)
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["channel", "status", "completed_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel"], condition=models.Q(status="utkast"), name="evaluation_one_draft_per_channel"
            ),
        ]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self):
        return _("Evaluation of %(channel)s") % {"channel": self.channel}

    def get_absolute_url(self):
        return reverse("metrics:evaluation", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == EvaluationStatus.DRAFT


class EvaluationGoal(models.Model):
    """One goal of the evaluated plan: the goal as it was written, its result as measured when the
    evaluation was last saved, and the owner's reflection on it."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("Goal"), max_length=500, blank=True)
    metric = models.CharField(_("Measured as"), max_length=20, choices=Metric.choices, blank=True)
    baseline = models.DecimalField(_("Baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    first_measured_on = models.DateField(_("Or: measured for the first time on"), null=True, blank=True)
    target = models.DecimalField(_("Target value"), max_digits=12, decimal_places=2, null=True, blank=True)
    deadline = models.DateField(_("Deadline"), null=True, blank=True)
    # The result (progress.goal_progress) as of the day the evaluation was last saved.
    result_status = models.CharField(_("result"), max_length=10, blank=True)
    result_reason = models.CharField(_("result in words"), max_length=500, blank=True)
    latest = models.DecimalField(_("latest value"), max_digits=MAX_DIGITS, decimal_places=2, null=True, blank=True)
    latest_on = models.DateField(_("latest value measured"), null=True, blank=True)
    measured_on = models.DateField(_("result as of"), null=True, blank=True)
    went_well = evaluation_text(_("What went well?"))
    went_badly = evaluation_text(_("What did not go well, and why?"))
    change = evaluation_text(_("What should change?"))
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    REFLECTION_FIELDS = ["went_well", "went_badly", "change"]

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("evaluated goal")
        verbose_name_plural = _("evaluated goals")

    def __str__(self):
        return self.description


class EvaluationDuty(models.Model):
    """The yearly duty to evaluate an active channel (domain.duties): opened once per channel and
    calendar year, on the first daily run when a year has passed since the channel's last completed
    evaluation (or its go-live). Fulfilled by an evaluation completed on or after `starts_on`:
    computed, never stored; the owner is reminded and the chef told once each (notification keys)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="evaluation_duties")
    year = models.PositiveSmallIntegerField(_("year"))
    starts_on = models.DateField(_("begins"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "channel"]
        constraints = [models.UniqueConstraint(fields=["channel", "year"], name="one_evaluation_duty_per_year")]
        verbose_name = _("evaluation duty")
        verbose_name_plural = _("evaluation duties")

    def __str__(self):
        return f"{self.channel}: {self.year}"
