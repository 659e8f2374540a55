"""Every paginated list of the register reads its page in the order of an index (Meta.indexes)
instead of sorting all its rows: on SQLite, EXPLAIN QUERY PLAN names the index and no temporary
B-tree for ORDER BY. (A unit member's lists, filtered by several readable units at once, still
sort the few rows of those units: an index on one range cannot give the order of several.)"""

import datetime

import pytest
from django.db import connection

from channel_register.models import Channel, ChannelUpdate
from channel_register.queries import overdue_inventories

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="EXPLAIN QUERY PLAN is SQLite's"),
]


def query_plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(row[-1] for row in cursor.fetchall())


CHANNELS = Channel.objects.select_related("unit", "owner")
LISTS = {
    "channel list": (CHANNELS.order_by("name", "pk"), "channel_name"),
    "channel list by status": (CHANNELS.filter(status="aktiv").order_by("name", "pk"), "channel_status_name"),
    "channel list of one unit": (CHANNELS.filter(unit_id=1).order_by("name", "pk"), "channel_unit_name"),
    "overdue inventories": (overdue_inventories(CHANNELS, datetime.date(2027, 1, 1)), "channel_inventory_due"),
    "update log": (ChannelUpdate.objects.filter(channel_id=1).select_related("logged_by"), "plans_chann_channel_"),
}


@pytest.mark.parametrize("name", LISTS)
def test_list_page_read_in_index_order_without_sorting(name):
    queryset, index = LISTS[name]

    plan = query_plan(queryset[:25])

    assert (index in plan, "TEMP B-TREE" in plan) == (True, False)
