"""The compare-and-set claim every write path of a governed row starts with, written once.

Plans, closure requests and channels carry a `revision` that every write bumps. A write first
claims the row: one conditional UPDATE that bumps the revision only if the row still has the
revision (and, where it matters, the status) that was read. Of two simultaneous requests
exactly one wins, on PostgreSQL and SQLite alike; the other gets a Conflict and changes
nothing. Imports no app."""

from django.db.models import F

from .errors import Conflict


def claim_revision(row, *, revision: int | None = None, message=None, **unchanged) -> None:
    """Bump `row`'s revision in the database if it still is `revision` (default: the one read
    into `row`) and the fields in `unchanged` still hold those values; else raise
    Conflict(`message`). On success `row.revision` is the new revision."""
    expected = row.revision if revision is None else revision
    claimed = (
        type(row)._default_manager.filter(pk=row.pk, revision=expected, **unchanged).update(revision=F("revision") + 1)
    )
    if claimed != 1:
        raise Conflict(message)
    row.revision = expected + 1
