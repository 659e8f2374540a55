"""The handlingsplan, its goals and the decisions on it.

Fields follow the strategy's template ("Plan för användning av socialt medium inom Kultur och
bildning") in its order. A draft may be incomplete; `domain.validation` checks everything at
submission. Status is written only by `domain.transitions.transition`.
"""

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.enums import Role
from accounts.models import Unit
from accounts.records import (
    CASE_NUMBER_MAX_LENGTH,
    RECORDS_REFERENCE_MAX_LENGTH,
    valid_case_number,
    valid_records_reference,
)
from channel_register.enums import FrequencyPeriod, Platform
from channel_register.models.channel import valid_hours_per_week
from kob_social.history import AddressedHistoricalRecord

from ..enums import (
    ANSWER_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    DEADLINE_YEARS_AHEAD,
    EARLIEST_DATE,
    MAX_UPDATE_COUNT,
    MIN_UPDATE_COUNT,
    AccessibilityPractice,
    Action,
    Metric,
    PlanStatus,
    StatisticsUse,
    Step,
)
from .chain import ChainStateMixin, on_exactly_one_document

PERSON = settings.AUTH_USER_MODEL


# --- The limits of what a person writes (the numbers are in enums) --------------------------------
# Validators of the model, so that full_clean, every ModelForm and the domain (which calls
# clean_fields: domain.drafts.field_errors) refuse the same values with the same message.


def answer_field(verbose_name, **kwargs) -> models.TextField:
    """A long answer of the template: a paragraph or a few (enums.ANSWER_MAX_LENGTH)."""
    return models.TextField(
        verbose_name,
        blank=True,
        max_length=ANSWER_MAX_LENGTH,  # the form field's limit and the textarea's maxlength
        validators=[MaxLengthValidator(ANSWER_MAX_LENGTH)],  # a TextField does not check it itself
        **kwargs,
    )


def valid_update_count(value) -> None:
    if value is not None and value < MIN_UPDATE_COUNT:
        raise ValidationError(_("The channel must be updated at least once per period."), code="min_updates")
    if value is not None and value > MAX_UPDATE_COUNT:
        raise ValidationError(
            _("At most %(max)d updates per period."), code="max_updates", params={"max": MAX_UPDATE_COUNT}
        )


def not_negative(value) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("The value cannot be negative."), code="negative")


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def latest_deadline() -> datetime.date:
    return years_after(timezone.localdate(), DEADLINE_YEARS_AHEAD)


def valid_deadline(value) -> None:
    """A goal's deadline: from 2000 to ten years ahead. A past deadline stays valid: a revised
    plan keeps the goals of its previous version."""
    if value is not None and not EARLIEST_DATE <= value <= latest_deadline():
        raise ValidationError(
            _("Choose a date from %(first)s to %(last)s."),
            code="date_range",
            params={"first": EARLIEST_DATE.isoformat(), "last": latest_deadline().isoformat()},
        )


def valid_review_date(value) -> None:
    """The day the platform's terms were read: a day that has been, not one planned."""
    if value is not None and not EARLIEST_DATE <= value <= timezone.localdate():
        raise ValidationError(
            _("Choose a date from %(first)s up to today."),
            code="date_range",
            params={"first": EARLIEST_DATE.isoformat()},
        )


