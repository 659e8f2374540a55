"""A person's duties as an iCalendar feed (RFC 5545, built with `icalendar`), for the calendar they
subscribe to with their secret address (accounts.domain.calendar).

Every event is an all-day event on a local (Europe/Stockholm) day, with a UID that names the duty,
not the moment: a calendar that fetches the feed again updates its events rather than adding them
twice. What is in it, each only the person's own:
- the roster weeks they monitor or back up, from four weeks back to a year ahead (Monday to Sunday);
- for the channels they own: the next inventory and the next evaluation, and the day each goal of
  the approved plan is to be measured for the first time, until it is;
- for the channels whose screenshots they take: the day the half year's screenshot is due, and
  the day a screenshot is due after a major change of the channel (the oldest still open);
- the plans and closure requests waiting for their decision (on the day the reminder would come,
  or today when that has passed), the longest-waiting WAITING_LIMIT of each kind;
- the day their legal training runs out.
The facts of the channels are the overview's (overview.models.Standing), judged every night."""

import datetime
import hashlib

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from accounts.models import TrainingRecord, User
from channel_register.enums import ChannelStatus
from channel_register.models import RosterWeek
from channel_register.queries import screenshot_escalates_on
from metrics.queries import first_measurements_pending
from plans.domain.reminders import WAITING_REMINDER_DAYS
from plans.queries import closures_awaiting, plans_awaiting

from .facts import Facts
from .lights import evaluation_due_on
from .models import Standing

WEEKS_BACK, WEEKS_AHEAD = 4, 52
WAITING_LIMIT = 50
TIME_ZONE = "Europe/Stockholm"


def duties_calendar(person: User, *, site_url: str, today: datetime.date | None = None) -> bytes:
    """The feed of `person`'s duties, as bytes of text/calendar."""
    today = today or timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//Region Uppsala//KoB Social//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    with translation.override(settings.LANGUAGE_CODE):
        calendar.add("x-wr-calname", _("KoB Social: my duties"))
        calendar.add("x-wr-timezone", TIME_ZONE)
        stamp = timezone.now()
        for uid, day, days, summary, path in _duties(person, today):
            event = Event()
            event.add("uid", f"{uid}@{settings.EMAIL_MESSAGE_ID_DOMAIN}")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + datetime.timedelta(days=days))
            event.add("summary", summary)
            event.add("transp", "TRANSPARENT")
            if path:
                event.add("url", f"{site_url}{path}")
            calendar.add_component(event)
    return calendar.to_ical()


def _duties(person: User, today: datetime.date):
    """(uid, first day, number of days, summary, page) of each of the person's duties."""
    yield from _roster(person, today)
    yield from _channels(person, today)
    yield from _first_measurements(person)
    yield from _waiting(person, today)
    training = (
        TrainingRecord.objects.filter(user=person, valid_until__gte=today).order_by("-valid_until", "-pk").first()
    )
    if training is not None:
        yield (
            f"training-{person.pk}",
            training.valid_until,
            1,
            _("Your training runs out: %(course)s") % {"course": training.get_course_display()},
            reverse("people:trainings"),
        )


def _week_q(first: datetime.date, last: datetime.date) -> Q:
    (y0, w0, _d0), (y1, w1, _d1) = first.isocalendar(), last.isocalendar()
    return (Q(iso_year__gt=y0) | Q(iso_year=y0, iso_week__gte=w0)) & (
        Q(iso_year__lt=y1) | Q(iso_year=y1, iso_week__lte=w1)
    )


def _roster(person: User, today: datetime.date):
    window = _week_q(today - datetime.timedelta(weeks=WEEKS_BACK), today + datetime.timedelta(weeks=WEEKS_AHEAD))
    weeks = (
        RosterWeek.objects.filter(window, Q(primary=person) | Q(backup=person))
        .exclude(channel__status=ChannelStatus.AVSLUTAD)
        .select_related("channel")
        .order_by("iso_year", "iso_week", "channel_id")
    )
    for week in weeks:
        monday = datetime.date.fromisocalendar(week.iso_year, week.iso_week, 1)
        role = "primary" if week.primary_id == person.pk else "backup"
        summary = (
            _("Supervision of %(channel)s, week %(week)s")
            if role == "primary"
            else _("Backup supervision of %(channel)s, week %(week)s")
        ) % {"channel": week.channel.name, "week": week.iso_week}
        yield f"roster-{week.pk}-{role}", monday, 7, summary, reverse("channel_register:roster", args=[week.channel_id])


def _channels(person: User, today: datetime.date):
    standings = (
        Standing.objects.filter(Q(channel__owner=person) | Q(channel__screenshot_responsible=person))
        .exclude(channel__status=ChannelStatus.AVSLUTAD)
        .select_related("channel")
        .order_by("channel__name", "channel_id")
    )
    for standing in standings:
        channel, facts = standing.channel, Facts.from_json(standing.facts)
        path = channel.get_absolute_url()
        if channel.owner_id == person.pk:
            if facts.inventory_due_on is not None:
                summary = _("Inventory of %(channel)s due") % {"channel": channel.name}
                yield f"inventory-{channel.pk}", facts.inventory_due_on, 1, summary, path
            due = evaluation_due_on(facts)
            if due is not None:
                summary = _("Evaluation of %(channel)s due") % {"channel": channel.name}
                yield f"evaluation-{channel.pk}", due, 1, summary, path
        starts_on = facts.screenshot_duty_starts_on
        if channel.screenshot_responsible_id == person.pk and starts_on is not None and not facts.screenshot_taken:
            summary = _("Screenshots of %(channel)s due") % {"channel": channel.name}
            yield f"screenshot-{channel.pk}-{starts_on:%Y%m%d}", screenshot_escalates_on(starts_on), 1, summary, path
        changed_on = facts.screenshot_change_on
        if channel.screenshot_responsible_id == person.pk and changed_on is not None:
            summary = _("Screenshots of %(channel)s due after a change") % {"channel": channel.name}
            uid = f"screenshot-change-{channel.pk}-{changed_on:%Y%m%d}"
            yield uid, screenshot_escalates_on(changed_on), 1, summary, path


def _first_measurements(person: User):
    """The goals of the approved plans of the person's channels that are still to be measured for
    the first time (metrics.domain.first_measurements reminds them of it that day). One query."""
    goals = (
        first_measurements_pending()
        .filter(plan__channel__owner=person)
        .exclude(plan__channel__status=ChannelStatus.AVSLUTAD)
        .select_related("plan__channel")
        .order_by("first_measured_on", "pk")
    )
    for goal in goals:
        channel = goal.plan.channel
        summary = _("First measurement of %(metric)s for %(channel)s") % {
            "metric": goal.get_metric_display(),
            "channel": channel.name,
        }
        path = reverse("metrics:channel", args=[channel.pk])
        yield f"first-measurement-{goal.pk}", goal.first_measured_on, 1, summary, path


def _waiting(person: User, today: datetime.date):
    for documents in (plans_awaiting(person), closures_awaiting(person)):
        for document in documents[:WAITING_LIMIT]:
            waiting_since = timezone.localdate(document.status_changed_at)
            day = max(waiting_since + datetime.timedelta(days=WAITING_REMINDER_DAYS), today)
            # One event per waiting episode: a new step or a new submission is a new decision.
            episode = hashlib.sha256(f"{document.status}:{document.status_changed_at}".encode()).hexdigest()[:12]
            summary = _("Waiting for your decision: %(document)s") % {"document": document}
            yield f"{document._meta.model_name}-{document.pk}-{episode}", day, 1, summary, document.get_absolute_url()
