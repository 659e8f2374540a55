"""Importing a file of measurements: checked and previewed first, then saved all at once.

1. `start_import` takes the upload: its size, SHA-256 and format (metrics.csv_import) are checked
   at once, the file is stored, and the check is queued.
2. `check_import` (a task) reads every row, checks it by the same rule as manual entry
   (measurements.value_errors), finds duplicates inside the file, and counts against what is
   stored what would be new, corrected or already there. Progress is written as it goes.
   A file with any bad row is REFUSED, every bad row listed with its line; nothing is saved.
3. The person reads the preview and confirms (`confirm_import`), or cancels.
4. `save_import` (a task) reads the file again and saves everything in one transaction, or
   nothing. A value already stored is kept when equal (re-importing a file adds nothing) and
   corrected, history kept, when the file says otherwise: the preview said so first.

Memory stays flat in the file's length: rows are read as a stream, and the checked rows are
staged in the database (ImportRow) a batch of BATCH at a time. Duplicates inside the file, what
is new, what would be corrected and what is already there are found by queries over the staged
rows; the save reads them back a batch at a time. (Measured for 100,000 rows in
metrics/tests/test_import_size.py.)
"""

import hashlib
import uuid
from collections.abc import Iterator
from decimal import Decimal

from django.core.files.base import File
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import domain as audit
from channel_register.models import Channel
from kob_social.concurrency import claim_revision
from kob_social.errors import Incomplete, NotAllowed
from kob_social.history import bulk_create_with_history, bulk_update_with_history
from kob_social.jobs import queue

from .. import rules
from ..csv_import import FormatError, ParsedRow, RowError, open_export
from ..enums import Source
from ..models import ImportRow, ImportStatus, Measurement, MeasurementImport
from .measurements import period_start, value_errors

