"""The region-sized dataset (ops.region), built once at a hundredth of its size: the counts are as
scaled, every state is there, and every row is one the domain could have written."""

import datetime
import io
from collections import defaultdict

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from accounts.models import Unit, User
from accounts.queries import has_valid_training
from channel_register.enums import ChannelStatus, ChecklistItem
from channel_register.models import (
    Agreement,
    Channel,
    ChannelUpdate,
    ChecklistTick,
    RosterWeek,
    Screenshot,
)
from metrics.enums import EvaluationStatus
from metrics.models import Evaluation, Measurement
from ops.region import FULL_SIZE, MINIMUMS, RegionNotEmpty, build_region, region_size
from plans.domain.archive import fingerprint
from plans.enums import Action, PlanStatus, Step
from plans.models import ClosureRequest, Decision, DiarieCounter, Plan, SignedPlan

TODAY = datetime.date(2027, 3, 15)
SCALE = 0.01

# The decisions a plan in each state has, in order, as (step, outcome); a chef who wrote the plan
# signs the chef step by submitting it, which is recorded as the chef's approval as well.
APPROVED = [(Step.CHEF, Action.APPROVE), (Step.KOMMUNIKATION, Action.APPROVE), (Step.DIREKTOR, Action.APPROVE)]
DECISIONS_BY_STATUS = {
    PlanStatus.UTKAST: [[]],
    PlanStatus.HOS_CHEF: [[]],
    PlanStatus.HOS_KOMMUNIKATION: [APPROVED[:1]],
    PlanStatus.HOS_DIREKTOR: [APPROVED[:2]],
    PlanStatus.GODKAND: [APPROVED],
    PlanStatus.ERSATT: [APPROVED],
    PlanStatus.ATERSAND: [[*APPROVED[:n], (step, Action.RETURN)] for n, (step, _a) in enumerate(APPROVED)],
    PlanStatus.AVSLAGEN: [[*APPROVED[:n], (step, Action.REJECT)] for n, (step, _a) in enumerate(APPROVED)],
    PlanStatus.ATERKALLAD: [APPROVED[:n] for n in range(3)],
}


