"""What the scheduled jobs read and write about a channel: its update log, the state of
its feed, the weekly/monthly update-rhythm results and the screenshot duties (half-yearly, and
after a major change).

Only facts are stored. "Missed", "fulfilled" and "overdue" are computed from them
(see channel_register.queries and the domain modules rhythm, duties and reminders).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..enums import DutyReason, FrequencyPeriod, NotCounted, UpdateSource
from .channel import Channel

PERSON = settings.AUTH_USER_MODEL


class ChannelUpdateQuerySet(models.QuerySet):
    def counted(self):
        """The updates that count: every one logged by hand, and the feed entries not marked
        `not_counted` (an undated entry read with the feed's history on its first read, an entry
        dated in the future; see domain.feeds). Every count of updates (the update-rhythm check,
        the channel page, the overview's and the metrics' weekly counts) reads through this
        rule, so the update log may hold entries that no count sees."""
        return self.filter(not_counted="")


class ChannelUpdate(models.Model):
    """One post or update published in a channel, logged by hand or read from its feed.

    Feed entries carry `entry_key` (SHA-256 of the entry's identity), unique per channel, so
    that reading the same feed again never counts a post twice. A feed entry whose time of
    publishing is unknown is logged but marked `not_counted` (see `counted()`)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="updates")
    published_at = models.DateTimeField(_("published"))
    source = models.CharField(_("source"), max_length=10, choices=UpdateSource.choices)
    link = models.URLField(_("link"), max_length=500, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    entry_key = models.CharField(max_length=64, blank=True)
    # db_default as well: the bulk loaders (ops) insert rows by SQL without naming the column.
    not_counted = models.CharField(
        _("not counted"), max_length=10, choices=NotCounted.choices, blank=True, default="", db_default=""
    )
    logged_by = models.ForeignKey(
        PERSON, verbose_name=_("logged by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    objects = ChannelUpdateQuerySet.as_manager()

    class Meta:
        db_table = "plans_channelupdate"
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["channel", "published_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "entry_key"], condition=~Q(entry_key=""), name="update_feed_entry_once"
            )
        ]
        verbose_name = _("channel update")
        verbose_name_plural = _("update log")

    def __str__(self):
        return f"{self.channel}: {self.published_at:%Y-%m-%d %H:%M}"


class ChannelFeed(models.Model):
    """The state of reading one channel's feed. Kept apart from Channel so that a read every
    few hours does not write a row into the channel's history.

    `skipped_entries` counts the entries of the last read that the database refused although
    the others were stored (domain.feeds); they are tried again at the next read."""

    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, related_name="feed_state")
    url = models.URLField(_("feed address"), max_length=500)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    checked_at = models.DateTimeField(_("last read"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("last read without error"), null=True, blank=True)
    new_entries = models.PositiveIntegerField(_("new posts at the last read"), default=0)
    skipped_entries = models.PositiveIntegerField(_("posts skipped at the last read"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        db_table = "plans_channelfeed"
        verbose_name = _("feed state")
        verbose_name_plural = _("feed states")

    def __str__(self):
        return self.url


class RhythmCheck(models.Model):
    """The update-rhythm check of one channel for one completed week or month: how many
    updates the plan in force required and how many were logged. One row per channel and
    period, written once by the weekly job.

    `missed_in_row` is the length of the run of misses ending with this period (0 when the
    requirement was met); the chef is told from the second miss in a row on."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="rhythm_checks")
    period = models.CharField(_("period"), max_length=10, choices=FrequencyPeriod.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    required = models.PositiveSmallIntegerField(_("required updates"))
    actual = models.PositiveIntegerField(_("logged updates"))
    missed_in_row = models.PositiveSmallIntegerField(_("misses in a row"), default=0)
    checked_at = models.DateTimeField(_("checked"))

    class Meta:
        db_table = "plans_rhythmcheck"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "period", "starts_on"], name="rhythm_check_once_per_period")
        ]
        indexes = [models.Index(fields=["starts_on", "channel"])]
        verbose_name = _("update-rhythm check")
        verbose_name_plural = _("update-rhythm checks")

    def __str__(self):
        return f"{self.channel}: {self.starts_on}–{self.ends_on} {self.actual}/{self.required}"

    @property
    def met(self) -> bool:
        return self.actual >= self.required


class ScreenshotDuty(models.Model):
    """The duty to record at least one screenshot of an active channel: every half year
    (H1 January–June, H2 July–December), and once after each major change (SKR: "varje halvår
    eller vid en större förändring": its name, address or platform changed, or a new version of
    its plan was approved; domain.duties.open_change_duty).

    `starts_on` is the first day of the half year, or the day the channel became active if
    later, or the day of the change; the chef is told when 30 days have passed from it without a
    record. Fulfilment is computed (queries.duty_fulfilled): a screenshot record of the channel
    taken within the half year, or, for a change, on or after the day of the change.

    A half-yearly duty has its year and half, once per channel and half year; a change duty has
    neither, no end, and a `change_key` naming the change (the approved plan, the channel's
    history row), once per channel and key: a retry or a second click opens no second one."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="screenshot_duties")
    reason = models.CharField(_("reason"), max_length=10, choices=DutyReason.choices, default=DutyReason.HALF_YEAR)
    change_key = models.CharField(_("change"), max_length=60, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    half = models.PositiveSmallIntegerField(_("half year"), null=True, blank=True)
    period_start = models.DateField(_("half year begins"))
    period_end = models.DateField(_("half year ends"), null=True, blank=True)
    starts_on = models.DateField(_("duty begins"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        db_table = "plans_screenshotduty"
        ordering = ["-period_start", "channel_id"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "year", "half"], name="screenshot_duty_once_per_half"),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="screenshot_duty_valid_half"),
            models.UniqueConstraint(
                fields=["channel", "change_key"], condition=~Q(change_key=""), name="screenshot_duty_once_per_change"
            ),
            models.CheckConstraint(
                condition=Q(
                    reason=DutyReason.HALF_YEAR,
                    year__isnull=False,
                    half__isnull=False,
                    period_end__isnull=False,
                    change_key="",
                )
                | (
                    ~Q(reason=DutyReason.HALF_YEAR)
                    & Q(year__isnull=True, half__isnull=True, period_end__isnull=True)
                    & ~Q(change_key="")
                ),
                name="screenshot_duty_half_or_change",
            ),
        ]
        indexes = [
            models.Index(fields=["period_start", "channel"]),
            # The open change duties the daily job reads (duties.run_screenshot_duties).
            models.Index(fields=["reason", "starts_on"], name="screenshot_duty_reason_start"),
        ]
        verbose_name = _("screenshot duty")
        verbose_name_plural = _("screenshot duties")

    def __str__(self):
        return f"{self.channel}: {self.label}"

    @property
    def is_change(self) -> bool:
        return self.reason != DutyReason.HALF_YEAR

    @property
    def label(self) -> str:
        """ "H2 2026" for a half year, "after a change 2026-10-12" for a change."""
        if self.is_change:
            return gettext("after a change %(day)s") % {"day": self.starts_on.isoformat()}
        return f"H{self.half} {self.year}"

    @staticmethod
    def bounds(year: int, half: int) -> tuple[datetime.date, datetime.date]:
        if half == 1:
            return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
