"""Field-level history (django-simple-history) for every governed model, and the only ways to
write such a model in bulk.

- `AddressedHistoricalRecord` is the base of every history model
  (`HistoricalRecords(bases=[AddressedHistoricalRecord])`): each history row carries the client
  address of the request that wrote it (filled by the audit app's pre_create_historical_record
  receiver; none outside a request). The rows of a tracked many-to-many field hang off such a
  row, and so share its address.
- A queryset `update()`, `bulk_create()` or `bulk_update()` on a tracked model writes no history:
  the change would leave no trace. Write through `update_with_history`,
  `bulk_create_with_history` or `bulk_update_with_history` instead; the test suite refuses the
  bare calls (kob_social/testing/history_guard.py), except the compare-and-set claim of the
  revision alone (kob_social.concurrency.claim_revision), whose caller saves the row after it,
  and an update of fields the history leaves out (`excluded_fields`, derived columns).

Imports no app."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from simple_history import utils


class AddressedHistoricalRecord(models.Model):
    """The base of every history model: from which client address the change came."""

    history_address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        abstract = True


_writing_history: ContextVar[bool] = ContextVar("writing_history", default=False)


def writes_history() -> bool:
    """Whether the code running now is one of this module's helpers, which write the history of
    what they change in bulk (the test suite's guard asks)."""
    return _writing_history.get()


@contextmanager
def _with_history() -> Iterator[None]:
    token = _writing_history.set(True)
    try:
        yield
    finally:
        _writing_history.reset(token)


@contextmanager
def fabricated_data() -> Iterator[None]:
    """Inside: a fabricated dataset is written in bulk without history rows: the region-sized
    demo (ops/region.py) and the benchmarks' registers (ops/benchmarks/), invented at once, so
    that there is no change of anything to record. No write path of the application uses it
    (ops/tests/test_history.py checks which modules do)."""
    with _with_history():
        yield


def is_tracked(model) -> bool:
    """Whether `model` keeps field-level history."""
    return bool(getattr(model._meta, "simple_history_manager_attribute", None))


def update_with_history(queryset: models.QuerySet, *, actor=None, reason: str = "", **values) -> int:
    """`queryset.update(**values)` that writes one history row per changed row, by `actor` with
    `reason`, and returns how many rows changed.

    The rows are locked (select_for_update on PostgreSQL; SQLite's IMMEDIATE transactions hold the
    write lock) and saved one at a time with `update_fields`, so that each save runs the normal
    signals (history row, client address, audit event). Compare-and-set keeps: a row that no
    longer matches the queryset's filter when it is locked is left alone (of two requests that
    confirm the same agreement, the second changes nothing). Meant for the few rows of one
    user action; `values` are plain values, not expressions."""
    changed = 0
    with transaction.atomic(using=queryset.db):
        for row in queryset.select_for_update():
            for field, value in values.items():
                setattr(row, field, value)
            row._history_user = actor
            if reason:
                row._change_reason = reason
            row.save(update_fields=list(values))
            changed += 1
    return changed


def bulk_create_with_history(objs, model, **options):
    """simple_history.utils.bulk_create_with_history (same arguments): the rows and their
    history rows, in one transaction. Its history rows send no signals: the caller records
    the audit event of the whole batch."""
    with _with_history():
        return utils.bulk_create_with_history(objs, model, **options)


def bulk_update_with_history(objs, model, fields, **options):
    """simple_history.utils.bulk_update_with_history (same arguments): the changes and their
    history rows, in one transaction. Its history rows send no signals: the caller records
    the audit event of the whole batch."""
    with _with_history():
        return utils.bulk_update_with_history(objs, model, fields, **options)
