"""The benchmark command works and reports what it promises (its numbers are not judged here:
a benchmark is never a timed test)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_weekly_check_benchmark_reports_both_sizes_and_queries_do_not_grow_within_a_batch(tmp_path):
    out = tmp_path / "result.json"

    call_command(
        "benchmark",
        "weekly_check",
        "--channels",
        "40",
        "--updates",
        "400",
        "--in-place",
        "--json",
        str(out),
        stdout=io.StringIO(),
    )

    results = json.loads(out.read_text())
    assert [result["case"] for result in results] == ["4 kanaler, 40 loggrader", "40 kanaler, 400 loggrader"]
    assert results[0]["queries"] == results[1]["queries"]
    assert all(result["floor_seconds"] > 0 and result["ratio"] > 0 for result in results)
    assert [result["note"].split(", ")[0] for result in results] == ["channels=4", "channels=40"]


def test_benchmark_refuses_an_unknown_name():
    with pytest.raises(CommandError, match="Unknown benchmark nope"):
        call_command("benchmark", "nope", "--in-place", stdout=io.StringIO())


def test_overview_benchmark_reports_the_judging_the_pages_and_their_floor(tmp_path, time_machine, capsys):
    time_machine.move_to("2027-03-15 12:00+00:00", tick=False)
    out = tmp_path / "result.json"

    call_command(
        "benchmark",
        "overview",
        "--region-scale",
        "0.01",
        "--explain",
        "--in-place",
        "--json",
        str(out),
        stdout=io.StringIO(),
    )

    results = json.loads(out.read_text())
    assert [result["case"] for result in results] == [
        "nattlig bedömning, 20 kanaler",
        "översikten, sämst först",
        "en enhet, bara problem",
        "CSV, alla kanaler",
    ]
    assert all(result["floor_seconds"] > 0 and result["ratio"] > 0 for result in results[1:])
    assert "overview_standing" in capsys.readouterr().err


def test_bench_refuses_to_run_without_its_settings():
    with pytest.raises(CommandError, match=r"kob_social\.bench_settings"):
        call_command("bench", stdout=io.StringIO())


@pytest.fixture
def region_pages(settings, time_machine):
    """The region at a hundredth of its size, in the test database, and the benchmark's URLs."""
    from ops.region import build_region

    time_machine.move_to("2027-03-15 12:00+00:00", tick=False)
    settings.ROOT_URLCONF = "ops.benchmarks.urls"
    build_region(0.01, out=io.StringIO())


def test_bench_measures_every_page_of_its_catalogue_without_an_error(region_pages):
    from ops.benchmarks import pages

    results = pages.measure(pairs=1)

    assert [result.case for result in results[:3]] == ["SELECT 1", "trivial vy, anonym", "trivial vy, inloggad"]
    assert [(result.case, result.note) for result in results if not result.runs] == []
    assert len(results) == 3 + len(pages.catalogue())
    assert all(result.floor_cpu_median > 0 and result.queries is not None for result in results)


def pinned_counts() -> dict[str, int]:
    """The benchmark's cases whose page has an exact query-count test, and that test's number:
    the same page through the same frame must cost the same at region size. Not here: pages
    whose count depends on the shape of the data they show, where the region's object differs
    from the test's (the deputies page of a chef with no arrangement, one query less; the
    overview and an approved plan's page, one query apart): their tests pin them at 1 and 3."""
    # circular: test modules, read only here.
    from accounts.tests.test_people_query_counts import ABSENCE_QUERIES, TRAINING_QUERIES
    from audit.tests.test_events_page import EVENTS_QUERIES, EXPORT_QUERIES
    from plans.tests.test_query_counts import CREATE_QUERIES, EDIT_QUERIES, LIST_QUERIES

    return {
        "planlistan, sida 1": LIST_QUERIES,
        "planlistan, sida 40": LIST_QUERIES,
        "ny plan": CREATE_QUERIES,
        "redigera plan": EDIT_QUERIES,
        "utbildningar, chef": TRAINING_QUERIES["chef"],
        "utbildningar, kommunikationsansvarig": TRAINING_QUERIES["kommunikator"],
        "frånvaro, chef": ABSENCE_QUERIES,
        "granskningsloggen": EVENTS_QUERIES,
        "granskningsloggen, CSV": EXPORT_QUERIES,
    }


def test_bench_reports_the_query_counts_the_exact_tests_pin(region_pages):
    from ops.benchmarks import pages

    pinned = pinned_counts()

    measured = {result.case: result.queries for result in pages.measure(pairs=1) if result.case in pinned}

    assert measured == pinned
