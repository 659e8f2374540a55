"""Importing a file of measurements through the domain: checked and previewed first, saved all
at once or not at all, never doubled, and recorded (who, when, file name, SHA-256, rows).

The tasks are called as the worker would call them (imports.check_import / save_import)."""

import datetime
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from channel_register.enums import Platform
from kob_social.errors import Incomplete, NotAllowed
from metrics.csv_import import ParsedRow, open_export
from metrics.domain import imports
from metrics.domain.measurements import period_start, record_measurement
from metrics.enums import Period, Source
from metrics.models import ImportStatus, Measurement, MeasurementImport
from plans.enums import Metric

from .factories import measured_channel

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("measuring_day", "swedish")]

SAMPLES = Path(__file__).parent / "samples"
SINCE = datetime.date(2026, 1, 1)


def upload(content: bytes, name: str = "matvarden.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def sample(name: str) -> SimpleUploadedFile:
    return upload((SAMPLES / name).read_bytes(), name)


def checked(channel, actor, file) -> MeasurementImport:
    batch = imports.start_import(channel.pk, actor=actor, upload=file)
    imports.check_import(batch.pk)
    return MeasurementImport.objects.get(pk=batch.pk)


def saved(batch: MeasurementImport, actor) -> MeasurementImport:
    imports.confirm_import(batch.pk, actor=actor, expected_revision=batch.revision)
    imports.save_import(batch.pk)
    return MeasurementImport.objects.get(pk=batch.pk)


def stored() -> set[tuple]:
    return set(Measurement.objects.values_list("metric", "period", "on", "value"))


def parsed(name: str) -> set[tuple]:
    with (SAMPLES / name).open("rb") as stream:
        rows = [row for row in open_export(stream).rows() if isinstance(row, ParsedRow)]
    return {(row.metric, row.period, period_start(row.on, row.period), row.value) for row in rows}


GENERIC = b"datum;m\xc3\xa5tt;v\xc3\xa4rde\r\n2026-03-01;F\xc3\xb6ljare;1 200\r\n2026-04-01;F\xc3\xb6ljare;1 260\r\n"


@pytest.mark.parametrize(
    ("name", "platform"),
    [
        ("generic_semicolon.csv", Platform.YOUTUBE),
        ("generic_comma_en.csv", Platform.FACEBOOK),
        ("meta_facebook_sv.csv", Platform.FACEBOOK),
        ("meta_instagram_en.csv", Platform.INSTAGRAM),
        ("meta_wide_sv.csv", Platform.FACEBOOK),
        ("youtube_totals_en.csv", Platform.YOUTUBE),
        ("youtube_utf16.csv", Platform.YOUTUBE),
    ],
)
def test_import_sample_file_stores_exactly_its_rows(org, name, platform):
    channel = measured_channel(org, since=SINCE, platform=platform)
    expected = parsed(name)

    batch = checked(channel, org.medarbetare, sample(name))
    assert (batch.status, batch.created, batch.changed, batch.unchanged, batch.errors) == (
        ImportStatus.CHECKED,
        len(expected),
        0,
        0,
        [],
    )
    assert stored() == set()  # the preview saved nothing
    done = saved(batch, org.medarbetare)

    assert (done.status, stored()) == (ImportStatus.DONE, expected)
    assert set(Measurement.objects.values_list("source", "imported_by", "recorded_by")) == {
        (Source.IMPORT, batch.pk, org.medarbetare.pk)
    }


def test_import_is_recorded_with_who_when_file_name_and_sha256(org):
    channel = measured_channel(org, since=SINCE)

    batch = checked(channel, org.medarbetare, upload(GENERIC, "följare mars.csv"))

    assert (batch.uploaded_by, batch.original_name, batch.sha256, batch.size, batch.rows, batch.file_format) == (
        org.medarbetare,
        "följare mars.csv",
        hashlib.sha256(GENERIC).hexdigest(),
        len(GENERIC),
        2,
        "generic",
    )


def test_import_with_one_bad_row_is_refused_with_its_line_and_saves_nothing(org):
    channel = measured_channel(org, since=SINCE)

    batch = checked(channel, org.medarbetare, sample("bad_row.csv"))

    assert batch.status == ImportStatus.REFUSED
    assert [line for line, _message in batch.errors] == sorted(line for line, _message in batch.errors)
    assert batch.error_count == len(batch.errors) > 0
    with pytest.raises(NotAllowed):
        imports.confirm_import(batch.pk, actor=org.medarbetare, expected_revision=batch.revision)
    assert stored() == set()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"datum;m\xc3\xa5tt;v\xc3\xa4rde\n2027-03-16;F\xc3\xb6ljare;1\n", "framtiden"),
        (
            b"datum;m\xc3\xa5tt;v\xc3\xa4rde\n2025-12-31;F\xc3\xb6ljare;1\n",
            "Kanalen fanns inte i registret före 1 januari 2026.",
        ),
        (b"datum;m\xc3\xa5tt;v\xc3\xa4rde\n2026-03-01;F\xc3\xb6ljare;-5\n", "negativt"),
        (
            b"datum;m\xc3\xa5tt;v\xc3\xa4rde\n2026-03-01;F\xc3\xb6ljare;10\n2026-03-01;F\xc3\xb6ljare;11\n",
            "Rad 2 anger ett annat värde för samma datum och mått.",
        ),
    ],
    ids=["future", "before-register", "negative", "twice-in-the-file"],
)
def test_import_refuses_bad_values_with_the_line_and_saves_nothing(org, content, message):
    channel = measured_channel(org, since=SINCE)

    batch = checked(channel, org.medarbetare, upload(content))

    assert batch.status == ImportStatus.REFUSED
    assert any(message in text for _line, text in batch.errors), batch.errors
    assert stored() == set()


