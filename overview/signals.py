"""Fresh after a change: a write that can alter a channel's lights refreshes its standing once the
transaction has committed.

The receivers (connected in apps.OverviewConfig.ready) only note what a row touches, without a
query: a channel, a plan (a goal names its plan), or a person (a training record or an absence
names a person). Everything noted in one transaction is refreshed together by one callback on
commit: the plans and people resolved to their channels in at most two queries, then one
`refresh_standings` of those channels (a fixed number of queries for up to a batch of channels),
however many rows the transaction wrote. A rolled-back transaction refreshes nothing.

Writes in bulk send no post_save (bulk_create, queryset update). A measurement import sends its
own signal when its values are saved (metrics.domain.imports.measurements_imported, received by
`measurements_imported` here); the weekly rhythm check and the screenshot duties send none, and
the refresh at 06:45, after them, catches up (domain.standing.run_refresh).
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from channel_register.models import Channel, RosterWeek
from channel_register.queries import week_keys_q, workdays

from .domain.standing import refresh_standings
from .facts import ROSTER_DAYS


class PendingRefresh:
    """What one transaction touched; called on commit, it refreshes the channels concerned."""

    def __init__(self):
        self.channel_ids: set[int] = set()
        self.plan_ids: set[int] = set()
        self.person_ids: set[int] = set()
        self.queued = False
        self.done = False

    def __call__(self) -> None:
        self.done = True
        today = timezone.localdate()
        refresh_standings(today=today, channel_ids=self.channels(today))

    def channels(self, today: datetime.date) -> set[int]:
        """The channels touched: those noted, those of the plans noted (one query), and those that
        name a person noted or have them on the roster of the weeks the facts read (one query)."""
        from plans.models import Plan  # circular: plans' models are loaded after this app's module

        ids = set(self.channel_ids)
        if self.plan_ids:
            ids |= set(
                Plan.objects.filter(pk__in=self.plan_ids, channel__isnull=False).values_list("channel_id", flat=True)
            )
        if self.person_ids:
            people = self.person_ids
            weeks = sorted(
                {day.isocalendar()[:2] for day in workdays(today, today + datetime.timedelta(days=ROSTER_DAYS - 1))}
            )
            rostered = RosterWeek.objects.filter(week_keys_q(weeks)).filter(
                Q(primary__in=people) | Q(backup__in=people)
            )
            naming = (
                Q(owner__in=people)
                | Q(screenshot_responsible__in=people)
                | Q(others__in=people)
                | Q(pk__in=rostered.values("channel_id"))
            )
            ids |= set(Channel.objects.filter(naming).values_list("pk", flat=True).distinct())
        return ids


def pending() -> PendingRefresh:
    """The refresh this transaction has queued, or a new one queued on commit (outside a
    transaction, on_commit runs at once: the caller fills it first, see `_note`)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            # Not one that has run: a test runs the callbacks of a block and stays in its transaction.
            if isinstance(callback, PendingRefresh) and not callback.done:
                return callback
    return PendingRefresh()


def _note(*, channel_ids=(), plan_ids=(), person_ids=()) -> None:
    channel_ids, plan_ids, person_ids = ({pk for pk in ids if pk} for ids in (channel_ids, plan_ids, person_ids))
    if not (channel_ids or plan_ids or person_ids):
        return
    refresh = pending()
    refresh.channel_ids |= channel_ids
    refresh.plan_ids |= plan_ids
    refresh.person_ids |= person_ids
    if not refresh.queued:
        refresh.queued = True
        # robust: a refresh that fails is logged, never the failure of the write that was committed.
        transaction.on_commit(refresh, robust=True)


# --- Receivers ------------------------------------------------------------------------------------


def channel_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _note(channel_ids=[instance.pk])


def channel_row_changed(sender, instance, raw=False, **kwargs) -> None:
    """A row that names its channel: an agreement, a rhythm check, a roster week, a screenshot, a
    screenshot duty, an inventory confirmation, an update, a measurement, an evaluation."""
    if not raw:
        _note(channel_ids=[instance.channel_id])


def measurements_imported(sender, channel_id, **kwargs) -> None:
    """An import's values saved in bulk (metrics.domain.imports.measurements_imported)."""
    _note(channel_ids=[channel_id])


def plan_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _note(channel_ids=[instance.channel_id])


def goal_changed(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        _note(plan_ids=[instance.plan_id])


def person_row_changed(sender, instance, raw=False, **kwargs) -> None:
    """A training record or an absence: the channels that name the person or have them on the roster."""
    if not raw:
        _note(person_ids=[instance.user_id])


def others_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """The channel's other people (Channel.others) set, added to, removed or cleared."""
    if not action.startswith("post_"):
        return
    if not reverse:
        _note(channel_ids=[instance.pk])
    elif pk_set:
        _note(channel_ids=pk_set)
    else:
        _note(person_ids=[instance.pk])
