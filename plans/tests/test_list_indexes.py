"""The lists of plans and closure requests are read in an index's order, a page at a time,
instead of sorting every row first (migration 0012). Pinned on SQLite, whose planner says so
in EXPLAIN QUERY PLAN whatever the table's size; PostgreSQL chooses by its statistics, so a
test's small tables are sorted there anyway."""

import pytest
from django.db import connection

from plans.models import ClosureRequest, Plan
from plans.queries import plans_visible_to

from .factories import complete_plan

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")


def query_plan(queryset) -> list[str]:
    return [line.split(" ", 3)[-1] for line in queryset.explain().splitlines()]


def uses_index(steps: list[str], index: str) -> bool:
    return any(step.endswith(f"USING INDEX {index}") or f"USING INDEX {index} (" in step for step in steps)


@pytest.mark.parametrize(
    ("filters", "index"),
    [
        ({}, "plan_recent"),
        ({"unit": "library"}, "plan_unit_recent"),
        ({"status": "utkast"}, "plan_status_recent"),
        ({"platform": "facebook"}, "plan_platform_recent"),
    ],
)
def test_plan_list_page_read_in_index_order_without_sorting(org, filters, index):
    complete_plan(org.medarbetare)
    if "unit" in filters:
        filters = {"unit": getattr(org, filters["unit"])}
    plans = plans_visible_to(org.kommunikator).filter(**filters).order_by("-updated_at", "-pk")[975:1000]  # page 40

    steps = query_plan(plans)

    assert uses_index(steps, index)
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps


@pytest.mark.parametrize(
    ("queryset", "index"),
    [
        (lambda org: Plan.objects.filter(author=org.medarbetare).order_by("-updated_at", "-pk"), "plan_author_recent"),
        (lambda org: Plan.objects.filter(channel_id=1).order_by("-version_number", "-pk"), "plan_channel_versions"),
        (lambda org: ClosureRequest.objects.filter(channel_id=1), "closure_channel_recent"),
    ],
)
def test_own_plans_channel_versions_and_closures_read_in_index_order(org, queryset, index):
    steps = query_plan(queryset(org))

    assert uses_index(steps, index)
    assert "USE TEMP B-TREE FOR ORDER BY" not in steps
