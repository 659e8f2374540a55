"""The duty to measure a goal for the first time: a goal of an approved plan may say, instead of a
baseline, on which day it is first measured (plans.models.Goal.first_measured_on). That day the
channel's owner is reminded to record the first value of the goal's metric for the channel; the
first value measured on or after the day then becomes the goal's baseline (metrics.progress).

Run daily by `metrics.tasks.first_measurement_duties`, and by hand with
`manage.py run_job first_measurements --date …`. Which goals are due, and when a duty is fulfilled
(a measurement of the channel in the metric dated on or after the day), is computed by
`queries.first_measurements_pending`, never stored. Every reminder has the key (kind, goal, day,
recipient), so a second run, or a run on a later day, reminds nobody again.
"""

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from accounts.queries import active, chefs_by_unit
from channel_register.enums import ChannelStatus
from kob_social.jobs import in_batches
from notifications.domain import Notice, notify_many

from .. import queries

BATCH = 500
KIND = "first_measurement_due"


def run_first_measurement_duties(*, today: datetime.date) -> dict:
    """Remind the owner of each active channel (or, without an active owner, the unit's chef) of
    every goal of its approved plan whose first measurement falls on or before `today` and is not
    yet recorded. A day that passed while the channel was not yet active is reminded of on the
    first run after it went live. Returns counts: goals due, and notifications created."""
    chefs = chefs_by_unit()
    goals = (
        queries.first_measurements_pending()
        .filter(first_measured_on__lte=today, plan__channel__status=ChannelStatus.AKTIV)
        .select_related("plan__channel__owner", "plan__channel__unit")
    )
    totals = {"due": 0, "notified": 0}
    return in_batches(goals, lambda batch: _handle_batch(batch, chefs), size=BATCH, totals=totals)


def _handle_batch(batch: list, chefs: dict) -> dict:
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for goal in batch:
            channel = goal.plan.channel
            recipient = active(channel.owner) or chefs.get(channel.unit_id)
            if recipient is None:
                continue
            facts = {
                "channel": str(channel),
                "metric": goal.get_metric_display(),
                "goal": goal.description,
                "day": formats.date_format(goal.first_measured_on, "j F Y"),
            }
            notices.append(
                Notice(
                    recipient=recipient,
                    kind=KIND,
                    key=f"{KIND}:{goal.pk}:{goal.first_measured_on:%Y%m%d}:{recipient.pk}",
                    subject=_("Measure %(metric)s of %(channel)s for the first time") % facts,
                    body=_(
                        "The goal “%(goal)s” of the plan for %(channel)s is measured for the first time "
                        "on %(day)s. Record the value of %(metric)s on the channel's measuring page: it "
                        "becomes the goal's baseline."
                    )
                    % facts,
                    url=reverse("metrics:channel", args=[channel.pk]),
                )
            )
    return {"due": len(batch), "notified": notify_many(notices)}
