"""The standings: each channel's facts read in bulk (read_facts) in a number of queries that does not
grow with the channels, judged and kept one row per channel (refresh_standings), refreshed after a
change (overview.signals) and every night (the job refresh_standings).

The day is Monday 15 March 2027 (noon UTC). Texts are not compared here: the lights' reasons are
tested with the lights.
"""

import datetime
import io
import uuid
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.enums import Role
from accounts.models import TrainingRecord
from accounts.tests.factories import AbsenceFactory, TrainingRecordFactory, make_user
from channel_register.domain.channels import appoint, confirm_inventory, describe_channel, record_screenshot
from channel_register.domain.duties import open_change_duty
from channel_register.domain.updates import log_update
from channel_register.enums import DutyReason
from channel_register.models import Channel, RosterWeek
from channel_register.tests.channel_factories import ANSWERED, STATED, png_upload, trained
from channel_register.tests.channel_upkeep_factories import screenshot_duty, weekly_check
from kob_social.history import bulk_create_with_history, update_with_history
from metrics.domain import imports
from metrics.domain.measurements import record_measurement
from metrics.enums import EvaluationStatus
from metrics.models import Evaluation, MeasurementImport
from metrics.progress import Status
from metrics.queries import plan_in_force
from metrics.tests.factories import measured_channel
from overview.domain.standing import OPEN_ENDED, read_facts, refresh_standings
from overview.enums import Light
from overview.facts import Facts, Person, RhythmPeriod
from overview.models import Standing
from overview.signals import PendingRefresh
from overview.tasks import refresh_standings as refresh_standings_task
from plans.domain.drafts import revise
from plans.enums import Metric
from plans.models import Goal, Plan
from plans.tests.factories import GOAL, submitted_plan

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 15)  # a Monday
STOCKHOLM = ZoneInfo("Europe/Stockholm")
SINCE = date(2026, 1, 1)  # the channels entered the register then, so older values may be recorded
MAJA = Person("Maja Lindqvist", date(2030, 2, 12))  # trained on 13 February 2027, for three years
FOLLOWERS = {"description": "Fler följare", "metric": Metric.FOLLOWERS, "baseline": 1200, "target": 2000}
POSTS = {"description": "Fler inlägg", "metric": Metric.POSTS, "baseline": 4, "target": 8}


@pytest.fixture(autouse=True)
def today(time_machine, settings, tmp_path):
    time_machine.move_to(datetime.datetime(2027, 3, 15, 12, tzinfo=datetime.UTC), tick=False)
    settings.MEDIA_ROOT = tmp_path
    return TODAY


def goals(*specs, deadline=date(2027, 12, 31)) -> list[dict]:
    return [
        {**spec, "baseline": Decimal(spec["baseline"]), "target": Decimal(spec["target"]), "deadline": deadline}
        for spec in specs
    ]


def facts_of(channel: Channel, day: date = TODAY) -> Facts:
    return read_facts([Channel.objects.get(pk=channel.pk)], today=day)[channel.pk]


def local(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STOCKHOLM)


def monitor_of(channel: Channel):
    return RosterWeek.objects.filter(channel=channel).select_related("primary").first().primary


def evaluated(channel: Channel, author, completed_at: datetime.datetime, status=EvaluationStatus.DONE) -> Evaluation:
    """An evaluation of the plan in force (the ORM: the facts read only its status and completion)."""
    return Evaluation.objects.create(
        channel=channel,
        plan=plan_in_force(channel),
        author=author,
        status=status,
        completed_at=completed_at if status == EvaluationStatus.DONE else None,
    )


def well_kept(org) -> Channel:
    """An active channel that keeps everything: its rhythm met, its roster full, this half year's
    screenshot taken, its inventory confirmed, its goal reached and an evaluation completed."""
    channel = measured_channel(org, since=SINCE, goals=goals(FOLLOWERS))
    for weeks in range(1, 5):
        weekly_check(channel, TODAY - timedelta(weeks=weeks), actual=2)
    screenshot_duty(channel, 2027, 1, starts_on=TODAY)
    record_screenshot(
        channel.pk, actor=org.medarbetare, taken_on=TODAY, url=channel.url, **ANSWERED, uploads=[png_upload()]
    )
    confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, **STATED)
    record_measurement(
        channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=date(2027, 3, 1), value=Decimal(2100)
    )
    evaluated(channel, org.medarbetare, local(2027, 3, 10, 14))
    return channel


