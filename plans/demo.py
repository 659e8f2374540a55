"""Demo plans in different states, so that `make run` shows a living system. Idempotent: a
plan is keyed by its channel name and version, and only created when missing."""

import datetime
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from accounts.enums import AbsenceKind
from accounts.models import Absence
from channel_register.domain import duties, rhythm
from channel_register.domain.channels import (
    appoint,
    assign_roster,
    channel_transition,
    confirm_agreement,
    propose_agreement,
    roster_activation_start,
    set_checklist_item,
)
from channel_register.domain.updates import log_update
from channel_register.enums import ChannelAction, ChannelStatus, ChecklistItem, FrequencyPeriod, Platform, UpdateSource
from channel_register.models import Agreement, Channel, ChannelUpdate, RosterWeek, ScreenshotDuty

from .domain.closures import create_closure_request
from .domain.closures import transition as closure_transition
from .domain.drafts import create_draft, revise
from .domain.transitions import transition
from .enums import AccessibilityPractice, Action, Metric, StatisticsUse
from .models import ClosureRequest, Plan


def _content(unit, person, platform, name, url, **extra):
    content = {
        "unit": unit,
        "platform": platform,
        "channel_name": name,
        "channel_url": url,
        "purpose": f"Nå fler invånare i Uppsala län med {unit.name}s verksamhet och föra en dialog med dem.",
        "activities": "Regelbundna inlägg om program, tips och bakom kulisserna; svar på frågor inom en arbetsdag.",
        "responsible": person,
        "supervision": "Ansvarig bevakar vardagar; ersättare enligt tillsynsschemat under semestrar och ledigheter.",
        "update_count": 2,
        "update_period": FrequencyPeriod.WEEK,
        "working_hours_per_week": Decimal("3.0"),
        "screenshot_responsible": person,
        "target_groups": "Invånare i Uppsala län, särskilt unga vuxna och föreningslivet.",
        "terms_reviewed_on": date(2026, 9, 15),
        "terms_reviewed_by": person,
        "case_routine": "Frågor om enskilda ärenden hänvisas till e-post och diarieförs.",
        "records_reference": "Dokumenthanteringsplan Kultur och bildning 4.2.1",
        "statistics_use": StatisticsUse.USED,
        "privacy_notice_url": "https://www.regionuppsala.se/om-webbplatsen/personuppgifter/",
        "processing_register_entry": "Registret över behandlingar, Kultur och bildning: sociala medier",
        "data_requests_by": "Region Uppsalas dataskyddsfunktion",
        "personal_data_note": "Regionen är gemensamt personuppgiftsansvarig med plattformen.",
        "accessibility_routine": "Alt-text på alla bilder och textning av alla filmer.",
        "alt_texts": AccessibilityPractice.IN_ROUTINE,
        "captions": AccessibilityPractice.IN_ROUTINE,
        "readable_hashtags": AccessibilityPractice.IN_ROUTINE,
        "channel_information": (
            "Kanalen drivs av Region Uppsala, Kultur och bildning. Inlägg kan vara allmänna handlingar."
        ),
    }
    content.update(extra)
    return content


GOALS = [
    {
        "description": "Öka antalet följare",
        "metric": Metric.FOLLOWERS,
        "baseline": Decimal("800"),
        "target": Decimal("1500"),
        "deadline": date(2027, 12, 31),
    },
    {
        "description": "Fler anmälningar till författarkvällar",
        "metric": Metric.REGISTRATIONS,
        "baseline": Decimal("40"),
        "target": Decimal("80"),
        "deadline": date(2027, 6, 30),
    },
]


def _plan(name, author, content, steps, goals=GOALS):
    existing = Plan.objects.filter(channel_name=name, version_number=1).first()
    if existing is not None:
        return existing
    plan = create_draft(author=author, content=content, goals=goals)
    for action, actor, comment in steps:
        plan = transition(plan.pk, action, actor=actor, comment=comment)
    return plan


