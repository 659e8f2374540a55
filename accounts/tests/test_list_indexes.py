"""The people lists are read by an index in their own order (SQLite's plan; PostgreSQL's planner
rightly prefers a scan of the few rows of a test database)."""

import pytest
from django.db import connection
from django.utils import timezone

from accounts import rules
from accounts.queries import current_and_coming_absences, people_in_scope, with_training

pytestmark = pytest.mark.django_db


def sqlite_plan(queryset) -> str:
    if connection.vendor != "sqlite":
        pytest.skip("the plan asserted is SQLite's")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def test_training_page_people_read_in_name_order_by_index(org):
    today = timezone.localdate()
    people = rules.with_training_verdict(org.kommunikator, with_training(people_in_scope(org.kommunikator), today))

    plan = sqlite_plan(people[:50])

    assert "SCAN accounts_user USING INDEX user_by_name" in plan
    assert "TEMP B-TREE" not in plan


def test_absence_page_reads_only_current_and_coming_absences_by_index(org):
    plan = sqlite_plan(current_and_coming_absences([org.chef.pk, org.medarbetare.pk], timezone.localdate())[:50])

    assert "USING INDEX absence_user_ends_on (user_id=? AND ends_on>?)" in plan