# --- The facts of a channel in each state ----------------------------------------------------------


def test_read_facts_planned_channel_with_its_first_plan_being_decided(org):
    channel = submitted_plan(org.medarbetare).channel

    facts = facts_of(channel)

    assert (facts.status, facts.activated_on, facts.plan_version, facts.plan_pending_version) == (
        "planerad",
        None,
        None,
        1,
    )
    assert (facts.rhythm, facts.roster_gap_days, facts.goal_statuses, facts.inventory_due_on) == ((), (), (), None)


def test_read_facts_plan_in_force_approved_before_newer_rules_says_which(org):
    channel = measured_channel(org)
    Plan.objects.filter(pk=plan_in_force(channel).pk).update(missing_later_rules=["personal_data", "accessibility"])

    facts = facts_of(channel)

    assert facts.plan_missing_rules == ("personal_data", "accessibility")
    assert Facts.from_json(facts.to_json()) == facts


def test_read_facts_active_channel_with_a_new_version_being_written(org):
    channel = measured_channel(org)
    revise(plan_in_force(channel).pk, actor=org.medarbetare, reason="Nya mål")

    facts = facts_of(channel)

    assert (facts.plan_version, facts.plan_pending_version, facts.plan_runs_out_on) == (1, 2, GOAL["deadline"])


def test_read_facts_active_channel_with_everything_kept(org):
    channel = well_kept(org)

    facts = facts_of(channel)

    assert facts == Facts(
        status="aktiv",
        activated_on=TODAY,
        plan_version=1,
        plan_runs_out_on=date(2027, 12, 31),
        plan_pending_version=None,
        rhythm=tuple(RhythmPeriod("vecka", TODAY - timedelta(weeks=weeks), 2, 2) for weeks in range(1, 5)),
        roster_gap_days=(),
        screenshot_duty_starts_on=TODAY,
        screenshot_taken=True,
        inventory_due_on=date(2027, 9, 15),
        owner=MAJA,
        people=(MAJA,),
        goal_statuses=(Status.ON_TRACK.value,),
        last_evaluated_on=date(2027, 3, 10),
    )


def test_read_facts_rhythm_the_latest_four_checks_newest_first(org):
    channel = measured_channel(org)
    weekly_check(channel, date(2026, 9, 6), actual=0)  # more than five months ago: not read
    for weeks, actual in [(1, 0), (2, 2), (3, 1), (4, 2), (5, 0)]:
        weekly_check(channel, TODAY - timedelta(weeks=weeks), actual=actual)

    facts = facts_of(channel)

    assert [(period.starts_on, period.missed) for period in facts.rhythm] == [
        (date(2027, 3, 8), True),
        (date(2027, 3, 1), False),
        (date(2027, 2, 22), True),
        (date(2027, 2, 15), False),
    ]


def test_read_facts_roster_gap_days_when_the_monitor_is_away(org):
    channel = measured_channel(org)
    AbsenceFactory(user=monitor_of(channel), starts_on=date(2027, 3, 24), ends_on=date(2027, 3, 29))

    facts = facts_of(channel)

    assert facts.roster_gap_days == (date(2027, 3, 24), date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 29))


def test_read_facts_roster_unassigned_weeks_ahead_are_gaps(org):
    channel = measured_channel(org)

    facts = facts_of(channel, date(2027, 3, 29))  # the rostered weeks end on 11 April

    assert facts.roster_gap_days == tuple(
        date(2027, 4, 12) + timedelta(days=n) for n in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)
    )


