"""The overview's colour rules (overview.lights): every rule at its boundaries, from plain facts."""

import dataclasses
from datetime import date, timedelta

import pytest
from django.utils import translation

from overview.enums import Column, Light
from overview.facts import Facts, Person, RhythmPeriod
from overview.lights import Cell, judge, judge_all, problems

TODAY = date(2026, 12, 3)
ANNA = Person("Anna Berg", date(2028, 1, 1))
BO = Person("Bo Ek", date(2028, 6, 30))


def week(starts_on, *, required=2, actual=2, period="vecka"):
    return RhythmPeriod(period, starts_on, required, actual)


KEPT_WEEKS = tuple(week(date(2026, 11, 23) - timedelta(weeks=n)) for n in range(4))
# An active channel whose every column is green on TODAY.
GOOD = Facts(
    status="aktiv",
    activated_on=date(2025, 3, 1),
    plan_version=2,
    plan_runs_out_on=date(2027, 12, 31),
    rhythm=KEPT_WEEKS,
    screenshot_duty_starts_on=date(2026, 7, 1),
    screenshot_taken=True,
    inventory_due_on=date(2027, 3, 1),
    owner=ANNA,
    people=(ANNA, BO),
    goal_statuses=("gron", "gron"),
    last_evaluated_on=date(2026, 5, 20),
)


@pytest.fixture(autouse=True)
def english():
    """Reasons compared in English, the msgids, whatever the catalogue says."""
    with translation.override("en"):
        yield


def cell(column, today=TODAY, **changes):
    return judge(column, dataclasses.replace(GOOD, **changes), today=today)


# --- Statuses ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "reason"), [("avvecklas", "The channel is being closed."), ("avslutad", "The channel is closed.")]
)
@pytest.mark.parametrize("column", list(Column))
def test_judge_closing_or_closed_channel_is_none_in_every_column(column, status, reason):
    result = cell(column, status=status)

    assert result == Cell(Light.NONE, reason)


@pytest.mark.parametrize(
    "column",
    [Column.RHYTHM, Column.ROSTER, Column.SCREENSHOTS, Column.INVENTORY, Column.GOALS, Column.EVALUATION],
)
def test_judge_planned_channel_is_none_where_only_live_channels_count(column):
    result = cell(column, status="planerad")

    assert result == Cell(Light.NONE, "The channel has not gone live yet.")


@pytest.mark.parametrize("column", [Column.RHYTHM, Column.ROSTER, Column.SCREENSHOTS])
def test_judge_paused_channel_is_none_where_only_active_channels_count(column):
    result = cell(column, status="pausad")

    assert result == Cell(Light.NONE, "The channel is paused.")


def test_judge_paused_channel_is_judged_in_the_other_columns():
    facts = dataclasses.replace(GOOD, status="pausad")

    result = {column: judged.light for column, judged in judge_all(facts, today=TODAY).items()}

    assert result == {
        Column.PLAN: Light.GREEN,
        Column.RHYTHM: Light.NONE,
        Column.ROSTER: Light.NONE,
        Column.SCREENSHOTS: Light.NONE,
        Column.INVENTORY: Light.GREEN,
        Column.TRAINING: Light.GREEN,
        Column.GOALS: Light.GREEN,
        Column.EVALUATION: Light.GREEN,
    }


def test_judge_takes_the_column_value():
    result = judge("plan", GOOD, today=TODAY)

    assert result == Cell(Light.GREEN, "Version 2 in force.")


# --- Plan -------------------------------------------------------------------------------------------


def test_plan_planned_channel_with_approved_version_is_green():
    result = cell(Column.PLAN, status="planerad", plan_version=1, plan_runs_out_on=date(2026, 1, 1))

    assert result == Cell(Light.GREEN, "Version 1 approved; the channel has not gone live yet.")


def test_plan_planned_channel_with_version_being_decided_is_amber():
    result = cell(Column.PLAN, status="planerad", plan_version=None, plan_pending_version=1)

    assert result == Cell(Light.AMBER, "No approved plan yet. Version 1 is being written or decided.")


def test_plan_planned_channel_without_any_plan_is_red():
    result = cell(Column.PLAN, status="planerad", plan_version=None, plan_runs_out_on=None)

    assert result == Cell(Light.RED, "No plan.")


