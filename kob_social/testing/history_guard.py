"""No write around the history: while `guarded()` is active (every test, through conftest.py),
a queryset `update()`, `bulk_create()` or `bulk_update()` on a model that keeps field-level
history raises AssertionError naming the model and the call. Such a write would change a
governed row and leave no history row and no audit event.

Allowed: the helpers of kob_social.history, which write the history themselves, and the
compare-and-set claim (kob_social.concurrency.claim_revision): an update of the `revision`
column alone, which changes nothing a person reads and is followed by the caller's save of the
row (whose history row carries the new revision); and an update of fields the history leaves
out (`excluded_fields`: a derived column such as Channel.inventory_due), which no history row
would record anyway. Imports no app."""

from collections.abc import Iterator
from contextlib import contextmanager
from functools import wraps

from django.db.models.query import QuerySet

from kob_social.history import is_tracked, writes_history

GUARDED = ("update", "bulk_create", "bulk_update")


def _is_claim(name: str, args: tuple, kwargs: dict) -> bool:
    return name == "update" and not args and set(kwargs) == {"revision"}


def _is_untracked(model, name: str, args: tuple, kwargs: dict) -> bool:
    """An update (or bulk_update) of fields only that the model's history model does not have
    (excluded_fields)."""
    if name == "update" and not args:
        fields = set(kwargs)
    elif name == "bulk_update":
        fields = set(args[1] if len(args) > 1 else kwargs.get("fields", ()))
    else:
        return False
    history = getattr(model, model._meta.simple_history_manager_attribute).model
    recorded = {field.name for field in history._meta.get_fields()}
    return bool(fields) and not fields & recorded


def _guard(name: str, method):
    @wraps(method)
    def guarded(self, *args, **kwargs):
        if (
            is_tracked(self.model)
            and not writes_history()
            and not _is_claim(name, args, kwargs)
            and not _is_untracked(self.model, name, args, kwargs)
        ):
            raise AssertionError(
                f"{self.model._meta.label}: QuerySet.{name}() writes around the field-level history. "
                "Use kob_social.history.update_with_history, bulk_create_with_history or "
                "bulk_update_with_history, or save the rows."
            )
        return method(self, *args, **kwargs)

    return guarded


@contextmanager
def guarded() -> Iterator[None]:
    """Refuse the bulk writes of tracked models while inside (for every thread: the live server's too)."""
    originals = {name: QuerySet.__dict__[name] for name in GUARDED}
    for name, method in originals.items():
        setattr(QuerySet, name, _guard(name, method))
    try:
        yield
    finally:
        for name, method in originals.items():
            setattr(QuerySet, name, method)