def test_import_metric_the_platform_cannot_have_refused(org):
    blog = measured_channel(org, since=SINCE, platform=Platform.BLOG, channel_name="Bibliotekets blogg")

    batch = checked(blog, org.medarbetare, upload(b"date;metric;value\n2026-03-01;Video views;10\n"))

    assert (batch.status, batch.errors) == (ImportStatus.REFUSED, [[2, "Blogg har inga videovisningar."]])


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("tom.csv", b""),
        ("bild.csv", (SAMPLES / "not_csv.png").read_bytes()),
        ("okand.csv", (SAMPLES / "unknown_header.csv").read_bytes()),
    ],
)
def test_start_import_of_a_file_that_is_not_a_known_export_incomplete_nothing_recorded(org, name, content):
    channel = measured_channel(org, since=SINCE)

    with pytest.raises(Incomplete) as refused:
        imports.start_import(channel.pk, actor=org.medarbetare, upload=upload(content, name))

    assert list(refused.value.errors) == ["file"]
    assert MeasurementImport.objects.count() == 0


def test_start_import_of_a_file_over_the_limit_incomplete(org, monkeypatch):
    channel = measured_channel(org, since=SINCE)
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", len(GENERIC) - 1)

    with pytest.raises(Incomplete) as refused:
        imports.start_import(channel.pk, actor=org.medarbetare, upload=upload(GENERIC))

    assert refused.value.errors == {"file": ["Filen är större än 0 MB. Dela upp den i flera filer."]}


def test_start_import_by_someone_of_another_unit_not_allowed(org):
    channel = measured_channel(org, since=SINCE)

    with pytest.raises(NotAllowed):
        imports.start_import(channel.pk, actor=org.medarbetare2, upload=upload(GENERIC))

    assert MeasurementImport.objects.count() == 0


def test_reimport_of_the_same_file_adds_nothing_and_says_it_was_imported_before(org):
    channel = measured_channel(org, since=SINCE)
    first = saved(checked(channel, org.medarbetare, upload(GENERIC)), org.medarbetare)

    again = checked(channel, org.chef, upload(GENERIC))
    assert (again.created, again.changed, again.unchanged, imports.imported_before(again)) == (0, 0, 2, first)
    saved(again, org.chef)

    assert (Measurement.objects.count(), Measurement.history.count()) == (2, 2)


def test_import_of_an_overlapping_period_adds_the_new_and_previews_the_correction(org):
    channel = measured_channel(org, since=SINCE)
    saved(checked(channel, org.medarbetare, upload(GENERIC)), org.medarbetare)
    overlapping = GENERIC.replace(b"1 260", b"1 270") + b"2026-05-01;F\xc3\xb6ljare;1 300\r\n"

    batch = checked(channel, org.medarbetare, upload(overlapping))
    preview = [(measurement.on, measurement.value, new) for measurement, new in imports.corrections(batch)]
    saved(batch, org.medarbetare)

    assert (batch.created, batch.changed, batch.unchanged) == (1, 1, 1)
    assert preview == [(datetime.date(2026, 4, 1), Decimal("1260"), Decimal("1270"))]
    corrected = Measurement.objects.get(on=datetime.date(2026, 4, 1))
    assert [row.value for row in corrected.history.order_by("history_date", "history_id")] == [
        Decimal("1260"),
        Decimal("1270"),
    ]
    assert Measurement.objects.count() == 3


def test_save_import_when_a_value_was_entered_after_the_preview_saves_nothing(org):
    channel = measured_channel(org, since=SINCE)
    batch = checked(channel, org.medarbetare, upload(GENERIC))
    imports.confirm_import(batch.pk, actor=org.medarbetare, expected_revision=batch.revision)
    record_measurement(
        channel.pk, actor=org.chef, metric=Metric.FOLLOWERS, on=datetime.date(2026, 3, 1), value=Decimal("1199")
    )

    imports.save_import(batch.pk)

    refused = MeasurementImport.objects.get(pk=batch.pk)
    assert (refused.status, refused.error_count, stored()) == (
        ImportStatus.REFUSED,
        1,
        {(Metric.FOLLOWERS, Period.DAY, datetime.date(2026, 3, 1), Decimal("1199"))},
    )