def test_read_facts_screenshot_duty_open_without_a_screenshot_of_the_half_year(org):
    channel = measured_channel(org, since=SINCE)
    screenshot_duty(channel, 2027, 1, starts_on=date(2027, 1, 1))
    screenshot_duty(channel, 2026, 2)
    record_screenshot(
        channel.pk,
        actor=org.medarbetare,
        taken_on=date(2026, 12, 20),
        url=channel.url,
        **ANSWERED,
        uploads=[png_upload()],
    )

    facts = facts_of(channel)

    assert (facts.screenshot_duty_starts_on, facts.screenshot_taken) == (date(2027, 1, 1), False)


def test_read_facts_the_oldest_change_whose_screenshot_duty_is_open(org):
    channel = measured_channel(org, since=SINCE)
    for day, key in ((date(2027, 2, 1), "kanal:1"), (date(2027, 3, 1), "kanal:2")):
        open_change_duty(channel, reason=DutyReason.CHANNEL_CHANGED, key=key, on=day)
    opened = facts_of(channel).screenshot_change_on

    def screenshot(day):
        record_screenshot(
            channel.pk, actor=org.medarbetare, taken_on=day, url=channel.url, **ANSWERED, uploads=[png_upload()]
        )
        return facts_of(channel).screenshot_change_on

    # Taken before the first change: fulfils neither; between the changes: the first only.
    assert [opened, screenshot(date(2027, 1, 31)), screenshot(date(2027, 2, 10)), screenshot(TODAY)] == [
        date(2027, 2, 1),
        date(2027, 2, 1),
        date(2027, 3, 1),
        None,
    ]


def test_read_facts_inventory_due_half_a_year_after_the_latest_confirmation(org):
    channel = measured_channel(org)
    for day in (date(2026, 8, 20), date(2026, 9, 1)):
        with time_machine.travel(local(day.year, day.month, day.day, 10), tick=False):
            confirm_inventory(channel.pk, actor=org.medarbetare, still_used=True, owners_correct=True, **STATED)

    facts = facts_of(channel)

    assert facts.inventory_due_on == date(2027, 3, 1)


def test_read_facts_people_named_once_with_their_training(org):
    channel = measured_channel(org)
    lapsed = trained(make_user(Role.MEDARBETARE, unit=org.library, full_name="Anna Andersson"))
    lifelong = make_user(Role.MEDARBETARE, unit=org.library, full_name="Bo Berg")
    TrainingRecordFactory(user=lifelong, valid_until=None)
    appoint(
        channel.pk,
        actor=org.chef,
        owner=org.medarbetare,
        screenshot_responsible=lifelong,
        others=[lifelong, lapsed, org.medarbetare],
    )
    update_with_history(TrainingRecord.objects.filter(user=lapsed), valid_until=TODAY - timedelta(days=1))

    facts = facts_of(channel)

    assert (facts.owner, facts.people) == (
        MAJA,
        (MAJA, Person("Bo Berg", OPEN_ENDED), Person("Anna Andersson", None)),
    )


def test_read_facts_goal_statuses_of_the_plan_in_force_in_order(org):
    channel = measured_channel(org, since=SINCE, goals=goals(FOLLOWERS, POSTS, {**FOLLOWERS, "target": 5000}))
    for on, value in [(date(2026, 9, 1), 1200), (date(2027, 3, 1), 2100)]:
        record_measurement(channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=on, value=Decimal(value))
    for day in range(1, 11):
        log_update(channel, org.medarbetare, published_on=date(2027, 2, day))

    facts = facts_of(channel)

    # 2 100 of 2 000 followers: reached; 10 posts in February of 8: reached; 2 100 of 5 000, on a
    # line from 1 200 in September: about 2 700 by December, red.
    assert facts.goal_statuses == (Status.ON_TRACK.value, Status.ON_TRACK.value, Status.OFF_TRACK.value)


def test_read_facts_goals_without_values_have_no_data(org):
    channel = measured_channel(org, goals=goals(FOLLOWERS, POSTS))

    facts = facts_of(channel)

    assert facts.goal_statuses == (Status.NO_DATA.value, Status.NO_DATA.value)