def seed(context: dict) -> None:
    units, people = context["units"], context["people"]
    library, music, staben = units["Länsbiblioteket"], units["Musik i Uppland"], units["Staben"]
    maja, oskar = people["medarbetare"], people["medarbetare2"]
    chef, chef2, ka, kd = people["chef"], people["chef2"], people["kommunikator"], people["direktor"]

    approved = _plan(
        "Länsbiblioteket Uppsala",
        maja,
        _content(
            library, maja, Platform.FACEBOOK, "Länsbiblioteket Uppsala", "https://www.facebook.com/lansbiblioteket"
        ),
        [
            (Action.SUBMIT, maja, ""),
            (Action.APPROVE, chef, "Bra plan, i linje med verksamhetsplanen."),
            (Action.APPROVE, ka, "Granskad. Kom ihåg skärmdumparna varje halvår."),
            (Action.APPROVE, kd, "Beslut: satsningen genomförs."),
        ],
    )
    _plan(
        "Läslust på Instagram",
        maja,
        _content(
            library, maja, Platform.INSTAGRAM, "Läslust på Instagram", "https://www.instagram.com/laslust_uppsala"
        ),
        [(Action.SUBMIT, maja, "")],
    )
    _plan(
        "Musik i Uppland på YouTube",
        oskar,
        _content(
            music,
            oskar,
            Platform.YOUTUBE,
            "Musik i Uppland på YouTube",
            "https://www.youtube.com/@musikiuppland",
            update_count=2,
            update_period=FrequencyPeriod.MONTH,
        ),
        [(Action.SUBMIT, oskar, ""), (Action.APPROVE, chef2, "")],
    )
    _plan(
        "Musik i Uppland på TikTok",
        oskar,
        _content(music, oskar, Platform.TIKTOK, "Musik i Uppland på TikTok", ""),
        [
            (Action.SUBMIT, oskar, ""),
            (Action.RETURN, chef2, "Beskriv tillsynen under sommaren tydligare, och vem som ersätter dig."),
        ],
    )
    _plan(
        "Kultur och bildning på LinkedIn",
        kd,
        _content(
            staben, ka, Platform.LINKEDIN, "Kultur och bildning på LinkedIn", "https://www.linkedin.com/company/kob"
        ),
        [(Action.SUBMIT, kd, "")],
    )
    _plan(
        "Länsbibliotekets blogg",
        maja,
        _content(library, maja, Platform.BLOG, "Länsbibliotekets blogg", ""),
        [],
    )
    if not Plan.objects.filter(series=approved.series, version_number=2).exists():
        revise(approved.pk, actor=maja)
    seed_channels(context)
    seed_upkeep(context)


def _approved(name, author, content, chef, ka, kd):
    # A chef who writes the plan signs the chef step by submitting it.
    chef_step = [] if author == chef else [(Action.APPROVE, chef, "")]
    steps = [
        (Action.SUBMIT, author, ""),
        *chef_step,
        (Action.APPROVE, ka, ""),
        (Action.APPROVE, kd, "Beslut: satsningen genomförs."),
    ]
    return _plan(name, author, content, steps)


def _go_live(channel, chef, owner, screenshot_responsible, others=(), backup=None):
    """Checklist, supervision (`_secure_supervision`), activation and people, each only if
    not done yet."""

    channel.refresh_from_db()
    if channel.status == ChannelStatus.PLANERAD:
        for item in ChecklistItem:
            set_checklist_item(channel.pk, item, actor=chef, ticked=True)
        _secure_supervision(channel, chef, owner, backup)
        channel_transition(channel.pk, ChannelAction.ACTIVATE, actor=chef)
    channel.refresh_from_db()
    if channel.owner_id != owner.pk:
        appoint(channel.pk, actor=chef, owner=owner, screenshot_responsible=screenshot_responsible, others=others)
    return channel


