"""Where a goal stands: every boundary of the rules in metrics.progress, with plain values."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from metrics.enums import CATALOGUE
from metrics.progress import AT_RISK_SHARE, Status, format_number, goal_progress, monthly_sums
from plans.enums import Metric

FOLLOWERS = CATALOGUE[Metric.FOLLOWERS.value]
VISITS = CATALOGUE[Metric.VISITS.value]
RESPONSE_TIME = CATALOGUE[Metric.RESPONSE_TIME.value]
TODAY = date(2026, 3, 10)
DEADLINE = date(2027, 12, 31)


def progress(*, spec=FOLLOWERS, baseline="1000", target="2000", deadline=DEADLINE, points=(), today=TODAY):
    with translation.override("en"):
        return goal_progress(
            spec=spec,
            baseline=None if baseline is None else Decimal(baseline),
            target=None if target is None else Decimal(target),
            deadline=deadline,
            points=[(day, Decimal(value)) for day, value in points],
            today=today,
        )


def test_goal_progress_exactly_on_target_is_reached():
    points = [(date(2026, 1, 1), "1500"), (date(2026, 3, 1), "2000")]

    result = progress(points=points)

    assert (result.status, result.share, result.latest) == (Status.ON_TRACK, Decimal("1"), Decimal("2000"))
    assert result.reason == "2,000 of 2,000 followers; the goal is reached."


def test_goal_progress_just_below_target_is_not_reached():
    points = [(date(2026, 1, 1), "1999"), (date(2026, 3, 1), "1999.99")]

    result = progress(points=points, deadline=date(2026, 3, 9))

    assert result.status == Status.OFF_TRACK


def test_goal_progress_decrease_goal_reached():
    points = [(date(2026, 1, 1), "10"), (date(2026, 3, 1), "3.5")]

    result = progress(spec=RESPONSE_TIME, baseline="24", target="4", points=points)

    assert (result.status, result.share) == (Status.ON_TRACK, Decimal("1.025"))
    assert result.reason == "3.5 hours, the target is 4; the goal is reached."


def test_goal_progress_decrease_goal_not_reached():
    points = [(date(2026, 1, 1), "20"), (date(2026, 3, 1), "19")]

    result = progress(spec=RESPONSE_TIME, baseline="24", target="4", deadline=date(2026, 12, 31), points=points)

    # The line falls 1 hour in 59 days: 19.5 − 334.5/59 = 13.83 at the deadline, about half the way.
    assert (result.status, result.share, result.projected) == (Status.OFF_TRACK, Decimal("0.25"), Decimal("13.83"))
    assert result.reason == "19 hours, the target is 4; at the current pace it will be 13.8 by Dec. 31, 2026."


def test_goal_progress_decrease_goal_on_track_by_projection_never_below_zero():
    points = [(date(2026, 1, 1), "20"), (date(2026, 3, 1), "16")]

    result = progress(spec=RESPONSE_TIME, baseline="24", target="4", deadline=date(2026, 12, 31), points=points)

    assert (result.status, result.projected) == (Status.ON_TRACK, Decimal("0.00"))


def test_goal_progress_increase_on_track_by_projection():
    points = [(date(2026, 1, 1), "1000"), (date(2026, 3, 1), "1200")]

    result = progress(points=points)

    assert (result.status, result.share) == (Status.ON_TRACK, Decimal("0.2"))
    assert result.projected > Decimal("2000")


def test_goal_progress_no_points_is_no_data():
    result = progress(points=[])

    assert (result.status, result.reason, result.latest, result.points) == (
        Status.NO_DATA,
        "No measurements yet.",
        None,
        [],
    )


def test_goal_progress_other_metric_is_no_data():
    result = progress(spec=None, points=[(date(2026, 1, 1), "5")])

    assert (result.status, result.reason) == (
        Status.NO_DATA,
        "Measured as something else: cannot be followed up from data.",
    )


def test_goal_progress_without_baseline_says_so_and_keeps_the_latest():
    result = progress(baseline=None, points=[(date(2026, 1, 1), "1500")])

    assert (result.status, result.reason, result.latest) == (Status.NO_DATA, "No baseline is set.", Decimal("1500"))


def test_goal_progress_without_target_says_so():
    result = progress(target=None, points=[(date(2026, 1, 1), "1500")])

    assert (result.status, result.reason) == (Status.NO_DATA, "No target value is set.")


def test_goal_progress_without_baseline_and_target_says_both():
    result = progress(baseline=None, target=None, points=[(date(2026, 1, 1), "1500")])

    assert (result.status, result.reason) == (Status.NO_DATA, "No baseline or target value is set.")


def test_goal_progress_deadline_passed_not_reached_is_off_track():
    points = [(date(2026, 1, 1), "1000"), (date(2026, 3, 1), "1900")]

    result = progress(points=points, deadline=date(2026, 3, 9))

    assert result.status == Status.OFF_TRACK
    assert result.reason == "1,900 of 2,000 followers; the deadline, March 9, 2026, has passed."


def test_goal_progress_on_the_deadline_day_the_deadline_has_not_passed():
    points = [(date(2026, 1, 1), "1000"), (date(2026, 3, 1), "1900")]

    result = progress(points=points, deadline=TODAY)

    # Still a projection: 900 in 59 days, 68 days from the first point: 1450 + 900 × 38.5 / 59.
    assert (result.status, result.projected) == (Status.ON_TRACK, Decimal("2037.29"))
    assert result.reason == "1,900 of 2,000 followers; at the current pace it will be 2,037 by March 10, 2026."


def test_goal_progress_deadline_passed_but_reached_is_on_track():
    points = [(date(2026, 1, 1), "1000"), (date(2026, 3, 1), "2100")]

    result = progress(points=points, deadline=date(2026, 2, 1))

    assert (result.status, result.reason) == (Status.ON_TRACK, "2,100 of 2,000 followers; the goal is reached.")


def test_goal_progress_single_measurement_has_no_trend():
    result = progress(points=[(date(2026, 3, 1), "1650")])

    assert (result.status, result.projected, result.latest_on) == (Status.AT_RISK, None, date(2026, 3, 1))
    assert result.reason == "1,650 of 2,000 followers; measured on one day only, so there is no trend yet."


def test_goal_progress_single_measurement_reached_is_on_track():
    result = progress(points=[(date(2026, 3, 1), "2000")])

    assert result.status == Status.ON_TRACK


def test_goal_progress_two_measurements_on_the_same_date_have_no_trend():
    points = [(date(2026, 3, 1), "1600"), (date(2026, 3, 1), "1650")]

    result = progress(points=points)

    assert (result.status, result.projected, result.latest) == (Status.AT_RISK, None, Decimal("1650"))


def test_goal_progress_without_deadline_has_no_projection():
    points = [(date(2026, 1, 1), "1000"), (date(2026, 3, 1), "1200")]

    result = progress(points=points, deadline=None)

    assert (result.status, result.projected) == (Status.AT_RISK, None)
    assert result.reason == "1,200 of 2,000 followers; no deadline is set, so there is no projection."


def test_goal_progress_flat_series_halfway_is_off_track():
    points = [(date(2026, 1, 1), "1500"), (date(2026, 2, 1), "1500"), (date(2026, 3, 1), "1500")]

    result = progress(points=points)

    assert (result.status, result.projected, result.share) == (Status.OFF_TRACK, Decimal("1500"), Decimal("0.5"))


def test_goal_progress_flat_series_at_the_threshold_is_at_risk():
    points = [(date(2026, 1, 1), "1800"), (date(2026, 3, 1), "1800")]

    result = progress(points=points)

    assert (AT_RISK_SHARE, result.status) == (Decimal("0.8"), Status.AT_RISK)


def test_goal_progress_flat_series_just_below_the_threshold_is_off_track():
    points = [(date(2026, 1, 1), "1799.99"), (date(2026, 3, 1), "1799.99")]

    result = progress(points=points)

    assert result.status == Status.OFF_TRACK


def test_goal_progress_holding_a_level_below_it_is_off_track():
    points = [(date(2026, 1, 1), "1000"), (date(2026, 3, 1), "990")]

    result = progress(baseline="1000", target="1000", points=points)

    assert (result.status, result.share) == (Status.OFF_TRACK, None)


def test_goal_progress_share_beyond_one():
    result = progress(points=[(date(2026, 3, 1), "2500")])

    assert (result.status, result.share) == (Status.ON_TRACK, Decimal("1.5"))


def test_goal_progress_share_below_zero():
    result = progress(points=[(date(2026, 3, 1), "800")])

    assert (result.status, result.share) == (Status.AT_RISK, Decimal("-0.2"))


def test_monthly_sums_leave_out_the_incomplete_current_month():
    points = [
        (date(2026, 2, 23), Decimal("300")),  # a week from its Monday: counts in February
        (date(2026, 1, 5), Decimal("100")),
        (date(2026, 1, 20), Decimal("50")),
        (date(2026, 3, 1), Decimal("999")),
    ]

    sums = monthly_sums(points, today=TODAY)

    assert sums == [(date(2026, 1, 1), Decimal("150")), (date(2026, 2, 1), Decimal("300"))]


def test_goal_progress_count_metric_reads_the_latest_complete_month():
    points = [(date(2026, 1, 5), "900"), (date(2026, 2, 2), "1000"), (date(2026, 2, 9), "650"), (TODAY, "5000")]

    result = progress(spec=VISITS, points=points)

    assert (result.latest, result.latest_on, result.status) == (Decimal("1650"), date(2026, 2, 1), Status.ON_TRACK)
    assert result.points == [(date(2026, 1, 1), Decimal("900")), (date(2026, 2, 1), Decimal("1650"))]
    assert result.reason.startswith("1,650 of 2,000 visits in February 2026; at the current pace it will be ")


def test_goal_progress_count_metric_with_only_the_current_month_is_no_data():
    result = progress(spec=VISITS, points=[(date(2026, 3, 2), "700")])

    assert (result.status, result.reason) == (Status.NO_DATA, "No complete month is measured yet.")


def test_goal_progress_count_metric_one_complete_month_has_no_trend():
    result = progress(spec=VISITS, points=[(date(2026, 2, 2), "700")])

    assert result.reason == (
        "700 of 2,000 visits in February 2026; only one complete month is measured, so there is no trend yet."
    )


def test_format_number_swedish():
    values = [Decimal("2100.4"), Decimal("12.54"), Decimal("3.25"), Decimal("4.00"), Decimal("1234567")]

    with translation.override("sv"):
        shown = [format_number(value) for value in values]

    assert shown == ["2\xa0100", "12,5", "3,25", "4", "1\xa0234\xa0567"]


def test_format_number_english():
    values = [Decimal("2100.4"), Decimal("12.54"), Decimal("3.25"), Decimal("4.00"), Decimal("1234567")]

    with translation.override("en"):
        shown = [format_number(value) for value in values]

    assert shown == ["2,100", "12.5", "3.25", "4", "1,234,567"]


def test_goal_progress_reason_in_swedish_groups_with_a_non_breaking_space():
    with translation.override("sv"):
        result = goal_progress(
            spec=FOLLOWERS,
            baseline=Decimal("1000"),
            target=Decimal("2000"),
            deadline=DEADLINE,
            points=[(date(2026, 3, 1), Decimal("1650"))],
            today=TODAY,
        )

    # The words follow the catalogue; the numbers follow the language.
    assert [word for word in result.reason.split(" ") if word[:1].isdigit()][:2] == ["1\xa0650", "2\xa0000"]