class Plan(ChainStateMixin, models.Model):
    # --- The template, in order ---
    unit = models.ForeignKey(Unit, verbose_name=_("Unit/department"), on_delete=models.PROTECT, related_name="plans")
    deciding_chef = models.ForeignKey(
        PERSON,
        verbose_name=_("Deciding manager"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The manager of the unit; set when the plan is submitted."),
    )
    platform = models.CharField(_("Social medium"), max_length=20, choices=Platform.choices, blank=True)
    channel_name = models.CharField(_("Name of the channel"), max_length=200, blank=True)
    channel_url = models.URLField(_("Address of the channel"), max_length=500, blank=True)
    purpose = answer_field(_("Purpose: why use this social medium, why this one in particular?"))
    activities = answer_field(_("Activities planned in the channel to reach the goals"))
    responsible = models.ForeignKey(
        PERSON,
        verbose_name=_("Responsible for the use"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_people = models.ManyToManyField(
        PERSON,
        verbose_name=_("Other people who handle the unit's part of the medium"),
        blank=True,
        related_name="+",
    )
    supervision = answer_field(_("Continuous supervision, also during vacations and other long leave"))
    update_count = models.PositiveSmallIntegerField(
        _("Number of updates"), null=True, blank=True, validators=[valid_update_count]
    )
    update_period = models.CharField(_("per"), max_length=10, choices=FrequencyPeriod.choices, blank=True)
    working_hours_per_week = models.DecimalField(
        _("Working time for handling the channel (hours per week)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[valid_hours_per_week],
    )
    screenshot_responsible = models.ForeignKey(
        PERSON,
        verbose_name=_("Responsible for screenshots every half year"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # --- From the strategy and Swedish guidance ---
    target_groups = answer_field(_("Target groups"))
    terms_reviewed_on = models.DateField(
        _("The platform's terms reviewed on"), null=True, blank=True, validators=[valid_review_date]
    )
    terms_reviewed_by = models.ForeignKey(
        PERSON,
        verbose_name=_("The platform's terms reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case_routine = answer_field(_("Routine for individual cases (enskilda ärenden) in the channel"))
    # Arkivlagen: the entry of the dokumenthanteringsplan / gallringsbeslut that governs the
    # channel's records, in the format the installation sets (accounts.records).
    records_reference = models.CharField(
        _("Reference to the records management plan"),
        max_length=RECORDS_REFERENCE_MAX_LENGTH,
        blank=True,
        validators=[valid_records_reference],
    )
    # The plan's registration in the Region's case system, if it has one; not the plan's own
    # diarienummer, which is given at submission.
    registration_number = models.CharField(
        _("Registration number in the Region's case system"),
        max_length=CASE_NUMBER_MAX_LENGTH,
        blank=True,
        validators=[valid_case_number],
    )
    # Personal data: the page owner is joint controller with the platform (C-210/16). Each part
    # is required before submission (domain.validation); `personal_data_note` is what else is said.
    statistics_use = models.CharField(
        _("Are the platform's statistics (for example Insights) used?"),
        max_length=10,
        choices=StatisticsUse.choices,
        blank=True,
    )
    privacy_notice_url = models.URLField(_("Address of the privacy notice on the channel"), max_length=500, blank=True)
    processing_register_entry = models.CharField(
        _("Reference to the Region's register of processing activities"), max_length=200, blank=True
    )
    data_requests_by = models.CharField(_("Who answers requests from data subjects"), max_length=200, blank=True)
    personal_data_note = answer_field(_("Other about personal data"))
    accessibility_routine = answer_field(_("Accessibility routine"))
    # What the routine covers, practice by practice (required before submission).
    alt_texts = models.CharField(
        _("Alt texts on images"), max_length=10, choices=AccessibilityPractice.choices, blank=True
    )
    captions = models.CharField(
        _("Captions on videos"), max_length=10, choices=AccessibilityPractice.choices, blank=True
    )
    readable_hashtags = models.CharField(
        _("Readable hashtags (#KulturOchBildning)"), max_length=10, choices=AccessibilityPractice.choices, blank=True
    )
    channel_information = answer_field(_("Information shown on the channel"))
    # SMILEY step 3 (evaluate tools): what the channel is published and measured with. Not
    # required to submit; the channel's SMILEY cycle shows the step as not done while empty.
    tools = answer_field(_("Tools for publishing and measuring"))

    # --- Workflow ---
    channel = models.ForeignKey(
        "channel_register.Channel",
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
    )
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.UTKAST)
    # Bumped by every write; forms and decisions carry it, so a stale form is refused (409).
    revision = models.PositiveIntegerField(default=0)
    series = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    version_number = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    diarienummer = models.CharField(_("registration number"), max_length=40, blank=True, db_index=True)
    author = models.ForeignKey(
        PERSON, verbose_name=_("author"), on_delete=models.PROTECT, related_name="plans_authored"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # The rules a plan approved before they existed does not meet (enums.LATER_RULES keys),
    # written once by the data migration that introduced them (0014) and never after: the plan
    # stays in force, and its page and the overview say what its next version must add.
    missing_later_rules = models.JSONField(
        _("rules added after approval that it does not meet"), default=list, blank=True
    )

    # missing_later_rules is a mark, not content: kept out of the history (like Channel.inventory_due).
    history = HistoricalRecords(
        m2m_fields=[other_people], bases=[AddressedHistoricalRecord], excluded_fields=["missing_later_rules"]
    )

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        indexes = [
            models.Index(fields=["status", "status_changed_at"]),
            models.Index(fields=["unit", "status"]),
            # The plan list's order (views.plan_pages.plan_list: newest change first), alone for
            # those who read every plan, and behind each filter it offers; the author's own plans
            # (the start page's "mine"); a channel's versions (its page). Each lets a page of the
            # list be read in order instead of sorting every plan first.
            models.Index(fields=["-updated_at", "-id"], name="plan_recent"),
            models.Index(fields=["unit", "-updated_at", "-id"], name="plan_unit_recent"),
            models.Index(fields=["status", "-updated_at", "-id"], name="plan_status_recent"),
            models.Index(fields=["platform", "-updated_at", "-id"], name="plan_platform_recent"),
            models.Index(fields=["author", "-updated_at", "-id"], name="plan_author_recent"),
            models.Index(fields=["channel", "-version_number", "-id"], name="plan_channel_versions"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["series", "version_number"], name="plan_unique_version_in_series"),
            # One open (not yet decided) version per series at a time.
            models.UniqueConstraint(
                fields=["series"],
                condition=models.Q(status__in=["utkast", "atersand", "hos_chef", "hos_kommunikation", "hos_direktor"]),
                name="plan_one_open_version_per_series",
            ),
        ]

    def __str__(self):
        name = self.channel_name or _("(unnamed channel)")
        platform = self.get_platform_display() if self.platform else ""
        return f"{platform} {name}".strip() + f" v{self.version_number}"

    def get_absolute_url(self):
        return reverse("plans:detail", args=[self.pk])

    @property
    def reference(self) -> str:
        """The diarienummer with the version, as the PDF header and lists show it."""
        return f"{self.diarienummer} v{self.version_number}" if self.diarienummer else f"v{self.version_number}"

    @property
    def update_frequency_display(self) -> str:
        if not self.update_count or not self.update_period:
            return ""
        return f"{self.update_count} {self.get_update_period_display()}"


class Goal(models.Model):
    """A goal of the plan, preferably measurable: at least one is required to submit, and each
    with a metric, a target, a deadline and either a baseline or the day it is first measured
    (domain.validation)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    position = models.PositiveSmallIntegerField(default=0)
    description = models.CharField(_("Goal"), max_length=500, blank=True)
    metric = models.CharField(_("Measured as"), max_length=20, choices=Metric.choices, blank=True)
    # Every metric is a count or a time (enums.Metric): none is below zero.
    baseline = models.DecimalField(
        _("Baseline"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[not_negative]
    )
    # Instead of a baseline: the day the goal is measured for the first time. On that day it is a
    # duty of the channel's owner (metrics.domain.first_measurements), and the first value measured
    # then becomes the baseline (metrics.progress). Scanned daily by that job: indexed.
    first_measured_on = models.DateField(
        _("Or: measured for the first time on"), null=True, blank=True, db_index=True, validators=[valid_deadline]
    )
    target = models.DecimalField(
        _("Target value"), max_digits=12, decimal_places=2, null=True, blank=True, validators=[not_negative]
    )
    deadline = models.DateField(_("Deadline"), null=True, blank=True, validators=[valid_deadline])
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.description


class Decision(models.Model):
    """One decision at one step of the chain: who, in which role, when, and why."""

    # A decision is on a plan or on a closure request: the same chain decides both.
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions")
    closure = models.ForeignKey(
        "plans.ClosureRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    outcome = models.CharField(_("decision"), max_length=20, choices=Action.choices)
    decided_by = models.ForeignKey(PERSON, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    # A deputy's decision: whom `decided_by` acted for ("B för A"); empty in one's own right.
    acting_for = models.ForeignKey(
        PERSON, verbose_name=_("acting for"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(
        _("comment"),
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        validators=[MaxLengthValidator(COMMENT_MAX_LENGTH)],
    )
    decided_at = models.DateTimeField(_("decided at"))
    signed_by_submission = models.BooleanField(
        _("signed by submitting"),
        default=False,
        help_text=_("The manager wrote the plan and signed the manager step by submitting it."),
    )
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            on_exactly_one_document("decision_on_exactly_one_document"),
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.get_outcome_display()} ({self.decider_label})"

    @property
    def decider_label(self) -> str:
        """Who decided, as the record names them: "B för A" for a deputy."""
        return decider_label(self.decided_by, self.acting_for)


class DiarieCounter(models.Model):
    """The last diarienummer handed out per year; incremented under the transaction's lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("registration number counter")
        verbose_name_plural = _("registration number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


def decider_label(person, acting_for=None) -> str:
    """A decider's name, with whom they acted for when they were a deputy ("B för A")."""
    if acting_for is None:
        return person.get_full_name()
    return gettext("%(deputy)s for %(person)s") % {
        "deputy": person.get_full_name(),
        "person": acting_for.get_full_name(),
    }
