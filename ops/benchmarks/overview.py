"""The overview on a region-sized dataset (issue 14).

Data: `ops.region.build_region` at `--region-scale` (1.0: 2,000 channels in 5 units, 300 people,
4,000 plans, 1,000,000 measurements, 100,000 update-log rows, a year of roster), then every
channel's standing judged by the nightly job (`refresh_standings`, measured too). Measured, each
the best of three after one warm-up, signed in as the communications officer: the overview page
(every channel in scope, worst first, the first page), the same filtered to one unit and problems
only, and the CSV of every channel. Floor: a trivial page in the same run and frame (the
accessibility statement, signed in), so that the ratio says what the overview costs beyond any page.

With `--explain`, the plan of every query of the overview page is written to stderr (SQLite's
EXPLAIN QUERY PLAN, PostgreSQL's EXPLAIN): each should read the standings by an index or the
channels in scope, never scan the measurements.
"""

import sys
import time

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Unit, User
from ops.region import build_region
from overview.domain.standing import refresh_standings

from . import Measurement

RUNS = 3


def best_of(client: Client, url: str, params: dict | None = None) -> tuple[float, int]:
    """The fastest of RUNS requests after one warm-up, and the queries of the last."""
    response = client.get(url, params or {})
    assert response.status_code == 200, response.status_code
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params or {})
            if response.streaming:
                b"".join(response.streaming_content)
            times.append(time.perf_counter() - started)
    return min(times), len(queries)


def explain(client: Client, url: str) -> None:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute(prefix + sql)
            plan = "\n    ".join(" ".join(str(part) for part in row) for row in cursor.fetchall())
            sys.stderr.write(f"\n{sql[:160]} …\n    {plan}\n")


def run(options) -> list[Measurement]:
    scale = options.get("region_scale") or 1.0
    started = time.perf_counter()
    today = timezone.localdate()
    built = build_region(scale, out=sys.stderr, today=today)
    sys.stderr.write(f"region built in {time.perf_counter() - started:.1f} s\n")
    # The planner's statistics as autovacuum keeps them in production: the tables were filled in
    # bulk a moment ago, and PostgreSQL would otherwise plan for nearly empty tables.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    # The build's queries filled the connection's log (it keeps the last 9,000): emptied, so
    # that the judging's are counted.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        judged = refresh_standings(today=today)
        judge_seconds = time.perf_counter() - started
    results = [
        Measurement(
            "overview",
            f"nattlig bedömning, {judged['channels']} kanaler",
            judge_seconds,
            len(queries),
            note=f"{built['measurements']} mätvärden, {built['updates']} loggrader",
        )
    ]
    # The test client's requests name the host "testserver"; the settings of a shell may not allow it.
    with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        results += measure_pages(options)
    return results


def measure_pages(options) -> list[Measurement]:
    results = []
    client = Client()
    client.force_login(User.objects.get(username="kommunikator"))
    floor_seconds, _floor_queries = best_of(client, reverse("accessibility"))
    unit = Unit.objects.filter(channels__isnull=False).order_by("name").first()
    cases = [
        ("översikten, sämst först", reverse("overview:index"), None),
        ("en enhet, bara problem", reverse("overview:index"), {"unit": unit.pk, "problems": "on"}),
        ("CSV, alla kanaler", reverse("overview:csv"), None),
    ]
    for case, url, params in cases:
        seconds, count = best_of(client, url, params)
        results.append(Measurement("overview", case, seconds, count, floor_seconds, note=connection.vendor))
    if options.get("explain"):
        explain(client, reverse("overview:index"))
    return results