def test_plan_planned_channel_approved_and_revised_names_both():
    result = cell(Column.PLAN, status="planerad", plan_version=1, plan_pending_version=2)

    assert result == Cell(
        Light.GREEN,
        "Version 1 approved; the channel has not gone live yet. Version 2 is being written or decided.",
    )


@pytest.mark.parametrize("status", ["aktiv", "pausad"])
def test_plan_live_channel_without_approved_version_is_red(status):
    result = cell(Column.PLAN, status=status, plan_version=None, plan_runs_out_on=None)

    assert result == Cell(Light.RED, "No approved plan.")


def test_plan_without_approved_version_names_the_version_being_decided():
    result = cell(Column.PLAN, plan_version=None, plan_runs_out_on=None, plan_pending_version=1)

    assert result == Cell(Light.RED, "No approved plan. Version 1 is being written or decided.")


def test_plan_deadline_passed_yesterday_is_red():
    result = cell(Column.PLAN, plan_runs_out_on=TODAY - timedelta(days=1))

    assert result == Cell(
        Light.RED, "The last deadline of the plan's goals passed on 2 December 2026: revise the plan."
    )


def test_plan_deadline_today_is_amber():
    result = cell(Column.PLAN, plan_runs_out_on=TODAY)

    assert result == Cell(Light.AMBER, "The plan's goals run out on 3 December 2026: revise the plan.")


def test_plan_deadline_in_60_days_is_amber():
    result = cell(Column.PLAN, plan_runs_out_on=TODAY + timedelta(days=60))

    assert result == Cell(Light.AMBER, "The plan's goals run out on 1 February 2027: revise the plan.")


def test_plan_deadline_in_61_days_is_green():
    result = cell(Column.PLAN, plan_runs_out_on=TODAY + timedelta(days=61))

    assert result == Cell(Light.GREEN, "Version 2 in force.")


def test_plan_approved_before_newer_rules_is_amber_naming_them():
    result = cell(Column.PLAN, plan_missing_rules=("records_reference", "personal_data"))

    assert result == Cell(
        Light.AMBER,
        "Version 2 in force. Approved before newer rules: its next version must add a reference to the "
        "records management plan and the personal data section.",
    )


def test_plan_approved_before_newer_rules_with_deadline_passed_stays_red():
    result = cell(Column.PLAN, plan_runs_out_on=TODAY - timedelta(days=1), plan_missing_rules=("accessibility",))

    assert result.light == Light.RED
    assert result.reason.endswith("its next version must add what the accessibility routine covers.")


def test_plan_goals_without_deadline_are_green():
    result = cell(Column.PLAN, plan_runs_out_on=None)

    assert result == Cell(Light.GREEN, "Version 2 in force; its goals have no deadline.")


def test_plan_in_force_names_the_version_being_decided():
    result = cell(Column.PLAN, plan_pending_version=3)

    assert result == Cell(Light.GREEN, "Version 2 in force. Version 3 is being written or decided.")


def test_plan_expiring_names_the_version_being_decided():
    result = cell(Column.PLAN, plan_runs_out_on=TODAY, plan_pending_version=3)

    assert result == Cell(
        Light.AMBER,
        "The plan's goals run out on 3 December 2026: revise the plan. Version 3 is being written or decided.",
    )


# --- Update rhythm ----------------------------------------------------------------------------------


def test_rhythm_not_checked_yet_is_none():
    result = cell(Column.RHYTHM, rhythm=())

    assert result == Cell(Light.NONE, "Not checked yet.")


def test_rhythm_every_week_kept_is_green():
    result = cell(Column.RHYTHM)

    assert result == Cell(Light.GREEN, "Kept in the last 4 weeks.")


def test_rhythm_actual_equal_to_required_is_kept():
    result = cell(Column.RHYTHM, rhythm=(week(date(2026, 11, 23), required=3, actual=3),))

    assert result == Cell(Light.GREEN, "Kept in the last week.")


def test_rhythm_months_are_named_months():
    months = (
        week(date(2026, 11, 1), period="manad"),
        week(date(2026, 10, 1), period="manad"),
    )

    result = cell(Column.RHYTHM, rhythm=months)

    assert result == Cell(Light.GREEN, "Kept in the last 2 months.")