def _secure_supervision(channel, chef, owner, backup=None) -> None:
    """What go-live requires besides the checklist, unless there already: an agreement
    confirmed by the chef and the owner, and a roster for the next twelve weeks (or
    settings.CHANNEL_ACTIVATION_ROSTER_WEEKS, if more) with the owner as monitor."""
    if not Agreement.objects.filter(
        channel=channel, chef_confirmed_at__isnull=False, owner_confirmed_at__isnull=False
    ).exists():
        agreement = propose_agreement(
            channel.pk,
            actor=chef,
            owner=owner,
            tasks="Publicera inlägg, svara på kommentarer vardagar och bevaka kanalen enligt tillsynsschemat.",
            hours_per_week=Decimal("2.0"),
        )
        confirm_agreement(agreement.pk, actor=owner)
    if not RosterWeek.objects.filter(channel=channel).exists():
        first = roster_activation_start(timezone.localdate())
        last = first + datetime.timedelta(weeks=max(12, settings.CHANNEL_ACTIVATION_ROSTER_WEEKS) - 1)
        assign_roster(
            channel.pk,
            actor=chef,
            first=first.isocalendar()[:2],
            last=last.isocalendar()[:2],
            primary=owner,
            backup=backup,
        )


def seed_channels(context: dict) -> None:
    """A realistic register: active channels with owners and agreements, a roster with a gap
    caused by an absence, and one channel being closed."""

    units, people = context["units"], context["people"]
    library, music = units["Länsbiblioteket"], units["Musik i Uppland"]
    maja, chef, chef2 = people["medarbetare"], people["chef"], people["chef2"]
    ka, kd = people["kommunikator"], people["direktor"]

    facebook = Plan.objects.get(channel_name="Länsbiblioteket Uppsala", version_number=1).channel
    if not Agreement.objects.filter(channel=facebook).exists():
        agreement = propose_agreement(
            facebook.pk,
            actor=chef,
            owner=maja,
            tasks="Publicera två inlägg i veckan, svara på kommentarer vardagar, skärmdumpar varje halvår.",
            hours_per_week=Decimal("3.0"),
        )
        confirm_agreement(agreement.pk, actor=maja)

    # The roster for the next twelve weeks; in week +3 the monitor is away and has no backup.
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    gap_monday = monday + datetime.timedelta(weeks=2)
    if not RosterWeek.objects.filter(channel=facebook).exists():
        first, last = monday.isocalendar()[:2], (monday + datetime.timedelta(weeks=11)).isocalendar()[:2]
        assign_roster(facebook.pk, actor=chef, first=first, last=last, primary=maja, backup=chef)
        gap_week = gap_monday.isocalendar()[:2]
        assign_roster(facebook.pk, actor=chef, first=gap_week, last=gap_week, primary=maja, backup=None)
    # Live before the absence is registered: the gap arose after the go-live.
    _go_live(facebook, chef, owner=maja, screenshot_responsible=maja, others=[chef])
    Absence.objects.get_or_create(
        user=maja,
        kind=AbsenceKind.TJANSTLEDIGHET,
        starts_on=gap_monday,
        defaults={"ends_on": gap_monday + datetime.timedelta(days=4), "note": "Kurs i Stockholm"},
    )

    music_facebook = _approved(
        "Musik i Uppland på Facebook",
        chef2,
        _content(
            music, chef2, Platform.FACEBOOK, "Musik i Uppland på Facebook", "https://www.facebook.com/musikiuppland"
        ),
        chef2,
        ka,
        kd,
    ).channel
    _go_live(music_facebook, chef2, owner=chef2, screenshot_responsible=chef2)

    x_channel = _approved(
        "Länsbiblioteket på X",
        maja,
        _content(library, maja, Platform.X, "Länsbiblioteket på X", "https://x.com/lansbiblioteket"),
        chef,
        ka,
        kd,
    ).channel
    _go_live(x_channel, chef, owner=maja, screenshot_responsible=maja, backup=chef)
    x_channel.refresh_from_db()
    if x_channel.status == ChannelStatus.AKTIV and not ClosureRequest.objects.filter(channel=x_channel).exists():
        closure = create_closure_request(
            x_channel.pk,
            actor=chef,
            analysis={
                "reason": "Mycket få följare och nästan ingen dialog sedan 2024.",
                "measures_tried": "Fler inlägg, samarbete med folkbiblioteken, annonsering på webbplatsen.",
                "visitor_figures": "120 följare, i snitt 3 interaktioner per månad senaste året.",
                "followers_notice": "Ett sista inlägg som hänvisar till Facebooksidan och webbplatsen.",
                "account_fate": "Kontot låses och raderas efter slutlig skärmdump.",
            },
        )
        closure_transition(closure.pk, Action.SUBMIT, actor=chef)
        closure_transition(closure.pk, Action.APPROVE, actor=ka)
        closure_transition(closure.pk, Action.APPROVE, actor=kd, comment="Kanalen avvecklas.")


