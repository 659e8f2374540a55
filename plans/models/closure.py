"""Avvecklingsbegäran: closing a channel needs an analysis and a decision through the chain."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Unit
from accounts.records import CASE_NUMBER_MAX_LENGTH, valid_case_number
from channel_register.models import Channel
from kob_social.history import AddressedHistoricalRecord

from ..enums import PlanStatus
from .chain import ChainStateMixin
from .plan import answer_field

PERSON = settings.AUTH_USER_MODEL


class ClosureRequest(ChainStateMixin, models.Model):
    channel = models.ForeignKey(Channel, verbose_name=_("channel"), on_delete=models.PROTECT, related_name="closures")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    # The analysis the strategy asks for before a channel is closed.
    reason = answer_field(_("Why does the channel not work?"))
    measures_tried = answer_field(_("What has been tried to make it work?"))
    visitor_figures = answer_field(_("Visitor figures"))
    followers_notice = answer_field(_("How are the followers told?"))
    account_fate = answer_field(_("What happens to the account?"))
    # The closure's case in the Region's case system, if it is registered there (optional).
    case_number = models.CharField(
        _("Registration number in the Region's case system"),
        max_length=CASE_NUMBER_MAX_LENGTH,
        blank=True,
        validators=[valid_case_number],
    )

    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.UTKAST)
    revision = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(PERSON, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+")
    deciding_chef = models.ForeignKey(
        PERSON, verbose_name=_("Deciding manager"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords(bases=[AddressedHistoricalRecord])

    # The analysis: every part is needed to submit. CONTENT_FIELDS: everything the author writes.
    ANALYSIS_FIELDS = ["reason", "measures_tried", "visitor_figures", "followers_notice", "account_fate"]
    CONTENT_FIELDS = [*ANALYSIS_FIELDS, "case_number"]

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("closure request")
        verbose_name_plural = _("closure requests")
        indexes = [
            models.Index(fields=["status", "status_changed_at"]),
            # A channel's closure requests in the model's order, newest first (its page).
            models.Index(fields=["channel", "-created_at", "-id"], name="closure_channel_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(status__in=["utkast", "atersand", "hos_chef", "hos_kommunikation", "hos_direktor"]),
                name="closure_one_open_request_per_channel",
            ),
        ]

    def __str__(self):
        return _("Closure of %(channel)s") % {"channel": self.channel}

    def get_absolute_url(self):
        return reverse("closures:detail", args=[self.pk])