def test_rhythm_weeks_and_months_mixed_are_named_periods():
    mixed = (week(date(2026, 11, 1), period="manad"), week(date(2026, 10, 26), actual=0))

    result = cell(Column.RHYTHM, rhythm=mixed)

    assert result == Cell(Light.AMBER, "Missed in 1 of the last 2 periods.")


def test_rhythm_one_missed_is_amber():
    checks = (week(date(2026, 11, 23), required=3, actual=2), *KEPT_WEEKS[1:])

    result = cell(Column.RHYTHM, rhythm=checks)

    assert result == Cell(Light.AMBER, "Missed in 1 of the last 4 weeks.")


def test_rhythm_two_missed_is_red():
    checks = (*KEPT_WEEKS[:2], week(date(2026, 11, 9), actual=0), week(date(2026, 11, 2), actual=1))

    result = cell(Column.RHYTHM, rhythm=checks)

    assert result == Cell(Light.RED, "Missed in 2 of the last 4 weeks.")


def test_rhythm_missed_month_is_named_month():
    result = cell(Column.RHYTHM, rhythm=(week(date(2026, 11, 1), period="manad", actual=0),))

    assert result == Cell(Light.AMBER, "Missed in the last month.")


def test_rhythm_checks_beyond_the_latest_four_do_not_count():
    checks = (*KEPT_WEEKS, week(date(2026, 10, 26), actual=0), week(date(2026, 10, 19), actual=0))

    result = cell(Column.RHYTHM, rhythm=checks)

    assert result == Cell(Light.GREEN, "Kept in the last 4 weeks.")


# --- Roster -----------------------------------------------------------------------------------------


def test_roster_without_gaps_is_green():
    result = cell(Column.ROSTER, roster_gap_days=())

    assert result == Cell(Light.GREEN, "No gaps in the next four weeks.")


def test_roster_gap_today_is_red():
    result = cell(Column.ROSTER, roster_gap_days=(TODAY,))

    assert result == Cell(Light.RED, "1 gap day, on 3 December 2026.")


def test_roster_gap_in_six_days_is_red():
    result = cell(Column.ROSTER, roster_gap_days=(TODAY + timedelta(days=6), TODAY + timedelta(days=20)))

    assert result == Cell(Light.RED, "2 gap days, the first on 9 December 2026.")


def test_roster_gap_in_seven_days_is_amber():
    result = cell(Column.ROSTER, roster_gap_days=(TODAY + timedelta(days=7), TODAY + timedelta(days=8)))

    assert result == Cell(Light.AMBER, "2 gap days, the first on 10 December 2026.")


# --- Screenshots ------------------------------------------------------------------------------------

# A duty that began 30 days before TODAY is escalated on TODAY.
ESCALATED_TODAY = TODAY - timedelta(days=30)


def test_screenshots_without_duty_is_none():
    result = cell(Column.SCREENSHOTS, screenshot_duty_starts_on=None, screenshot_taken=False)

    assert result == Cell(Light.NONE, "No screenshot is due yet this half year.")


def test_screenshots_taken_is_green_even_after_the_escalation_day():
    result = cell(Column.SCREENSHOTS, screenshot_duty_starts_on=ESCALATED_TODAY - timedelta(days=1))

    assert result == Cell(Light.GREEN, "A screenshot has been taken this half year.")


def test_screenshots_the_day_before_escalation_is_amber():
    result = cell(
        Column.SCREENSHOTS, screenshot_duty_starts_on=ESCALATED_TODAY + timedelta(days=1), screenshot_taken=False
    )

    assert result == Cell(Light.AMBER, "Due this half year; the manager is told on 4 December 2026.")


def test_screenshots_on_the_escalation_day_is_red():
    result = cell(Column.SCREENSHOTS, screenshot_duty_starts_on=ESCALATED_TODAY, screenshot_taken=False)

    assert result == Cell(Light.RED, "Overdue since 3 December 2026.")


def test_screenshots_the_day_after_escalation_is_red():
    result = cell(
        Column.SCREENSHOTS, screenshot_duty_starts_on=ESCALATED_TODAY - timedelta(days=1), screenshot_taken=False
    )

    assert result == Cell(Light.RED, "Overdue since 2 December 2026.")


# A duty after a major change (issue 19) is judged by the same days as the half year's.


