"""Demo plans in different states, so that `make run` shows a living system. Idempotent: a
plan is keyed by its channel name and version, and only created when missing."""

from datetime import date
from decimal import Decimal

from .domain.drafts import create_draft, revise
from .domain.transitions import transition
from .enums import Action, FrequencyPeriod, Metric, Platform
from .models import Plan


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
        "personal_data_note": "Regionen är gemensamt personuppgiftsansvarig med plattformen.",
        "accessibility_routine": "Alt-text på alla bilder och textning av alla filmer.",
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