def test_read_facts_last_evaluated_on_the_latest_completed_evaluation_local_date(org):
    channel = measured_channel(org)
    evaluated(channel, org.medarbetare, local(2026, 5, 2, 10))
    evaluated(channel, org.medarbetare, local(2027, 2, 1, 0, 30))  # 31 January 23:30 UTC
    evaluated(channel, org.medarbetare, None, status=EvaluationStatus.DRAFT)

    facts = facts_of(channel)

    assert facts.last_evaluated_on == date(2027, 2, 1)


# --- Query counts ---------------------------------------------------------------------------------


def copies(channel: Channel, n: int) -> list[Channel]:
    """`n` copies of `channel` with its people, its plan in force and that plan's goals, its roster
    and its rhythm checks: arranged with the ORM (bulk), so that 50 channels take a moment."""
    bulk_create_with_history(
        [
            Channel(
                platform=channel.platform,
                name=f"{channel.name} {i}",
                unit_id=channel.unit_id,
                status=channel.status,
                owner_id=channel.owner_id,
                screenshot_responsible_id=channel.screenshot_responsible_id,
                activated_at=channel.activated_at,
            )
            for i in range(n)
        ],
        Channel,
    )
    made = list(Channel.objects.filter(name__startswith=f"{channel.name} ").order_by("pk"))
    plan = Plan.objects.get(pk=plan_in_force(channel).pk)
    content = {f.attname: getattr(plan, f.attname) for f in Plan._meta.concrete_fields if f.attname != "id"}
    plans = [Plan(**{**content, "series": uuid.uuid4(), "channel_id": copy.pk}) for copy in made]
    bulk_create_with_history(plans, Plan)
    plan_of = dict(Plan.objects.filter(channel__in=made).values_list("channel_id", "pk"))
    original_goals = list(Goal.objects.filter(plan__channel=channel, plan__status="godkand"))
    bulk_create_with_history(
        [
            Goal(
                plan_id=plan_of[copy.pk],
                **{f: getattr(goal, f) for f in ("position", "metric", "baseline", "target", "deadline")},
            )
            for copy in made
            for goal in original_goals
        ],
        Goal,
    )
    others = list(channel.others.values_list("pk", flat=True))
    Channel.others.through.objects.bulk_create(
        [Channel.others.through(channel_id=copy.pk, user_id=person) for copy in made for person in others]
    )
    weeks = list(RosterWeek.objects.filter(channel=channel))
    bulk_create_with_history(
        [
            RosterWeek(channel=copy, iso_year=week.iso_year, iso_week=week.iso_week, primary_id=week.primary_id)
            for copy in made
            for week in weeks
        ],
        RosterWeek,
    )
    for copy in made:
        weekly_check(copy, TODAY - timedelta(weeks=1), actual=1)
    return made


@pytest.mark.parametrize("n", [1, 3, 50])
def test_read_facts_query_count_does_not_grow_with_the_channels(org, django_assert_num_queries, n):
    channel = measured_channel(org, since=SINCE, goals=goals(FOLLOWERS, POSTS))
    appoint(
        channel.pk,
        actor=org.chef,
        owner=org.medarbetare,
        screenshot_responsible=org.medarbetare,
        others=[monitor_of(channel)],
    )
    weekly_check(channel, TODAY - timedelta(weeks=1), actual=1)
    channels = [channel, *copies(Channel.objects.get(pk=channel.pk), n - 1)]
    channels = list(Channel.objects.filter(pk__in=[c.pk for c in channels]))

    # 1 the plans, 2 the goals, 3 the measurements, 4 the posts, 5 the rhythm checks, 6–8 the roster
    # gaps (the active channels, their roster, their monitors' absences), 9 the screenshot duty,
    # screenshot, inventory and evaluation of each channel, 10 the other people, 11 the people.
    with django_assert_num_queries(11):
        facts = read_facts(channels, today=TODAY)

    assert len(facts) == n
    assert {(f.plan_version, len(f.goal_statuses), len(f.rhythm), len(f.people)) for f in facts.values()} == {
        (1, 2, 1, 2)
    }


