"""Demo measurements and an evaluation: a year of values for two active channels, one goal on
track and one off on each, and last year's evaluation of the first.

Länsbiblioteket Uppsala (Facebook) gains followers steadily (on track for 1 500) while its
registrations stay flat (off track for 80 a month); Musik i Uppland på Facebook the other way
round. Entered through the domain as their owners would, weekly followers and monthly
registrations, after moving the channels' registration a year back (seeding creates them today).
The evaluation of Länsbiblioteket Uppsala is written and completed through the domain by its owner,
concluding that the channel continues. Idempotent: a channel that has measurements (or an
evaluation) is left alone."""

import datetime
from decimal import Decimal

from django.utils import timezone

from channel_register.models import Channel
from kob_social.history import update_with_history
from plans.enums import Metric

from .domain.evaluations import complete_evaluation, goal_key, start_evaluation
from .domain.measurements import record_measurement
from .enums import Conclusion, Period
from .models import Evaluation, Measurement

DEMO_DAYS = 371  # a year and a week: 53 weekly values and twelve complete months
# (followers at the start, followers gained per week, registrations per month at the start and per month more)
DEMO_SERIES = {
    "Länsbiblioteket Uppsala": (Decimal(820), Decimal(9), Decimal(44), Decimal("-0.3")),
    "Musik i Uppland på Facebook": (Decimal(610), Decimal("1.5"), Decimal(38), Decimal("3.5")),
}


EVALUATED = "Länsbiblioteket Uppsala"
EVALUATION_SUMMARY = (
    "Kanalen når fler i målgruppen för varje månad och är värd sina timmar. Anmälningarna till "
    "evenemangen kommer däremot inte från kanalen: nästa år prövar vi anmälan direkt i inläggen."
)
# Per goal metric: what went well, what did not and why, what should change.
EVALUATION_ANSWERS = {
    Metric.FOLLOWERS: (
        "Stadig ökning varje vecka, särskilt efter boktipsen på fredagar.",
        "Få delningar: inläggen om öppettider sprids inte.",
        "Fler boktips, färre inlägg om öppettider.",
    ),
    Metric.REGISTRATIONS: (
        "Evenemangen som nämns i kanalen blir fullbokade.",
        "Anmälningarna ligger kvar på samma nivå: länken till anmälan syns dåligt.",
        "Länka till anmälan först i inlägget och påminn en vecka före.",
    ),
}


def seed(context: dict) -> None:
    seed_measurements()
    seed_evaluation()


def seed_evaluation() -> None:
    channel = Channel.objects.filter(name=EVALUATED).select_related("owner").first()
    if channel is None or channel.owner is None or Evaluation.objects.filter(channel=channel).exists():
        return
    evaluation = start_evaluation(channel.pk, actor=channel.owner)
    answers = {}
    for goal in evaluation.goals.all():
        for field, text in zip(
            ("went_well", "went_badly", "change"), EVALUATION_ANSWERS.get(goal.metric, ()), strict=False
        ):
            answers[goal_key(goal, field)] = text
    complete_evaluation(
        evaluation.pk,
        actor=channel.owner,
        expected_revision=evaluation.revision,
        summary=EVALUATION_SUMMARY,
        answers=answers,
        conclusion=Conclusion.CONTINUE,
    )


def seed_measurements() -> None:
    today = timezone.localdate()
    start = today - datetime.timedelta(days=DEMO_DAYS)
    for name, (followers, weekly_gain, registrations, monthly_gain) in DEMO_SERIES.items():
        channel = Channel.objects.select_related("unit").filter(name=name).first()
        if channel is None or channel.owner is None or Measurement.objects.filter(channel=channel).exists():
            continue
        registered = timezone.make_aware(datetime.datetime.combine(start, datetime.time(9)))
        if channel.created_at > registered:
            update_with_history(Channel.objects.filter(pk=channel.pk), created_at=registered)
        owner = channel.owner
        monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
        week = 0
        while monday <= today:
            wobble = Decimal((week * 7) % 5 - 2)
            record_measurement(
                channel.pk,
                actor=owner,
                metric=Metric.FOLLOWERS,
                on=monday,
                value=(followers + weekly_gain * week + wobble).quantize(Decimal(1)),
            )
            monday += datetime.timedelta(weeks=1)
            week += 1
        month = (start.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)
        number = 0
        while month < today.replace(day=1):
            record_measurement(
                channel.pk,
                actor=owner,
                metric=Metric.REGISTRATIONS,
                period=Period.MONTH,
                on=month,
                value=max(Decimal(0), registrations + monthly_gain * number + Decimal(number % 3)).quantize(Decimal(1)),
            )
            month = (month + datetime.timedelta(days=32)).replace(day=1)
            number += 1