# Updates logged by hand in each of the ten weeks before this one, oldest first, for the two
# demo channels whose plans require two a week: Länsbiblioteket misses a week, then two in a row
# (the chef is told), then last week; Musik i Uppland misses the last two weeks.
DEMO_WEEKLY_UPDATES = {
    "Länsbiblioteket Uppsala": [2, 3, 2, 1, 2, 0, 1, 2, 2, 1],
    "Musik i Uppland på Facebook": [2, 2, 2, 2, 3, 2, 2, 2, 0, 0],
}
DEMO_NOTES = [
    "Veckans boktips",
    "Programpuff: författarkväll på Stadsbiblioteket",
    "Bakom kulisserna",
    "Påminnelse om anmälan",
]
# The demo channels have been in use for this long: long enough for the ten weeks of updates
# and for the screenshot duty of the half year to be overdue.
DEMO_IN_USE_WEEKS = 12


def seed_upkeep(context: dict) -> None:
    """What the scheduled jobs would have found by now: ten weeks of updates with missed weeks,
    the weekly checks of them (run for each past Monday in turn, as the schedule would have),
    an overdue screenshot duty, and the notifications all of these send the demo users.

    Idempotent: the updates are logged only for a channel without any logged by hand, the
    activation is moved back only once, and the jobs write each row and notification once."""

    today = timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    weeks = len(next(iter(DEMO_WEEKLY_UPDATES.values())))
    for name, counts in DEMO_WEEKLY_UPDATES.items():
        channel = Plan.objects.get(channel_name=name, version_number=1).channel
        channel = Channel.objects.select_related("unit", "owner").get(pk=channel.pk)
        if channel.status != ChannelStatus.AKTIV:
            continue
        _in_use_since(channel, today - datetime.timedelta(weeks=DEMO_IN_USE_WEEKS))
        if ChannelUpdate.objects.filter(channel=channel, source=UpdateSource.MANUAL).exists():
            continue
        for weeks_ago, count in zip(range(weeks, 0, -1), counts, strict=True):
            monday = this_monday - datetime.timedelta(weeks=weeks_ago)
            for i in range(count):
                log_update(
                    channel,
                    channel.owner,
                    published_on=monday + datetime.timedelta(days=(1, 3, 4)[i]),
                    link=f"{channel.url}/posts/{weeks_ago}{i}" if channel.url and i == 0 else "",
                    note=DEMO_NOTES[(weeks_ago + i) % len(DEMO_NOTES)],
                )

    for weeks_ago in range(weeks - 1, -1, -1):
        rhythm.run_weekly_check(today=this_monday - datetime.timedelta(weeks=weeks_ago))

    # In the first 30 days of a half year no duty of it can be overdue yet: the one of the half
    # year before, judged on its last day, shows what an overdue duty looks like instead.
    year, half = today.year, 1 if today.month <= 6 else 2
    period_start, _period_end = ScreenshotDuty.bounds(year, half)
    if today < period_start + datetime.timedelta(days=30):
        duties.run_screenshot_duties(today=period_start - datetime.timedelta(days=1))
    duties.run_screenshot_duties(today=today)


def _in_use_since(channel, day) -> None:
    """Move the demo channel's activation back to `day` (09:00), if it was activated later:
    seeding activates the channels today, and a channel in use since today has no past weeks to
    check. Saved with update_fields, so the history tells who (nobody: the demo) and why."""

    since = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)), timezone.get_default_timezone())
    if channel.activated_at is not None and channel.activated_at <= since:
        return
    channel.activated_at = since
    channel.status_changed_at = since
    channel._change_reason = "Demodata: kanalen har använts i tolv veckor"
    channel.save(update_fields=["activated_at", "status_changed_at"])