def test_screenshots_change_open_the_day_before_escalation_is_amber_beside_the_half_years_green():
    result = cell(Column.SCREENSHOTS, screenshot_change_on=ESCALATED_TODAY + timedelta(days=1))

    assert result == Cell(
        Light.AMBER,
        "A screenshot has been taken this half year. "
        "Due after the change on 4 November 2026; the manager is told on 4 December 2026.",
    )


def test_screenshots_change_open_on_the_escalation_day_is_red():
    result = cell(Column.SCREENSHOTS, screenshot_change_on=ESCALATED_TODAY)

    assert result == Cell(
        Light.RED,
        "A screenshot has been taken this half year. "
        "Overdue after the change on 3 November 2026, since 3 December 2026.",
    )


def test_screenshots_change_open_without_a_half_year_duty_says_only_the_change():
    result = cell(
        Column.SCREENSHOTS,
        screenshot_duty_starts_on=None,
        screenshot_taken=False,
        screenshot_change_on=TODAY - timedelta(days=2),
    )

    assert result == Cell(
        Light.AMBER, "Due after the change on 1 December 2026; the manager is told on 31 December 2026."
    )


def test_screenshots_half_year_overdue_outweighs_a_change_still_amber():
    result = cell(
        Column.SCREENSHOTS,
        screenshot_duty_starts_on=ESCALATED_TODAY,
        screenshot_taken=False,
        screenshot_change_on=TODAY,
    )

    assert result == Cell(
        Light.RED,
        "Overdue since 3 December 2026. "
        "Due after the change on 3 December 2026; the manager is told on 2 January 2027.",
    )


def test_screenshots_change_on_a_paused_channel_is_none():
    result = cell(Column.SCREENSHOTS, status="pausad", screenshot_change_on=ESCALATED_TODAY)

    assert result == Cell(Light.NONE, "The channel is paused.")


# --- Inventory --------------------------------------------------------------------------------------


def test_inventory_without_due_day_is_none():
    result = cell(Column.INVENTORY, inventory_due_on=None)

    assert result == Cell(Light.NONE, "No inventory date yet.")


def test_inventory_due_yesterday_is_red():
    result = cell(Column.INVENTORY, inventory_due_on=TODAY - timedelta(days=1))

    assert result == Cell(Light.RED, "Overdue since 2 December 2026.")


def test_inventory_due_today_is_amber():
    result = cell(Column.INVENTORY, inventory_due_on=TODAY)

    assert result == Cell(Light.AMBER, "Due on 3 December 2026.")


def test_inventory_due_in_30_days_is_amber():
    result = cell(Column.INVENTORY, inventory_due_on=TODAY + timedelta(days=30))

    assert result == Cell(Light.AMBER, "Due on 2 January 2027.")


def test_inventory_due_in_31_days_is_green():
    result = cell(Column.INVENTORY, inventory_due_on=TODAY + timedelta(days=31))

    assert result == Cell(Light.GREEN, "Next due on 3 January 2027.")


# --- Training ---------------------------------------------------------------------------------------


def test_training_without_owner_is_red():
    result = cell(Column.TRAINING, owner=None, people=(BO,))

    assert result == Cell(Light.RED, "No owner appointed.")


@pytest.mark.parametrize("status", ["planerad", "pausad"])
def test_training_is_judged_for_planned_and_paused_channels(status):
    result = cell(Column.TRAINING, status=status, owner=None, people=())

    assert result == Cell(Light.RED, "No owner appointed.")


def test_training_person_without_training_is_red():
    untrained = Person("Cecilia Dahl", None)

    result = cell(Column.TRAINING, people=(ANNA, untrained, BO))

    assert result == Cell(Light.RED, "1 person lacks valid training: Cecilia Dahl.")


def test_training_ended_yesterday_is_red():
    owner = Person("Anna Berg", TODAY - timedelta(days=1))

    result = cell(Column.TRAINING, owner=owner, people=(owner, BO))

    assert result == Cell(Light.RED, "1 person lacks valid training: Anna Berg.")


def test_training_two_untrained_are_named_with_and():
    people = (Person("Anna Berg", None), Person("Bo Ek", None))

    result = cell(Column.TRAINING, owner=people[0], people=people)

    assert result == Cell(Light.RED, "2 people lack valid training: Anna Berg and Bo Ek.")


