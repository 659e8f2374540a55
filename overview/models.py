"""The standing of each channel: the light of every column of the overview and the facts they
were judged from, kept in one row per channel (the way healthchecks keeps its next-alert
column), so that the overview sorts, filters and counts every channel in a few indexed queries
whatever their number.

Written only by `domain.standing.refresh_standings`: every night for every channel (the lights
are judged by the day, and days pass), and at once for a channel whose data changed (the
signals connected in `apps.OverviewConfig.ready`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from channel_register.models import Channel

from .enums import Column, Light


def light_field(column: Column) -> models.CharField:
    return models.CharField(column.label, max_length=5, choices=Light.choices, default=Light.NONE)


class Standing(models.Model):
    channel = models.OneToOneField(Channel, on_delete=models.CASCADE, primary_key=True, related_name="standing")
    plan = light_field(Column.PLAN)
    rhythm = light_field(Column.RHYTHM)
    roster = light_field(Column.ROSTER)
    screenshots = light_field(Column.SCREENSHOTS)
    inventory = light_field(Column.INVENTORY)
    training = light_field(Column.TRAINING)
    goals = light_field(Column.GOALS)
    evaluation = light_field(Column.EVALUATION)
    # enums.WEIGHT summed over the lights: the worst channels first.
    problems = models.PositiveIntegerField(_("problems"), default=0)
    goals_total = models.PositiveSmallIntegerField(default=0)
    goals_on_track = models.PositiveSmallIntegerField(default=0)
    # facts.Facts.to_json(): what the cells' reasons are said from.
    facts = models.JSONField(default=dict)
    judged_on = models.DateField(_("judged on"))
    refreshed_at = models.DateTimeField(_("refreshed"))

    class Meta:
        indexes = [models.Index(fields=["-problems", "channel"], name="standing_worst_first")]
        verbose_name = _("channel standing")
        verbose_name_plural = _("channel standings")

    def __str__(self):
        return f"{self.channel_id}: {self.problems}"