def test_import_with_a_row_repeated_exactly_stores_it_once(org):
    channel = measured_channel(org, since=SINCE)
    repeated = GENERIC + b"2026-03-01;F\xc3\xb6ljare;1200\r\n"

    batch = saved(checked(channel, org.medarbetare, upload(repeated)), org.medarbetare)

    assert (batch.rows, batch.created, Measurement.objects.count()) == (3, 2, 2)


def test_save_import_run_twice_saves_once(org):
    channel = measured_channel(org, since=SINCE)
    batch = saved(checked(channel, org.medarbetare, upload(GENERIC)), org.medarbetare)

    assert imports.save_import(batch.pk) is False
    assert Measurement.history.count() == 2


def test_confirm_import_with_a_stale_revision_not_allowed(org):
    channel = measured_channel(org, since=SINCE)
    batch = checked(channel, org.medarbetare, upload(GENERIC))

    with pytest.raises(NotAllowed):
        imports.confirm_import(batch.pk, actor=org.medarbetare, expected_revision=batch.revision + 1)

    assert MeasurementImport.objects.get(pk=batch.pk).status == ImportStatus.CHECKED


def test_cancel_import_keeps_its_record_and_drops_the_file(org, django_capture_on_commit_callbacks):
    channel = measured_channel(org, since=SINCE)
    batch = checked(channel, org.medarbetare, upload(GENERIC))
    path = Path(batch.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        imports.cancel_import(batch.pk, actor=org.medarbetare)

    assert (MeasurementImport.objects.get(pk=batch.pk).status, path.exists(), stored()) == (
        ImportStatus.CANCELLED,
        False,
        set(),
    )


def test_import_week_values_are_stored_per_week(org):
    channel = measured_channel(org, since=SINCE)
    content = b"date;metric;value;period\n2026-03-02;Visits;410;week\n2026-03-09;Visits;388;week\n"

    saved(checked(channel, org.medarbetare, upload(content)), org.medarbetare)

    assert stored() == {
        (Metric.VISITS, Period.WEEK, datetime.date(2026, 3, 2), Decimal("410")),
        (Metric.VISITS, Period.WEEK, datetime.date(2026, 3, 9), Decimal("388")),
    }


# --- The command, for administrators and scripts ----------------------------------------------


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("import_measurements", *args, stdout=out)
    return out.getvalue()


def test_import_command_with_save_stores_the_file_in_the_users_name(org, tmp_path):
    channel = measured_channel(org, since=SINCE)
    path = tmp_path / "foljare.csv"
    path.write_bytes(GENERIC)

    output = run_command(str(path), "--channel", str(channel.pk), "--user", "medarbetare", "--save")

    assert "Saved: 2 new, 0 corrected." in output
    assert (stored(), MeasurementImport.objects.get().uploaded_by) == (
        {
            (Metric.FOLLOWERS, Period.DAY, datetime.date(2026, 3, 1), Decimal("1200")),
            (Metric.FOLLOWERS, Period.DAY, datetime.date(2026, 4, 1), Decimal("1260")),
        },
        org.medarbetare,
    )


def test_import_command_without_save_checks_only(org, tmp_path):
    channel = measured_channel(org, since=SINCE)
    path = tmp_path / "foljare.csv"
    path.write_bytes(GENERIC)

    output = run_command(str(path), "--channel", str(channel.pk), "--user", "medarbetare")

    assert "2 new" in output
    assert (stored(), MeasurementImport.objects.get().status) == (set(), ImportStatus.CANCELLED)


def test_import_command_bad_row_fails_with_its_line_and_saves_nothing(org, tmp_path):
    channel = measured_channel(org, since=SINCE)
    path = tmp_path / "fel.csv"
    path.write_bytes(b"datum;m\xc3\xa5tt;v\xc3\xa4rde\n2026-03-01;F\xc3\xb6ljare;-5\n")

    with pytest.raises(CommandError, match="1 rows refused"):
        run_command(str(path), "--channel", str(channel.pk), "--user", "medarbetare", "--save")

    assert stored() == set()


def test_import_command_by_someone_not_allowed_fails(org, tmp_path):
    channel = measured_channel(org, since=SINCE)
    path = tmp_path / "foljare.csv"
    path.write_bytes(GENERIC)

    with pytest.raises(CommandError):
        run_command(str(path), "--channel", str(channel.pk), "--user", "medarbetare2", "--save")

    assert MeasurementImport.objects.count() == 0