def test_training_three_untrained_are_all_named():
    people = tuple(Person(name, None) for name in ("A", "B", "C"))

    result = cell(Column.TRAINING, owner=people[0], people=people)

    assert result == Cell(Light.RED, "3 people lack valid training: A, B and C.")


def test_training_more_than_three_untrained_are_counted():
    people = tuple(Person(name, None) for name in ("A", "B", "C", "D", "E"))

    result = cell(Column.TRAINING, owner=people[0], people=people)

    assert result == Cell(Light.RED, "5 people lack valid training: A, B, C and 2 more people.")


def test_training_untrained_outweighs_expiring():
    people = (ANNA, Person("Bo Ek", TODAY), Person("Cecilia Dahl", None))

    result = cell(Column.TRAINING, people=people)

    assert result == Cell(Light.RED, "1 person lacks valid training: Cecilia Dahl.")


def test_training_ending_today_is_amber():
    people = (ANNA, Person("Bo Ek", TODAY))

    result = cell(Column.TRAINING, people=people)

    assert result == Cell(Light.AMBER, "Training runs out soon for 1 person: Bo Ek on 3 December 2026.")


def test_training_ending_in_60_days_is_amber():
    people = (ANNA, Person("Bo Ek", TODAY + timedelta(days=60)))

    result = cell(Column.TRAINING, people=people)

    assert result == Cell(Light.AMBER, "Training runs out soon for 1 person: Bo Ek on 1 February 2027.")


def test_training_ending_in_61_days_is_green():
    people = (ANNA, Person("Bo Ek", TODAY + timedelta(days=61)))

    result = cell(Column.TRAINING, people=people)

    assert result == Cell(Light.GREEN, "All 2 people named have valid training.")


def test_training_expiring_are_named_soonest_first():
    owner = Person("Anna Berg", TODAY + timedelta(days=40))
    people = (owner, Person("Bo Ek", TODAY + timedelta(days=10)))

    result = cell(Column.TRAINING, owner=owner, people=people)

    assert result == Cell(
        Light.AMBER, "Training runs out soon for 2 people: Bo Ek on 13 December 2026 and Anna Berg on 12 January 2027."
    )


def test_training_owner_alone_is_green():
    result = cell(Column.TRAINING, people=(ANNA,))

    assert result == Cell(Light.GREEN, "The person named has valid training.")


def test_training_owner_missing_from_people_is_judged_too():
    owner = Person("Anna Berg", None)

    result = cell(Column.TRAINING, owner=owner, people=(BO,))

    assert result == Cell(Light.RED, "1 person lacks valid training: Anna Berg.")


# --- Goals ------------------------------------------------------------------------------------------


def test_goals_none_in_the_plan_is_none():
    result = cell(Column.GOALS, goal_statuses=())

    assert result == Cell(Light.NONE, "The plan in force has no goals.")


def test_goals_all_on_track_is_green():
    result = cell(Column.GOALS, goal_statuses=("gron", "gron", "gron"))

    assert result == Cell(Light.GREEN, "All 3 goals are on track.")


def test_goals_the_only_goal_on_track_is_green():
    result = cell(Column.GOALS, goal_statuses=("gron",))

    assert result == Cell(Light.GREEN, "The plan's goal is on track.")


def test_goals_one_off_track_is_red():
    result = cell(Column.GOALS, goal_statuses=("gron", "rod", "gul", "ingen"))

    assert result == Cell(Light.RED, "1 of 4 goals is off track.")


def test_goals_two_off_track_is_red():
    result = cell(Column.GOALS, goal_statuses=("rod", "rod", "gron"))

    assert result == Cell(Light.RED, "2 of 3 goals are off track.")


def test_goals_at_risk_and_without_data_is_amber():
    result = cell(Column.GOALS, goal_statuses=("gul", "ingen", "ingen", "gron"))

    assert result == Cell(Light.AMBER, "1 of 4 goals is at risk. 2 of 4 goals have no data yet.")


def test_goals_at_risk_only_is_amber():
    result = cell(Column.GOALS, goal_statuses=("gul", "gul", "gron"))

    assert result == Cell(Light.AMBER, "2 of 3 goals are at risk.")