# --- Keeping the standings ------------------------------------------------------------------------


def standings() -> list[tuple]:
    return list(
        Standing.objects.order_by("channel_id").values_list(
            "channel_id", "screenshots", "problems", "goals_total", "goals_on_track", "judged_on"
        )
    )


def test_refresh_standings_creates_the_rows_then_updates_them_in_place(org):
    channel = measured_channel(org, goals=goals(FOLLOWERS, POSTS))
    screenshot_duty(channel, 2027, 1, starts_on=TODAY)

    first = refresh_standings(today=TODAY)
    before = standings()
    record_screenshot(
        channel.pk, actor=org.medarbetare, taken_on=TODAY, url=channel.url, **ANSWERED, uploads=[png_upload()]
    )
    second = refresh_standings(today=TODAY)

    assert (first, second) == ({"channels": 1}, {"channels": 1})
    assert before == [(channel.pk, Light.AMBER, 2, 2, 0, TODAY)]
    assert standings() == [(channel.pk, Light.GREEN, 1, 2, 0, TODAY)]


def test_refresh_standings_well_kept_channel_is_green_everywhere(org):
    channel = well_kept(org)

    refresh_standings(today=TODAY, channel_ids=[channel.pk])

    standing = Standing.objects.get()
    lights = [standing.plan, standing.rhythm, standing.roster, standing.screenshots, standing.inventory]
    lights += [standing.training, standing.goals, standing.evaluation]
    assert (lights, standing.problems, standing.goals_on_track) == ([Light.GREEN] * 8, 0, 1)
    assert Facts.from_json(standing.facts) == facts_of(channel)


def test_refresh_standings_twice_changes_nothing(org):
    channel = well_kept(org)
    refresh_standings(today=TODAY)
    before = list(Standing.objects.values())

    refresh_standings(today=TODAY)

    assert list(Standing.objects.values()) == before
    assert Standing.objects.filter(channel=channel).count() == 1


def test_refresh_standings_only_the_channels_given(org):
    channel = measured_channel(org)
    other = submitted_plan(org.medarbetare2).channel

    result = refresh_standings(today=TODAY, channel_ids=[other.pk, 999_999])

    assert result == {"channels": 1}
    assert [row[0] for row in standings()] == [other.pk]
    assert not Standing.objects.filter(channel=channel).exists()


# --- Fresh after a change -------------------------------------------------------------------------


