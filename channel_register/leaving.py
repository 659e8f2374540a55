"""What a person who leaves holds in the channel register (audit.leaving): their places on
channels, their roster weeks ahead and the agreements they are party to; each handed over through
domain.channels, with the checks of the channel's own pages. Registered from audited.register_with_audit."""

import datetime

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.leaving import Holding, Kind, refused_at
from audit.leaving import register as register_kind
from kob_social.errors import Incomplete

from .domain import channels as domain
from .enums import ChannelStatus
from .models import Agreement, Channel, RosterWeek

# A place on a channel: its holding key's suffix, the channel's field, and how the page names it.
PLACES = [
    ("owner", "owner", gettext_lazy("Owner of %(channel)s")),
    ("screenshot", "screenshot_responsible", gettext_lazy("Responsible for the screenshots of %(channel)s")),
    ("other", "others", gettext_lazy("Runs %(channel)s with others")),
]


def register() -> None:
    register_kind(
        Kind(
            name="channels",
            title=gettext_lazy("Channels"),
            holdings=channel_places,
            hand_over=hand_over_places,
            order=20,
        )
    )
    register_kind(
        Kind(
            name="roster",
            title=gettext_lazy("Supervision roster"),
            holdings=roster_weeks,
            hand_over=hand_over_weeks,
            order=30,
        )
    )
    register_kind(
        Kind(
            name="agreements",
            title=gettext_lazy("Agreements"),
            holdings=agreements,
            hand_over=hand_over_agreements,
            order=40,
        )
    )


def _open_channels():
    return Channel.objects.exclude(status=ChannelStatus.AVSLUTAD)


def channel_places(person: User, today: datetime.date) -> list[Holding]:
    held = (
        _open_channels()
        .filter(Q(owner=person) | Q(screenshot_responsible=person) | Q(others=person))
        .distinct()
        .order_by("name", "pk")
    )
    others = set(Channel.others.through.objects.filter(user=person).values_list("channel_id", flat=True))
    found = []
    for channel in held:
        places = {
            "owner": channel.owner_id == person.pk,
            "screenshot": channel.screenshot_responsible_id == person.pk,
            "other": channel.pk in others,
        }
        for suffix, _field, label in PLACES:
            if places[suffix]:
                found.append(
                    Holding(
                        key=f"channel:{channel.pk}:{suffix}",
                        label=label % {"channel": channel.name},
                        url=channel.get_absolute_url(),
                        required=suffix != "other",
                        needs_training=True,
                        ends=_("Taken off the channel.") if suffix == "other" else "",
                    )
                )
    return found


def hand_over_places(person: User, successors: dict[str, User | None], actor: User, today: datetime.date) -> None:
    by_channel: dict[int, dict[str, User | None]] = {}
    for key, successor in successors.items():
        _prefix, channel_id, suffix = key.split(":")
        field = next(field for place, field, _label in PLACES if place == suffix)
        by_channel.setdefault(int(channel_id), {})[field] = successor
    for channel_id, places in sorted(by_channel.items()):
        try:
            domain.hand_over_people(channel_id, actor=actor, leaver=person, successors=places)
        except Incomplete as exc:
            raise Incomplete(_rekey(exc.errors, channel_id)) from exc


def _rekey(errors: dict[str, list[str]], channel_id: int) -> dict[str, list[str]]:
    """The domain's errors by field, as the page's holding keys."""
    suffix = {field: place for place, field, _label in PLACES}
    return {
        f"channel:{channel_id}:{suffix[field]}" if field in suffix else f"channel:{channel_id}:owner": messages
        for field, messages in errors.items()
    }


def _weeks_ahead(person: User, today: datetime.date):
    year, week, _weekday = today.isocalendar()
    ahead = Q(iso_year__gt=year) | Q(iso_year=year, iso_week__gte=week)
    return (
        RosterWeek.objects.filter(ahead, Q(primary=person) | Q(backup=person), channel__in=_open_channels())
        .select_related("channel")
        .order_by("channel__name", "channel_id", "iso_year", "iso_week")
    )


def roster_weeks(person: User, today: datetime.date) -> list[Holding]:
    by_channel: dict[int, list[RosterWeek]] = {}
    for row in _weeks_ahead(person, today):
        by_channel.setdefault(row.channel_id, []).append(row)
    return [
        Holding(
            key=f"roster:{channel_id}",
            label=_(
                "%(count)s roster weeks of %(channel)s, week %(first)s %(first_year)s to week %(last)s %(last_year)s"
            )
            % {
                "count": len(rows),
                "channel": rows[0].channel.name,
                "first": rows[0].iso_week,
                "first_year": rows[0].iso_year,
                "last": rows[-1].iso_week,
                "last_year": rows[-1].iso_year,
            },
            url=reverse("channel_register:roster", args=[channel_id]),
            needs_training=True,
        )
        for channel_id, rows in by_channel.items()
    ]


def hand_over_weeks(person: User, successors: dict[str, User | None], actor: User, today: datetime.date) -> None:
    by_channel: dict[int, list[RosterWeek]] = {}
    for row in _weeks_ahead(person, today):
        by_channel.setdefault(row.channel_id, []).append(row)
    for channel_id, rows in by_channel.items():
        key = f"roster:{channel_id}"
        try:
            domain.hand_over_roster(channel_id, actor=actor, leaver=person, successor=successors[key], weeks=rows)
        except Incomplete as exc:
            raise refused_at(key, exc) from exc


def _current_agreements(person: User):
    """The latest agreement of each open channel, where the person is a party."""
    later = Agreement.objects.filter(
        Q(created_at__gt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__gt=OuterRef("pk")),
        channel=OuterRef("channel"),
    )
    return (
        Agreement.objects.filter(Q(owner=person) | Q(chef=person), channel__in=_open_channels())
        .exclude(Exists(later))
        .select_related("channel")
        .order_by("channel__name", "pk")
    )


def agreements(person: User, today: datetime.date) -> list[Holding]:
    return [
        Holding(
            key=f"agreement:{agreement.pk}",
            label=(
                _("Agreement on %(channel)s, as its owner")
                if agreement.owner_id == person.pk
                else _("Agreement on %(channel)s, as the manager")
            )
            % {"channel": agreement.channel.name},
            url=agreement.channel.get_absolute_url(),
            needs_training=agreement.owner_id == person.pk,
        )
        for agreement in _current_agreements(person)
    ]


def hand_over_agreements(person: User, successors: dict[str, User | None], actor: User, today: datetime.date) -> None:
    for agreement in _current_agreements(person):
        key = f"agreement:{agreement.pk}"
        try:
            domain.hand_over_agreement(agreement.pk, actor=actor, leaver=person, successor=successors[key])
        except Incomplete as exc:
            raise refused_at(key, exc) from exc