def test_goals_without_data_only_is_amber():
    result = cell(Column.GOALS, goal_statuses=("ingen", "gron"))

    assert result == Cell(Light.AMBER, "1 of 2 goals has no data yet.")


# --- Evaluation -------------------------------------------------------------------------------------


def test_evaluation_without_go_live_or_evaluation_is_none():
    result = cell(Column.EVALUATION, activated_on=None, last_evaluated_on=None)

    assert result == Cell(Light.NONE, "No go-live date and no evaluation yet.")


def test_evaluation_364_days_ago_is_green():
    result = cell(Column.EVALUATION, last_evaluated_on=TODAY - timedelta(days=364))

    assert result == Cell(Light.GREEN, "Evaluated on 4 December 2025.")


def test_evaluation_365_days_ago_is_due_and_amber():
    result = cell(Column.EVALUATION, last_evaluated_on=TODAY - timedelta(days=365))

    assert result == Cell(Light.AMBER, "Due since 3 December 2026.")


def test_evaluation_the_day_before_escalation_is_amber():
    result = cell(Column.EVALUATION, last_evaluated_on=TODAY - timedelta(days=365 + 29))

    assert result == Cell(Light.AMBER, "Due since 4 November 2026.")


def test_evaluation_on_the_escalation_day_is_red():
    result = cell(Column.EVALUATION, last_evaluated_on=TODAY - timedelta(days=365 + 30))

    assert result == Cell(Light.RED, "Overdue since 3 December 2026.")


def test_evaluation_the_day_after_escalation_is_red():
    result = cell(Column.EVALUATION, last_evaluated_on=TODAY - timedelta(days=365 + 31))

    assert result == Cell(Light.RED, "Overdue since 2 December 2026.")


def test_evaluation_never_done_before_first_due_day_is_green():
    result = cell(Column.EVALUATION, activated_on=TODAY - timedelta(days=364), last_evaluated_on=None)

    assert result == Cell(Light.GREEN, "First evaluation due on 4 December 2026.")


def test_evaluation_never_done_a_year_after_go_live_is_amber():
    result = cell(Column.EVALUATION, activated_on=TODAY - timedelta(days=365), last_evaluated_on=None)

    assert result == Cell(Light.AMBER, "Due since 3 December 2026.")


def test_evaluation_never_done_counts_from_go_live_to_escalation():
    result = cell(Column.EVALUATION, activated_on=TODAY - timedelta(days=365 + 30), last_evaluated_on=None)

    assert result == Cell(Light.RED, "Overdue since 3 December 2026.")


def test_evaluation_counts_from_the_latest_evaluation_not_go_live():
    result = cell(Column.EVALUATION, activated_on=date(2020, 1, 1), last_evaluated_on=TODAY - timedelta(days=10))

    assert result == Cell(Light.GREEN, "Evaluated on 23 November 2026.")


# --- All columns and problems -----------------------------------------------------------------------


def test_judge_all_gives_every_column_in_order():
    result = judge_all(GOOD, today=TODAY)

    assert list(result) == list(Column)
    assert [judged.light for judged in result.values()] == [Light.GREEN] * len(Column)


def test_judge_all_matches_judge_per_column():
    facts = dataclasses.replace(GOOD, inventory_due_on=TODAY, goal_statuses=("rod",))

    result = judge_all(facts, today=TODAY)

    assert result == {column: judge(column, facts, today=TODAY) for column in Column}


def test_problems_of_green_and_none_is_zero():
    result = problems([Light.GREEN, Light.NONE, Light.GREEN])

    assert result == 0


def test_problems_sums_ambers_and_reds():
    result = problems([Light.RED, Light.AMBER, Light.AMBER, Light.GREEN, Light.NONE, Light.RED])

    assert result == 202


def test_problems_a_red_outweighs_an_amber_in_every_column():
    result = (problems([Light.RED]), problems([Light.AMBER] * len(Column)))

    assert result == (100, 8)


def test_problems_takes_stored_values():
    result = problems(["rod", "gul", "gron", "ingen"])

    assert result == 101


def test_problems_of_judged_cells():
    facts = dataclasses.replace(GOOD, inventory_due_on=TODAY, goal_statuses=("rod",), rhythm=())

    result = problems(judged.light for judged in judge_all(facts, today=TODAY).values())

    assert result == 101