def test_signals_refresh_the_channel_after_a_change_on_commit(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        channel = measured_channel(org)
        screenshot_duty(channel, 2027, 1, starts_on=TODAY)
    before = Standing.objects.get(channel=channel).screenshots

    with django_capture_on_commit_callbacks(execute=True):
        record_screenshot(
            channel.pk, actor=org.medarbetare, taken_on=TODAY, url=channel.url, **ANSWERED, uploads=[png_upload()]
        )

    assert (before, Standing.objects.get(channel=channel).screenshots) == (Light.AMBER, Light.GREEN)


def test_renaming_a_well_kept_channel_turns_its_screenshots_amber_until_a_screenshot_is_taken(
    org, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        channel = well_kept(org)

    def screenshots():
        standing = Standing.objects.get(channel=channel)
        return standing.screenshots, Facts.from_json(standing.facts).screenshot_change_on

    before = screenshots()
    # The next day: the screenshot of the half year, taken today, fulfils a change made today.
    next_day = TODAY + timedelta(days=1)
    with time_machine.travel(local(2027, 3, 16, 10), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            describe_channel(
                channel.pk,
                platform=channel.platform,
                name="Nytt namn",
                url=channel.url,
                unit=channel.unit,
                actor=org.chef,
            )
        renamed = screenshots()
        with django_capture_on_commit_callbacks(execute=True):
            record_screenshot(
                channel.pk,
                actor=org.medarbetare,
                taken_on=next_day,
                url=channel.url,
                **ANSWERED,
                uploads=[png_upload()],
            )

    assert [before, renamed, screenshots()] == [(Light.GREEN, None), (Light.AMBER, next_day), (Light.GREEN, None)]


def test_signals_refresh_once_per_transaction(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        channel = measured_channel(org)

    with django_capture_on_commit_callbacks() as callbacks:
        for weeks in range(1, 5):
            weekly_check(channel, TODAY - timedelta(weeks=weeks), actual=0)
        record_measurement(channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=TODAY, value=Decimal(1300))

    refreshes = [callback for callback in callbacks if isinstance(callback, PendingRefresh)]
    assert [refresh.channel_ids for refresh in refreshes] == [{channel.pk}]


def test_signals_a_goal_changed_refreshes_the_channel_of_its_plan(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        channel = measured_channel(org)

    with django_capture_on_commit_callbacks(execute=True):
        Goal.objects.create(plan=plan_in_force(channel), metric=Metric.POSTS, baseline=1, target=2)

    assert Standing.objects.get(channel=channel).goals_total == 2


def test_signals_training_lapsed_refreshes_the_channels_naming_the_person(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        channel = measured_channel(org)
        other = measured_channel(org)
        appoint(other.pk, actor=org.chef, owner=monitor_of(other), screenshot_responsible=monitor_of(other))
    records = list(TrainingRecord.objects.filter(user=org.medarbetare))

    with django_capture_on_commit_callbacks(execute=True):
        for record in records:
            record.valid_until = TODAY - timedelta(days=1)
            record.save()

    trainings = dict(Standing.objects.values_list("channel_id", "training"))
    assert trainings == {channel.pk: Light.RED, other.pk: Light.GREEN}


def test_signals_absence_refreshes_the_channels_the_person_monitors(org, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        channel = measured_channel(org)

    with django_capture_on_commit_callbacks(execute=True):
        AbsenceFactory(user=monitor_of(channel), starts_on=TODAY, ends_on=TODAY + timedelta(days=2))

    assert Standing.objects.get(channel=channel).roster == Light.RED


def test_signals_rolled_back_write_refreshes_nothing(org, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True):
        channel = measured_channel(org)
    before = list(Standing.objects.values())

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                screenshot_duty(channel, 2027, 1, starts_on=TODAY)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    assert (callbacks, list(Standing.objects.values())) == ([], before)


# --- The job --------------------------------------------------------------------------------------


def test_job_refresh_standings_judges_every_channel_for_the_date(org):
    channel = measured_channel(org)
    out = io.StringIO()

    call_command("run_job", "refresh_standings", "--date", "2027-03-16", stdout=out)

    assert out.getvalue().strip() == 'refresh_standings 2027-03-16: {"channels": 1}'
    assert list(Standing.objects.values_list("channel_id", "judged_on")) == [(channel.pk, date(2027, 3, 16))]


def test_task_refresh_standings_runs_the_job_for_the_day_given(org):
    channel = measured_channel(org)

    result = refresh_standings_task(on="2027-03-17")

    assert result == {"channels": 1}
    assert list(Standing.objects.values_list("channel_id", "judged_on")) == [(channel.pk, date(2027, 3, 17))]


def test_signals_an_import_saved_in_bulk_refreshes_the_channel(org, django_capture_on_commit_callbacks):
    goal = {"description": "Följare", "metric": Metric.FOLLOWERS, "baseline": 100, "target": 200}
    with django_capture_on_commit_callbacks(execute=True):
        channel = measured_channel(org, since=date(2026, 1, 1), goals=[goal | {"deadline": date(2027, 12, 31)}])
    content = "datum;mått;värde\n2027-03-01;Följare;250\n".encode()
    batch = imports.start_import(
        channel.pk, actor=org.medarbetare, upload=SimpleUploadedFile("f.csv", content, content_type="text/csv")
    )
    imports.check_import(batch.pk)
    imports.confirm_import(batch.pk, actor=org.medarbetare, expected_revision=MeasurementImport.objects.get().revision)
    before = Standing.objects.get(channel=channel).goals_on_track

    with django_capture_on_commit_callbacks(execute=True):
        imports.save_import(batch.pk)

    assert (before, Standing.objects.get(channel=channel).goals_on_track) == (0, 1)
