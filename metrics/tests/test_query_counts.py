"""Exact query counts for the measuring page and an import's preview, at 1 and 3 items.

The count is the same at both sizes: nothing is read once per goal, measurement, import or
correction."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from channel_register.domain.updates import log_update
from metrics.domain import imports
from metrics.domain.evaluations import start_evaluation
from metrics.domain.measurements import record_measurement
from metrics.models import MeasurementImport
from plans.enums import Metric

from .factories import measured_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day")]

SINCE = datetime.date(2026, 1, 1)
METRICS = [Metric.FOLLOWERS, Metric.VISITS, Metric.COMMENTS]

# Every signed-in count includes three queries of the frame: the session, the user and the
# user's role groups (the session is not saved within a minute of its last save:
# accounts.middleware.IdleSessionMiddleware).

# The frame, the channel (the unit's chef chain, owner and screenshot responsible joined; the
# user's readable units a subquery of it: channel_register.views.common.get_visible_channel),
# the plan in force, its goals, the series of all the
# goals' metrics (one query), the updates per day of the last 12 weeks, the latest values (who
# recorded them joined), the recent imports (who uploaded them joined), the latest evaluation
# and the unread badge.
# The owner may record without a query: the unit's chef chain came with the channel and the
# owner is a column of it.
CHANNEL_PAGE_QUERIES = 12
# The frame, the import (who uploaded it joined), the channel (the readable units a subquery of
# it, as on the measuring page), the values the file would correct (domain.imports.corrections: one query,
# the import's rows against the stored values), an earlier import of the same file, and the
# unread badge.
PREVIEW_QUERIES = 8


def goal(metric) -> dict:
    return {
        "description": f"Mål i {metric}",
        "metric": metric,
        "baseline": Decimal("100"),
        "target": Decimal("2000"),
        "deadline": datetime.date(2027, 12, 31),
    }


def generic_file(values: list[tuple[datetime.date, int]]) -> SimpleUploadedFile:
    lines = ["datum;mått;värde"] + [f"{day.isoformat()};Följare;{value}" for day, value in values]
    return SimpleUploadedFile("matvarden.csv", "\n".join(lines).encode(), content_type="text/csv")


def channel_with(org, n: int):
    """An active channel whose plan in force has `n` goals (each in its own metric), with `n`
    values of each metric, `n` updates in the last weeks and `n` checked imports."""
    channel = measured_channel(org, since=SINCE, goals=[goal(metric) for metric in METRICS[:n]])
    for metric in METRICS[:n]:
        for i in range(n):
            day = datetime.date(2026, 10 + i, 1)  # complete months, for the counts too
            record_measurement(channel.pk, actor=org.medarbetare, metric=metric, on=day, value=Decimal(500 + i))
    for i in range(n):
        log_update(channel, org.medarbetare, published_on=datetime.date(2027, 3, 1 + i), note=f"{i}")
        batch = imports.start_import(
            channel.pk, actor=org.medarbetare, upload=generic_file([(datetime.date(2026, 6, 1 + i), 100)])
        )
        imports.check_import(batch.pk)
    return channel


@pytest.mark.parametrize("n", [1, 3])
def test_measuring_page_query_count_same_for_one_and_three_of_everything(client, org, django_assert_num_queries, n):
    channel = channel_with(org, n)
    client.force_login(org.medarbetare)

    with django_assert_num_queries(CHANNEL_PAGE_QUERIES):
        response = client.get(reverse("metrics:channel", args=[channel.pk]))

    assert response.status_code == 200
    context = response.context
    assert [len(context["goals"]), len(context["imports"])] == [n, n]
    assert len(context["measurements"]) == n * n
    assert [len(entry["progress"].points) for entry in context["goals"]] == [n] * n


@pytest.mark.parametrize("n", [1, 3])
def test_import_preview_query_count_same_for_one_and_three_corrections(client, org, django_assert_num_queries, n):
    channel = measured_channel(org, since=SINCE)
    days = [datetime.date(2027, 1, 1 + i) for i in range(n)]
    for day in days:
        record_measurement(channel.pk, actor=org.medarbetare, metric=Metric.FOLLOWERS, on=day, value=Decimal(1000))
    batch = imports.start_import(channel.pk, actor=org.medarbetare, upload=generic_file([(day, 1100) for day in days]))
    imports.check_import(batch.pk)
    client.force_login(org.medarbetare)

    with django_assert_num_queries(PREVIEW_QUERIES):
        response = client.get(reverse("metrics:import_detail", args=[batch.pk]))

    assert response.status_code == 200
    assert len(response.context["corrections"]) == n
    assert MeasurementImport.objects.get().changed == n


# The frame, the evaluation (its author, the completer, the plan and its links joined), the
# channel (the readable units a subquery of it), the evaluation's goals, the series of all their metrics and
# the unread badge.
EVALUATION_PAGE_QUERIES = 8


@pytest.mark.parametrize("n", [1, 3])
def test_evaluation_page_query_count_same_for_one_and_three_goals(client, org, django_assert_num_queries, n):
    channel = channel_with(org, n)
    evaluation = start_evaluation(channel.pk, actor=org.medarbetare)
    client.force_login(org.medarbetare)

    with django_assert_num_queries(EVALUATION_PAGE_QUERIES):
        response = client.get(reverse("metrics:evaluation", args=[evaluation.pk]))

    assert response.status_code == 200
    assert [len(entry["progress"].points) for entry in response.context["goals"]] == [n] * n
