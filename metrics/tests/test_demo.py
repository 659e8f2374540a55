"""The demo's measurements: a year of values for two channels, a goal on track and one off on each."""

import datetime
import os

import pytest
from django.core.management import call_command
from django.utils import timezone

from metrics.enums import CATALOGUE, Conclusion, EvaluationStatus
from metrics.models import Evaluation, Measurement
from metrics.progress import Status, goal_progress
from plans.enums import PlanStatus
from plans.models import Plan

pytestmark = pytest.mark.django_db


def test_seed_demo_measures_two_channels_for_a_year_with_goals_on_and_off_track(time_machine):
    # The demo plans' goals have fixed deadlines in 2027 (plans/demo.py GOALS): seen from this day.
    time_machine.move_to(datetime.datetime(2026, 12, 3, 10, tzinfo=datetime.UTC), tick=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115

    statuses = {}
    for name in ("Länsbiblioteket Uppsala", "Musik i Uppland på Facebook"):
        plan = Plan.objects.filter(channel_name=name, status=PlanStatus.GODKAND).order_by("-version_number").first()
        for goal in plan.goals.all():
            points = Measurement.objects.filter(channel=plan.channel, metric=goal.metric).values_list("on", "value")
            progress = goal_progress(
                spec=CATALOGUE.get(goal.metric),
                baseline=goal.baseline,
                target=goal.target,
                deadline=goal.deadline,
                points=list(points),
                today=timezone.localdate(),
            )
            statuses[(name, goal.metric)] = progress.status
    assert sorted(statuses.values()) == sorted([Status.ON_TRACK, Status.OFF_TRACK] * 2)
    assert Measurement.objects.count() == 2 * (53 + 12)
    evaluation = Evaluation.objects.get()
    assert (evaluation.channel.name, evaluation.status, evaluation.conclusion) == (
        "Länsbiblioteket Uppsala",
        EvaluationStatus.DONE,
        Conclusion.CONTINUE,
    )
    assert sorted(evaluation.goals.values_list("metric", "result_status")) == sorted(
        [(goal_metric, status) for (name, goal_metric), status in statuses.items() if name == "Länsbiblioteket Uppsala"]
    )
    assert all(goal.went_well and goal.went_badly and goal.change for goal in evaluation.goals.all())
