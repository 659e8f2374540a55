"""The yearly evaluation duty (SMILEY step 8): each active channel is evaluated against the goals
of its plan at least once a year.

Run daily by `metrics.tasks.evaluation_duties`, and by hand with
`manage.py run_job evaluation_duties --date …`. A channel falls due EVALUATION_VALID_DAYS after
the local date of its latest completed evaluation or, never evaluated, after its go-live; on the
first run from that day the channel gets its duty for the calendar year (one per channel and
year), beginning that day. The owner is reminded of every duty not yet fulfilled, and the chef
told once EVALUATION_ESCALATION_DAYS have passed since the duty began.

Fulfilment and "overdue" are computed (`duty_fulfilled`, `escalates_on`), never stored. Duties are
unique per channel and year and every notification has a key, so a second run changes nothing.
"""

import datetime

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.queries import active, chefs_by_unit
from channel_register.enums import ChannelStatus
from channel_register.models import Channel
from kob_social.jobs import in_batches
from notifications.domain import Notice, notify_many

from ..enums import EVALUATION_ESCALATION_DAYS, EVALUATION_VALID_DAYS, EvaluationStatus
from ..models import Evaluation, EvaluationDuty

BATCH = 500


# --- The rule, as reads (the channel page can show the same) ------------------------------------


def last_evaluated_at(channel) -> Subquery:
    """When the channel's latest completed evaluation was completed (None: never). `channel` may
    be a value or an OuterRef. The channel's due day and the fulfilment of its duty both follow
    from it: a duty is fulfilled by some completion on or after its start exactly when the
    latest one is."""
    completed = Evaluation.objects.filter(channel=channel, status=EvaluationStatus.DONE, completed_at__isnull=False)
    return Subquery(completed.order_by("-completed_at").values("completed_at")[:1])


def local_day(moment: datetime.datetime) -> datetime.date:
    """The Europe/Stockholm date of `moment`, whatever time zone is active (a worker has none)."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def due_on(last_completed_at: datetime.datetime | None, activated_at: datetime.datetime | None) -> datetime.date | None:
    """The day a channel is to be evaluated again: EVALUATION_VALID_DAYS after its latest
    completed evaluation or, with none, after its go-live; None for a channel never activated."""
    since = last_completed_at or activated_at
    if since is None:
        return None
    return local_day(since) + datetime.timedelta(days=EVALUATION_VALID_DAYS)


def duty_fulfilled(starts_on: datetime.date, last_completed_at: datetime.datetime | None) -> bool:
    """Whether an evaluation completed on or after the duty's first day (local date) fulfils it."""
    return last_completed_at is not None and local_day(last_completed_at) >= starts_on


def escalates_on(starts_on: datetime.date) -> datetime.date:
    """The day the chef is told of a duty still unfulfilled."""
    return starts_on + datetime.timedelta(days=EVALUATION_ESCALATION_DAYS)


# --- The job ------------------------------------------------------------------------------------


def _channels(year: int):
    """Active channels, each with the start of its duty for `year` (None: no duty yet) and the
    completion time of its latest completed evaluation: one query per batch."""
    duty = EvaluationDuty.objects.filter(channel=OuterRef("pk"), year=year)
    return (
        Channel.objects.filter(status=ChannelStatus.AKTIV)
        .annotate(
            duty_starts_on=Subquery(duty.values("starts_on")[:1]), last_completed_at=last_evaluated_at(OuterRef("pk"))
        )
        .select_related("unit", "owner")
        # Only what the job and its notices read: a batch is 500 rows of three tables.
        .only("platform", "name", "activated_at", "unit__name", "owner__email", "owner__is_active")
        .order_by("pk")
    )


def run_evaluation_duties(*, today: datetime.date) -> dict:
    """Open, remind and escalate the evaluation duties of the year that `today` is in.

    Every active channel whose due day (`due_on`) is on or before `today` and that has no duty
    for the year gets one, beginning `today` (a channel never activated is skipped). For every
    duty of the year that no evaluation completed on or after its start fulfils: a reminder to
    the owner (or, without an active owner, the chef), and from EVALUATION_ESCALATION_DAYS
    after the duty began, word to the chef. A duty left unfulfilled at the turn of the year is
    followed by a new duty, and a new reminder, on the first run of the next year.

    Works in batches of BATCH channels with the same number of queries per batch, whatever its
    size. Returns counts: channels, duties created, unfulfilled duties, overdue duties, and
    notifications created.
    """
    year = today.year
    chefs = chefs_by_unit()
    totals = {"channels": 0, "created": 0, "unfulfilled": 0, "overdue": 0, "notified": 0}
    channels = _channels(year)
    return in_batches(channels, lambda batch: _handle_batch(batch, today, year, chefs), size=BATCH, totals=totals)


def _handle_batch(batch: list[Channel], today: datetime.date, year: int, chefs: dict) -> dict:
    new = []
    open_duties = []
    for channel in batch:
        starts_on = channel.duty_starts_on
        if starts_on is None:
            due = due_on(channel.last_completed_at, channel.activated_at)
            if due is None or due > today:
                continue
            starts_on = today
            new.append(EvaluationDuty(channel=channel, year=year, starts_on=starts_on))
        if not duty_fulfilled(starts_on, channel.last_completed_at):
            open_duties.append((channel, starts_on))
    EvaluationDuty.objects.bulk_create(new, ignore_conflicts=True)
    overdue = [(channel, starts) for channel, starts in open_duties if today >= escalates_on(starts)]
    notified = notify_many(_notices(open_duties, overdue, year, chefs))
    return {
        "channels": len(batch),
        "created": len(new),
        "unfulfilled": len(open_duties),
        "overdue": len(overdue),
        "notified": notified,
    }


def _notices(open_duties: list, overdue: list, year: int, chefs: dict) -> list[Notice]:
    overdue_channels = {channel.pk for channel, _starts_on in overdue}
    notices = []
    with translation.override(settings.LANGUAGE_CODE):
        for channel, starts_on in open_duties:
            chef = chefs.get(channel.unit_id)
            escalate = channel.pk in overdue_channels and chef is not None
            recipient = active(channel.owner) or chef
            facts = {
                "channel": str(channel),
                "unit": str(channel.unit),
                "starts_on": starts_on.isoformat(),
                "escalates_on": escalates_on(starts_on).isoformat(),
            }
            url = channel.get_absolute_url()
            # The chef who stands in for a missing owner is told once, by the escalation.
            if recipient is not None and not (escalate and recipient.pk == chef.pk):
                notices.append(
                    Notice(
                        recipient=recipient,
                        kind="evaluation_due",
                        key=f"evaluation_due:{channel.pk}:{year}:{recipient.pk}",
                        subject=_("Time to evaluate %(channel)s") % facts,
                        body=_(
                            "The yearly evaluation of %(channel)s against the goals of its plan is due. Start it "
                            "with the button Evaluate the channel on the channel's page; if it is not completed "
                            "by %(escalates_on)s, the manager is told."
                        )
                        % facts,
                        url=url,
                    )
                )
            if escalate:
                notices.append(
                    Notice(
                        recipient=chef,
                        kind="evaluation_overdue",
                        key=f"evaluation_overdue:{channel.pk}:{year}:{chef.pk}",
                        subject=_("Evaluation overdue: %(channel)s") % facts,
                        body=_(
                            "%(channel)s (%(unit)s) has not been evaluated against the goals of its plan. The "
                            "evaluation has been due since %(starts_on)s and is still not completed."
                        )
                        % facts,
                        url=url,
                    )
                )
    return notices