@pytest.fixture(scope="module")
def region(django_db_setup, django_db_blocker, tmp_path_factory):
    """The region at SCALE, built once for the module inside a transaction rolled back at its end."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(datetime.datetime(2027, 3, 15, 12, tzinfo=datetime.UTC), tick=False),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        out = io.StringIO()
        written = build_region(SCALE, out=out, today=TODAY)
        yield written, out.getvalue()
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_region_size_full_scale_is_the_issues_size():
    # Arrange, act
    size = region_size(1.0)

    # Assert
    assert size == {"channels": 2_000, "people": 300, "plans": 4_000, "measurements": 1_000_000, "updates": 100_000}


def test_region_size_small_scale_keeps_the_minimums():
    # Arrange, act
    size = region_size(0.0001)

    # Assert
    assert size == MINIMUMS


def test_region_counts_are_as_scaled(region):
    # Arrange
    written, _out = region

    # Act
    stored = {
        "channels": Channel.objects.count(),
        "people": User.objects.count(),
        "plans": Plan.objects.count(),
        "measurements": Measurement.objects.count(),
        "updates": ChannelUpdate.objects.count(),
    }

    # Assert
    assert stored == {name: written[name] for name in FULL_SIZE} == region_size(SCALE)
    assert stored == {"channels": 20, "people": 17, "plans": 40, "measurements": 10_000, "updates": 1_000}


def test_region_has_five_units_under_the_administration(region):
    # Arrange, act
    units = sorted(Unit.objects.filter(parent__isnull=False).values_list("name", flat=True))

    # Assert
    assert units == ["Kulturutveckling", "Länsbiblioteket", "Musik i Uppland", "Staben", "Upplandsmuseet"]
    assert Channel.objects.values("unit").distinct().count() == 5


def test_region_progress_names_each_step_with_its_time(region):
    # Arrange
    _written, out = region

    # Act
    lines = out.splitlines()

    # Assert
    assert lines[0].startswith("People and units: units 6, people 17")
    assert lines[-1].startswith("Region built in ")


def test_region_has_every_plan_and_channel_state(region):
    # Arrange, act
    plan_states = set(Plan.objects.values_list("status", flat=True))
    channel_states = set(Channel.objects.values_list("status", flat=True))

    # Assert
    assert plan_states == set(PlanStatus.values)
    assert channel_states == set(ChannelStatus.values)


def test_region_decisions_agree_with_each_plans_status(region):
    # Arrange
    decisions = defaultdict(list)
    for plan_id, step, outcome in (
        Decision.objects.filter(plan__isnull=False).order_by("decided_at", "pk").values_list("plan", "step", "outcome")
    ):
        decisions[plan_id].append((step, outcome))

    # Act
    wrong = [
        (plan.pk, plan.status, decisions[plan.pk])
        for plan in Plan.objects.all()
        if decisions[plan.pk] not in DECISIONS_BY_STATUS[plan.status]
    ]

    # Assert
    assert wrong == []


def test_region_decided_and_submitted_times_agree_with_status(region):
    # Arrange, act
    wrong = [
        plan.pk
        for plan in Plan.objects.all()
        if (plan.decided_at is not None)
        != (plan.status in (PlanStatus.GODKAND, PlanStatus.ERSATT, PlanStatus.AVSLAGEN))
        or (plan.submitted_at is None) != (plan.status == PlanStatus.UTKAST)
        or (plan.deciding_chef_id is None) != (plan.submitted_at is None)
    ]

    # Assert
    assert wrong == []


def test_region_every_submitted_series_has_one_diarienummer(region):
    # Arrange
    numbers = defaultdict(set)
    for plan in Plan.objects.all():
        numbers[plan.series].add(plan.diarienummer)
    submitted = set(Plan.objects.filter(submitted_at__isnull=False).values_list("series", flat=True))

    # Act
    per_series = {series: numbers[series] for series in submitted}
    given = [next(iter(found)) for found in per_series.values()]

    # Assert
    assert all(len(found) == 1 and "" not in found for found in per_series.values())
    assert len(given) == len(set(given))
    assert sum(DiarieCounter.objects.values_list("last", flat=True)) == len(given)


def test_region_first_drafts_have_no_channel_and_no_number(region):
    # Arrange, act
    drafts = Plan.objects.filter(status=PlanStatus.UTKAST, version_number=1)

    # Assert
    assert drafts.count() >= 1
    assert list(drafts.exclude(channel=None, diarienummer="")) == []


def test_region_series_have_at_most_one_plan_in_force_and_each_approval_a_snapshot(region):
    # Arrange
    in_force = Plan.objects.filter(status=PlanStatus.GODKAND).values("series").annotate(n=Count("pk"))
    approved = Plan.objects.filter(status__in=[PlanStatus.GODKAND, PlanStatus.ERSATT])

    # Act
    fingerprints_hold = all(
        signed.snapshot_sha256 == fingerprint(signed.snapshot) for signed in SignedPlan.objects.all()
    )

    # Assert
    assert max(row["n"] for row in in_force) == 1
    assert set(SignedPlan.objects.values_list("plan", flat=True)) == set(approved.values_list("pk", flat=True))
    assert fingerprints_hold


def test_region_channel_status_agrees_with_its_plans(region):
    # Arrange
    statuses = defaultdict(set)
    for channel_id, status in Plan.objects.exclude(channel=None).values_list("channel", "status"):
        statuses[channel_id].add(status)
    closures = set(ClosureRequest.objects.filter(status=PlanStatus.GODKAND).values_list("channel", flat=True))
    finals = set(Screenshot.objects.filter(is_final=True).values_list("channel", flat=True))

    # Act
    wrong = []
    for channel in Channel.objects.all():
        plans = statuses[channel.pk]
        if channel.status in (ChannelStatus.AKTIV, ChannelStatus.PAUSAD, ChannelStatus.AVVECKLAS):
            ok = PlanStatus.GODKAND in plans and channel.activated_at is not None
        elif channel.status == ChannelStatus.PLANERAD:
            ok = channel.activated_at is None and bool(plans - {PlanStatus.AVSLAGEN, PlanStatus.ATERKALLAD})
        elif channel.activated_at is None:  # closed without being started
            ok = plans <= {PlanStatus.AVSLAGEN, PlanStatus.ATERKALLAD} and channel.closed_at is not None
        else:  # closed after a closure request and a final screenshot
            ok = channel.pk in closures and channel.pk in finals and channel.closed_at is not None
        if channel.status == ChannelStatus.AVVECKLAS:
            ok = ok and channel.pk in closures
        if not ok:
            wrong.append((channel.pk, channel.status, plans))

    # Assert
    assert wrong == []


def test_region_live_channels_went_live_as_the_domain_requires(region):
    # Arrange
    live = Channel.objects.exclude(activated_at=None).select_related("owner")
    ticks = dict(ChecklistTick.objects.values("channel").annotate(n=Count("pk")).values_list("channel", "n"))
    agreed = set(
        Agreement.objects.exclude(chef_confirmed_at=None)
        .exclude(owner_confirmed_at=None)
        .values_list("channel", flat=True)
    )

    # Act
    wrong = [
        channel.pk
        for channel in live
        if ticks.get(channel.pk) != len(ChecklistItem)
        or channel.pk not in agreed
        or channel.owner is None
        or not has_valid_training(channel.owner, channel.activated_at.date())
    ]

    # Assert
    assert live.count() >= 10
    assert wrong == []


def test_region_some_active_channels_have_an_owner_whose_training_lapsed(region):
    # Arrange
    active = Channel.objects.filter(status=ChannelStatus.AKTIV).select_related("owner")

    # Act
    lapsed = [channel.pk for channel in active if not has_valid_training(channel.owner, TODAY)]

    # Assert
    assert 0 < len(lapsed) < active.count()


def test_region_roster_covers_a_year_for_some_and_leaves_gaps_ahead_for_others(region):
    # Arrange
    active = list(Channel.objects.filter(status=ChannelStatus.AKTIV).values_list("pk", flat=True))
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    ahead = {(monday + datetime.timedelta(weeks=n)).isocalendar()[:2] for n in range(4)}
    weeks = defaultdict(set)
    for channel_id, year, week in RosterWeek.objects.values_list("channel", "iso_year", "iso_week"):
        weeks[channel_id].add((year, week))

    # Act
    covered = [pk for pk in active if ahead <= weeks[pk]]
    longest = max(len(found) for found in weeks.values())

    # Assert
    assert 0 < len(covered) < len(active)
    assert longest == 52


def test_region_measurements_are_of_the_channels_goal_metrics(region):
    # Arrange
    goal_metrics = defaultdict(set)
    for channel_id, metric in Plan.objects.exclude(channel=None).values_list("channel", "goals__metric"):
        goal_metrics[channel_id].add(metric)

    # Act
    stray = [
        (channel_id, metric)
        for channel_id, metric in Measurement.objects.values_list("channel", "metric").distinct()
        if metric not in goal_metrics[channel_id]
    ]

    # Assert
    assert stray == []


def test_region_evaluations_are_of_live_channels_with_at_most_one_draft(region):
    # Arrange
    evaluations = Evaluation.objects.select_related("channel", "plan")

    # Act
    wrong = [
        evaluation.pk
        for evaluation in evaluations
        if evaluation.plan.channel_id != evaluation.channel_id
        or evaluation.channel.activated_at is None
        or (evaluation.status == EvaluationStatus.DONE) != (evaluation.completed_at is not None)
    ]

    # Assert
    assert evaluations.filter(status=EvaluationStatus.DONE).count() >= 1
    assert wrong == []


def test_region_refuses_a_database_that_is_not_empty():
    # Arrange
    Unit.objects.create(name="Kultur och bildning", kind="forvaltning")

    # Act, assert
    with pytest.raises(RegionNotEmpty):
        build_region(SCALE, out=io.StringIO(), today=TODAY)


def test_seed_demo_scale_region_refuses_a_database_that_is_not_empty():
    # Arrange
    Unit.objects.create(name="Kultur och bildning", kind="forvaltning")

    # Act, assert
    with pytest.raises(CommandError, match="empty database"):
        call_command("seed_demo", "--scale", "region", "--fraction", "0.01", stdout=io.StringIO())


def test_region_stored_inventory_due_agrees_with_the_rule(region):
    # Arrange
    channels = Channel.objects.order_by("pk")

    # Act
    disagree = [channel.pk for channel in channels if channel.inventory_due != channel.next_inventory_due()]
    overdue = channels.filter(inventory_due__lt=TODAY).count()

    # Assert
    assert disagree == []
    assert 0 < overdue < channels.filter(status__in=[ChannelStatus.AKTIV, ChannelStatus.PAUSAD]).count()