# Sent inside the save's transaction once an import's values are saved (in bulk: no post_save
# is sent for them), with `channel_id`: the overview refreshes the channel's standing on commit.
measurements_imported = Signal()

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_REPORTED_ERRORS = 200
BATCH = 1000
CHECK_TASK = "metrics.tasks.check_import"
SAVE_TASK = "metrics.tasks.save_import"


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(64 * 1024), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def start_import(channel_id: int, *, actor: User, upload, queued: bool = True) -> MeasurementImport:
    """Take an uploaded file for the channel and queue its check (`queued`; the import command
    runs it itself). A file that is too large, empty, not text or of no known format is refused
    at once (Incomplete on `file`)."""
    channel = Channel.objects.select_related("unit").get(pk=channel_id)
    if not rules.can_record_measurements(actor, channel):
        raise NotAllowed(rules.NOT_ALLOWED)
    if upload.size > MAX_FILE_BYTES:
        raise Incomplete(
            {
                "file": [
                    _("The file is larger than %(mb)d MB. Split it into several files.")
                    % {"mb": MAX_FILE_BYTES // 2**20}
                ]
            }
        )
    try:
        export = open_export(upload, max_bytes=MAX_FILE_BYTES, today=timezone.localdate())
    except FormatError as exc:
        raise Incomplete({"file": [str(exc)]}) from exc
    digest = _sha256(upload)
    with transaction.atomic():
        batch = MeasurementImport(
            channel=channel,
            uploaded_by=actor,
            original_name=(upload.name or "")[-200:],
            size=upload.size,
            sha256=digest,
            file_format=export.format,
        )
        upload.seek(0)
        batch.file.save(f"{uuid.uuid4().hex}.csv", File(upload), save=False)
        batch.save()
        if queued:
            transaction.on_commit(lambda: queue(CHECK_TASK, import_id=batch.pk))
    return batch


def _rows(batch: MeasurementImport) -> Iterator[ParsedRow | RowError]:
    with batch.file.open("rb") as stream:
        export = open_export(stream, max_bytes=MAX_FILE_BYTES, today=timezone.localdate())
        yield from export.rows()


def _batches(rows, size=BATCH):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


KEY = ("metric", "period", "on")


def _stage(batch: MeasurementImport) -> tuple[list[tuple[int, str]], int, int]:
    """Read the stored file, check each row (measurements.value_errors) and stage the good ones,
    writing progress after each batch. Returns the first errors (line, message), how many there
    were, and the rows read."""
    channel = batch.channel
    today = timezone.localdate()
    errors: list[tuple[int, str]] = []
    error_count = rows = 0
    for chunk in _batches(_rows(batch)):
        staged = []
        for row in chunk:
            rows += 1
            if isinstance(row, RowError):
                problems = [str(row.message)]
            else:
                on = period_start(row.on, row.period)
                problems = value_errors(
                    channel, metric=row.metric, period=row.period, on=on, value=row.value, today=today
                )
                if not problems:
                    staged.append(
                        ImportRow(
                            batch=batch, line=row.line, metric=row.metric, period=row.period, on=on, value=row.value
                        )
                    )
            error_count += len(problems)
            errors.extend((row.line, problem) for problem in problems[: max(0, MAX_REPORTED_ERRORS - len(errors))])
        ImportRow.objects.bulk_create(staged, batch_size=BATCH)
        MeasurementImport.objects.filter(pk=batch.pk, status=ImportStatus.CHECKING).update(rows_done=rows)
    return errors, error_count, rows


def _conflicts(batch: MeasurementImport, room: int) -> tuple[list[tuple[int, str]], int]:
    """Rows that give another value for a key an earlier line gave (the first `room` reported,
    and how many), and the exact repeats removed: after this each key is staged once."""
    staged = ImportRow.objects.filter(batch=batch)
    first = staged.filter(**{field: OuterRef(field) for field in KEY}).order_by("line", "pk")
    repeats = staged.annotate(
        first_pk=Subquery(first.values("pk")[:1]),
        first_line=Subquery(first.values("line")[:1]),
        first_value=Subquery(first.values("value")[:1]),
    ).exclude(pk=F("first_pk"))
    differing = repeats.exclude(value=F("first_value"))
    count = differing.count()
    errors = [
        (line, _("Line %(line)d gives another value for the same date and metric.") % {"line": earlier})
        for line, earlier in differing.order_by("line").values_list("line", "first_line")[:room]
    ]
    ImportRow.objects.filter(pk__in=Subquery(repeats.values("pk"))).delete()
    return errors, count


def _stored_match(batch: MeasurementImport, **same) -> Exists:
    return Exists(
        Measurement.objects.filter(channel_id=batch.channel_id, **{field: OuterRef(field) for field in KEY}, **same)
    )


def _counts(batch: MeasurementImport) -> dict[str, int]:
    """New, corrected and already-there values of the staged (once per key) rows."""
    staged = ImportRow.objects.filter(batch=batch)
    total = staged.count()
    created = staged.exclude(_stored_match(batch)).count()
    unchanged = staged.filter(_stored_match(batch, value=OuterRef("value"))).count()
    return {"created": created, "changed": total - created - unchanged, "unchanged": unchanged}


def check_import(import_id: int) -> bool:
    """Read and check the file of an import being checked, writing progress as it goes, and
    end CHECKED (with what would change) or REFUSED (with every bad row). Safe to run twice:
    an import no longer being checked is left alone; a check cut off is started again."""
    batch = MeasurementImport.objects.select_related("channel").filter(pk=import_id).first()
    if batch is None or batch.status != ImportStatus.CHECKING:
        return False
    ImportRow.objects.filter(batch=batch).delete()  # what a check cut off had staged
    try:
        errors, error_count, rows = _stage(batch)
    except FormatError as exc:
        errors, error_count, rows = [(0, str(exc))], 1, 0
    more, conflicts = _conflicts(batch, MAX_REPORTED_ERRORS)
    errors = sorted(errors + more)[:MAX_REPORTED_ERRORS]
    error_count += conflicts
    if error_count:
        ImportRow.objects.filter(batch=batch).delete()
    MeasurementImport.objects.filter(pk=import_id, status=ImportStatus.CHECKING).update(
        status=ImportStatus.REFUSED if error_count else ImportStatus.CHECKED,
        rows=rows,
        rows_done=rows,
        errors=[list(error) for error in errors],
        error_count=error_count,
        **(_counts(batch) if not error_count else {}),
    )
    return True


def corrections(batch: MeasurementImport, limit: int = 50) -> list[tuple[Measurement, Decimal]]:
    """The stored values the import would correct, for the preview: (the stored measurement,
    the file's value), the first `limit` by date. One query."""
    stored = Measurement.objects.filter(channel_id=batch.channel_id, **{field: OuterRef(field) for field in KEY})
    rows = (
        ImportRow.objects.filter(batch=batch)
        .annotate(stored_pk=Subquery(stored.values("pk")[:1]), stored_value=Subquery(stored.values("value")[:1]))
        .filter(stored_pk__isnull=False)
        .exclude(stored_value=F("value"))
        .order_by("on", "metric", "pk")[:limit]
    )
    return [
        (
            Measurement(pk=row.stored_pk, metric=row.metric, period=row.period, on=row.on, value=row.stored_value),
            row.value,
        )
        for row in rows
    ]


def confirm_import(import_id: int, *, actor: User, expected_revision: int, queued: bool = True) -> MeasurementImport:
    """Save a checked import: queued (`queued`; the import command runs it itself), saved all at
    once by the worker (save_import)."""
    with transaction.atomic():
        batch = MeasurementImport.objects.select_related("channel__unit").get(pk=import_id)
        if not rules.can_decide_import(actor, batch):
            raise NotAllowed(rules.NOT_ALLOWED)
        if batch.revision != expected_revision or batch.status != ImportStatus.CHECKED:
            raise NotAllowed(_("This import cannot be saved in its current state."))
        claim_revision(batch, status=ImportStatus.CHECKED)
        MeasurementImport.objects.filter(pk=batch.pk).update(status=ImportStatus.SAVING)
        batch.status = ImportStatus.SAVING
        if queued:
            transaction.on_commit(lambda: queue(SAVE_TASK, import_id=batch.pk))
    return batch


def cancel_import(import_id: int, *, actor: User) -> MeasurementImport:
    """Drop an import that was not saved; its record stays, its file goes."""
    with transaction.atomic():
        batch = MeasurementImport.objects.select_related("channel__unit").get(pk=import_id)
        if not rules.can_decide_import(actor, batch):
            raise NotAllowed(rules.NOT_ALLOWED)
        if batch.status not in (ImportStatus.CHECKED, ImportStatus.REFUSED):
            raise NotAllowed(_("This import cannot be cancelled in its current state."))
        claim_revision(batch, status=batch.status)
        MeasurementImport.objects.filter(pk=batch.pk).update(status=ImportStatus.CANCELLED)
        batch.status = ImportStatus.CANCELLED
        ImportRow.objects.filter(batch=batch).delete()
        transaction.on_commit(lambda: batch.file.delete(save=False))
    return batch


def save_import(import_id: int) -> bool:
    """Save the staged values of a confirmed import in one transaction, a batch at a time, or
    none: if what is stored changed since the preview (a value entered meanwhile), nothing is
    saved and the import is REFUSED with the reason, so that nothing is overwritten unseen. A
    value already stored is kept when equal and corrected (history kept) otherwise."""
    batch = MeasurementImport.objects.select_related("channel", "uploaded_by").filter(pk=import_id).first()
    if batch is None or batch.status != ImportStatus.SAVING:
        return False
    actor = batch.uploaded_by
    with transaction.atomic():
        counts = _counts(batch)
        if counts != {"created": batch.created, "changed": batch.changed, "unchanged": batch.unchanged}:
            message = _("The stored values changed after the preview. Nothing was saved: import the file again.")
            MeasurementImport.objects.filter(pk=import_id, status=ImportStatus.SAVING).update(
                status=ImportStatus.REFUSED, errors=[[0, message]], error_count=1
            )
            ImportRow.objects.filter(batch=batch).delete()
            return False
        now = timezone.now()
        after = 0
        while True:
            chunk = list(ImportRow.objects.filter(batch=batch, pk__gt=after).order_by("pk")[:BATCH])
            if not chunk:
                break
            after = chunk[-1].pk
            stored = {
                (m.metric, m.period, m.on): m
                for m in Measurement.objects.filter(
                    channel_id=batch.channel_id,
                    metric__in={row.metric for row in chunk},
                    on__gte=min(row.on for row in chunk),
                    on__lte=max(row.on for row in chunk),
                )
            }
            new, corrected = [], []
            for row in chunk:
                measurement = stored.get((row.metric, row.period, row.on))
                if measurement is None:
                    new.append(
                        Measurement(
                            channel_id=batch.channel_id,
                            metric=row.metric,
                            period=row.period,
                            on=row.on,
                            value=row.value,
                            source=Source.IMPORT,
                            imported_by=batch,
                            recorded_by=actor,
                            recorded_at=now,
                        )
                    )
                elif measurement.value != row.value:
                    measurement.value, measurement.source, measurement.imported_by = row.value, Source.IMPORT, batch
                    measurement.recorded_by, measurement.recorded_at = actor, now
                    corrected.append(measurement)
            bulk_create_with_history(new, Measurement, batch_size=BATCH, default_user=actor)
            if corrected:
                bulk_update_with_history(
                    corrected,
                    Measurement,
                    ["value", "source", "imported_by", "recorded_by", "recorded_at"],
                    batch_size=BATCH,
                    default_user=actor,
                    default_change_reason=_("Corrected by an import"),
                )
        ImportRow.objects.filter(batch=batch).delete()
        MeasurementImport.objects.filter(pk=import_id, status=ImportStatus.SAVING).update(
            status=ImportStatus.DONE, finished_at=now
        )
        audit.record(
            "metrics.import.saved",
            about=batch,
            actor=actor,
            reason=f"{batch.created} nya, {batch.changed} ändrade, {batch.unchanged} oförändrade värden",
        )
        measurements_imported.send(sender=Measurement, channel_id=batch.channel_id)
    return True


def imported_before(batch: MeasurementImport) -> MeasurementImport | None:
    """An earlier import of the same file for the channel that was saved, for the preview's warning."""
    return (
        MeasurementImport.objects.filter(channel_id=batch.channel_id, sha256=batch.sha256, status=ImportStatus.DONE)
        .exclude(pk=batch.pk)
        .select_related("uploaded_by")
        .order_by("-uploaded_at")
        .first()
    )


__all__ = [
    "BATCH",
    "MAX_FILE_BYTES",
    "cancel_import",
    "check_import",
    "confirm_import",
    "corrections",
    "imported_before",
    "save_import",
    "start_import",
]
