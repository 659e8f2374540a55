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

Memory stays flat in the file's length: rows are read as a stream and handled in batches of
BATCH; what is kept per file is one entry per distinct (metric, period, date), which the
calendar bounds, not the number of rows.
"""

import hashlib
import uuid
from collections.abc import Iterator
from decimal import Decimal

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from channel_register.models import Channel
from kob_social.concurrency import claim_revision
from kob_social.errors import Incomplete, NotAllowed
from kob_social.jobs import queue

from .. import rules
from ..csv_import import FormatError, ParsedRow, RowError, open_export
from ..enums import Source
from ..models import ImportStatus, Measurement, MeasurementImport
from .measurements import period_start, value_errors

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


def _read(batch: MeasurementImport, on_progress=None):
    """Read the stored file: (values by key, errors, rows read). A value is keyed by
    (metric, period, first day); the same key twice in a file is an error unless equal."""
    channel = batch.channel
    today = timezone.localdate()
    values: dict[tuple, tuple[int, Decimal]] = {}
    errors: list[tuple[int, str]] = []
    rows = 0
    for chunk in _batches(_rows(batch)):
        for row in chunk:
            rows += 1
            if isinstance(row, RowError):
                errors.append((row.line, str(row.message)))
                continue
            on = period_start(row.on, row.period)
            problems = value_errors(channel, metric=row.metric, period=row.period, on=on, value=row.value, today=today)
            key = (row.metric, row.period, on)
            seen = values.get(key)
            if seen is not None and seen[1] != row.value:
                problems.append(
                    _("Line %(line)d gives another value for the same date and metric.") % {"line": seen[0]}
                )
            errors.extend((row.line, problem) for problem in problems)
            if not problems and seen is None:
                values[key] = (row.line, row.value)
        if on_progress is not None:
            on_progress(rows)
    return values, errors, rows


def _stored(channel_id: int, keys) -> dict[tuple, Measurement]:
    """The stored measurements of the channel for `keys`, a batch at a time."""
    found = {}
    keys = list(keys)
    for start in range(0, len(keys), BATCH):
        part = keys[start : start + BATCH]
        dates = {on for _metric, _period, on in part}
        for measurement in Measurement.objects.filter(
            channel_id=channel_id,
            metric__in={metric for metric, _period, _on in part},
            on__gte=min(dates),
            on__lte=max(dates),
        ):
            found[(measurement.metric, measurement.period, measurement.on)] = measurement
    return found


def check_import(import_id: int) -> bool:
    """Read and check the file of an import being checked, writing progress as it goes, and
    end CHECKED (with what would change) or REFUSED (with every bad row). Safe to run twice:
    an import no longer being checked is left alone."""
    batch = MeasurementImport.objects.select_related("channel").filter(pk=import_id).first()
    if batch is None or batch.status != ImportStatus.CHECKING:
        return False

    def progress(rows):
        MeasurementImport.objects.filter(pk=import_id, status=ImportStatus.CHECKING).update(rows_done=rows)

    try:
        values, errors, rows = _read(batch, on_progress=progress)
    except FormatError as exc:
        values, errors, rows = {}, [(0, str(exc))], 0
    stored = _stored(batch.channel_id, values)
    created = sum(1 for key in values if key not in stored)
    unchanged = sum(1 for key, (_line, value) in values.items() if key in stored and stored[key].value == value)
    errors.sort()
    MeasurementImport.objects.filter(pk=import_id, status=ImportStatus.CHECKING).update(
        status=ImportStatus.REFUSED if errors else ImportStatus.CHECKED,
        rows=rows,
        rows_done=rows,
        created=created,
        changed=len(values) - created - unchanged,
        unchanged=unchanged,
        errors=[list(error) for error in errors[:MAX_REPORTED_ERRORS]],
        error_count=len(errors),
    )
    return True


def corrections(batch: MeasurementImport, limit: int = 50) -> list[tuple[Measurement, Decimal]]:
    """The stored values the import would correct (stored measurement, the file's value), for
    the preview: the first `limit`, by date."""
    values, _errors, _rows = _read(batch)
    stored = _stored(batch.channel_id, values)
    changed = [
        (stored[key], value) for key, (_line, value) in values.items() if key in stored and stored[key].value != value
    ]
    return sorted(changed, key=lambda pair: (pair[0].on, pair[0].metric))[:limit]


def confirm_import(import_id: int, *, actor: User, expected_revision: int, queued: bool = True) -> MeasurementImport:
    """Save a checked import: queued (`queued`; the import command runs it itself), saved all at
    once by the worker (save_import)."""
    with transaction.atomic():
        batch = MeasurementImport.objects.select_related("channel__unit").get(pk=import_id)
        if actor.pk != batch.uploaded_by_id and not rules.can_record_measurements(actor, batch.channel):
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
        if actor.pk != batch.uploaded_by_id and not rules.can_record_measurements(actor, batch.channel):
            raise NotAllowed(rules.NOT_ALLOWED)
        if batch.status not in (ImportStatus.CHECKED, ImportStatus.REFUSED):
            raise NotAllowed(_("This import cannot be cancelled in its current state."))
        claim_revision(batch, status=batch.status)
        MeasurementImport.objects.filter(pk=batch.pk).update(status=ImportStatus.CANCELLED)
        batch.status = ImportStatus.CANCELLED
        transaction.on_commit(lambda: batch.file.delete(save=False))
    return batch


def save_import(import_id: int) -> bool:
    """Save every value of a confirmed import in one transaction, or none: the file is read and
    checked again (it is the same file: its SHA-256 is compared), and any error leaves the
    stored values as they were and the import REFUSED with the reason."""
    batch = MeasurementImport.objects.select_related("channel", "uploaded_by").filter(pk=import_id).first()
    if batch is None or batch.status != ImportStatus.SAVING:
        return False
    actor = batch.uploaded_by
    try:
        with batch.file.open("rb") as stream:
            if _sha256(stream) != batch.sha256:
                raise FormatError(_("The stored file has changed since it was checked."))
        values, errors, rows = _read(batch)
        if errors:
            raise FormatError(_("The file no longer passes the check."))
        with transaction.atomic():
            now = timezone.now()
            stored = _stored(batch.channel_id, values)
            new, corrected = [], []
            for (metric, period, on), (_line, value) in values.items():
                measurement = stored.get((metric, period, on))
                if measurement is None:
                    new.append(
                        Measurement(
                            channel_id=batch.channel_id,
                            metric=metric,
                            period=period,
                            on=on,
                            value=value,
                            source=Source.IMPORT,
                            imported_by=batch,
                            recorded_by=actor,
                            recorded_at=now,
                        )
                    )
                elif measurement.value != value:
                    measurement.value, measurement.source, measurement.imported_by = value, Source.IMPORT, batch
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
            done = MeasurementImport.objects.filter(pk=import_id, status=ImportStatus.SAVING).update(
                status=ImportStatus.DONE,
                rows=rows,
                created=len(new),
                changed=len(corrected),
                unchanged=len(values) - len(new) - len(corrected),
                finished_at=now,
            )
            if not done:
                transaction.set_rollback(True)
                return False
    except FormatError as exc:
        MeasurementImport.objects.filter(pk=import_id, status=ImportStatus.SAVING).update(
            status=ImportStatus.REFUSED, errors=[[0, str(exc)]], error_count=1
        )
        return False
    return True


def stored_file(content: bytes, name: str = "import.csv") -> ContentFile:
    """An in-memory upload (the import command and tests use it)."""
    return ContentFile(content, name=name)


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
