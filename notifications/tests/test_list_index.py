"""The notice list (/notiser/) is read by an index in its own order, newest first (SQLite's plan;
PostgreSQL's planner rightly prefers a scan of the few rows of a test database)."""

import pytest
from django.db import connection

from notifications.queries import notifications_for

pytestmark = pytest.mark.django_db


def test_notification_list_read_newest_first_by_index_without_sorting(org):
    if connection.vendor != "sqlite":
        pytest.skip("the plan asserted is SQLite's")
    sql, params = notifications_for(org.medarbetare)[:50].query.sql_with_params()

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(row[-1] for row in cursor.fetchall())

    assert "USING INDEX notification_newest (recipient_id=?)" in plan
    assert "TEMP B-TREE" not in plan
