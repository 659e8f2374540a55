"""The CSV parser of the measurement import: every sample file to its exact rows, each tolerance
the platforms' exports need, each refusal with its message, and flat memory on a long file."""

import codecs
import datetime
import io
import tracemalloc
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from metrics.csv_import import FormatError, ParsedRow, RowError, open_export, parse_date, parse_value

SAMPLES = Path(__file__).parent / "samples"
TODAY = datetime.date(2026, 12, 3)


def row(line, on, metric, value, period="dag"):
    return ParsedRow(line=line, on=datetime.date.fromisoformat(on), period=period, metric=metric, value=Decimal(value))


def parse(data: bytes, today=TODAY):
    export = open_export(io.BytesIO(data), today=today)
    return [(r.line, str(r.message)) if isinstance(r, RowError) else r for r in export.rows()]


def parse_sample(name, today=TODAY):
    with open(SAMPLES / name, "rb") as stream, translation.override("en"):
        export = open_export(stream, today=today)
        return export, [(r.line, str(r.message)) if isinstance(r, RowError) else r for r in export.rows()]


def refusal(data: bytes) -> str:
    with pytest.raises(FormatError) as caught, translation.override("en"):
        open_export(io.BytesIO(data))
    with translation.override("en"):
        return str(caught.value)


# --- The sample files -------------------------------------------------------------------------


def test_sample_generic_semicolon_parses_to_its_rows():
    export, rows = parse_sample("generic_semicolon.csv")

    assert (export.format, export.language) == ("generic", "")
    assert rows == [
        row(2, "2026-03-01", "foljare", "1234"),
        row(3, "2026-03-01", "besok", "87"),
        row(4, "2026-03-02", "videovisningar", "2310"),
        row(5, "2026-03-02", "svarstid", "3.5"),
        row(6, "2026-03-02", "besok", "412", period="vecka"),
        row(7, "2026-02-01", "unika_besokare", "12045", period="manad"),
    ]


def test_sample_generic_comma_en_parses_below_its_title_rows():
    export, rows = parse_sample("generic_comma_en.csv")

    assert export.format == "generic"
    assert rows == [
        row(4, "2026-03-01", "foljare", "1250"),
        row(5, "2026-03-01", "kommentarer", "12.5"),
        row(6, "2026-03-02", "reaktioner", "40"),
    ]


def test_sample_meta_facebook_sv_parses_the_titled_series():
    export, rows = parse_sample("meta_facebook_sv.csv")

    assert (export.format, export.language, str(export.format_label)) == (
        "meta_business_suite",
        "sv",
        "Meta Business Suite (Facebook/Instagram)",
    )
    assert rows == [
        row(4, "2026-03-01", "besok", "112"),
        row(5, "2026-03-02", "besok", "1045"),
        row(6, "2026-03-03", "besok", "98"),
    ]


def test_sample_meta_instagram_en_skips_a_day_without_data_and_reads_thousands():
    export, rows = parse_sample("meta_instagram_en.csv")

    assert (export.format, export.language) == ("meta_business_suite", "en")
    assert rows == [row(4, "2026-03-01", "besok", "31"), row(6, "2026-03-03", "besok", "1204")]


def test_sample_meta_wide_sv_gives_one_row_per_mapped_cell():
    export, rows = parse_sample("meta_wide_sv.csv")

    assert (export.format, export.language) == ("meta_business_suite", "sv")
    assert rows == [
        row(2, "2026-03-01", "besok", "112"),
        row(2, "2026-03-01", "reaktioner", "48"),
        row(2, "2026-03-01", "kommentarer", "6"),
        row(2, "2026-03-01", "delningar", "3"),
        row(3, "2026-03-02", "besok", "98"),
        row(3, "2026-03-02", "kommentarer", "2"),
        row(3, "2026-03-02", "delningar", "0"),
    ]


def test_sample_youtube_totals_en_parses_views():
    export, rows = parse_sample("youtube_totals_en.csv")

    assert (export.format, export.language) == ("youtube_totals", "en")
    assert rows == [
        row(2, "2026-03-01", "videovisningar", "1523"),
        row(3, "2026-03-02", "videovisningar", "987"),
        row(4, "2026-03-03", "videovisningar", "0"),
    ]


def test_sample_youtube_utf16_skips_the_total_row_and_unmapped_columns():
    export, rows = parse_sample("youtube_utf16.csv")

    assert (export.format, export.language) == ("youtube_totals", "sv")
    assert rows == [
        row(3, "2026-03-01", "videovisningar", "1523"),
        row(3, "2026-03-01", "reaktioner", "51"),
        row(3, "2026-03-01", "delningar", "8"),
        row(4, "2026-03-02", "videovisningar", "987"),
        row(4, "2026-03-02", "reaktioner", "37"),
        row(4, "2026-03-02", "delningar", "4"),
    ]


def test_sample_bad_row_reports_each_bad_row_and_keeps_the_good_ones():
    _export, rows = parse_sample("bad_row.csv")

    assert rows == [
        row(2, "2026-03-01", "foljare", "1200"),
        (3, "The date “2026-03-32” cannot be read. Write it as 2026-03-01 (year-month-day)."),
        (4, "The value “-4” is negative. A measurement is zero or more."),
        (
            5,
            "The metric “gilla” is not known. Write one of: followers, visits, unique visitors, page views, "
            "video views, comments, reactions, shares, registrations to events, response time (hours).",
        ),
        (6, "The value “många” is not a number. Write digits only, such as 1234 or 1 234,5."),
        (7, "The value is missing. Write the number, or remove the row."),
        (8, "The date 2027-01-01 is in the future. Measurements can only be imported for past days."),
        row(9, "2026-03-07", "foljare", "1210"),
    ]


def test_sample_youtube_chart_data_sv_is_refused_with_a_pointer_to_totals():
    message = refusal((SAMPLES / "youtube_chart_data_sv.csv").read_bytes())

    assert message == (
        "This is YouTube Studio's chart data split per video, which holds only the videos drawn in the chart. "
        "Import the file Totals.csv from the same export instead: it holds the channel's total per day."
    )


def test_sample_meta_follows_is_refused_as_not_a_level():
    message = refusal((SAMPLES / "meta_facebook_follows_en.csv").read_bytes())

    assert message.startswith("The file holds “Facebook follows” from Meta Business Suite: new follows per day")


def test_sample_unknown_header_is_refused_naming_the_known_formats():
    message = refusal((SAMPLES / "unknown_header.csv").read_bytes())

    assert message == (
        "The file's columns match no known format. Known are: the generic file with the columns "
        "date;metric;value (or datum;mått;värde), Meta Business Suite's export of a Facebook or Instagram "
        "insight, and YouTube Studio's Totals.csv. See the import instructions."
    )


def test_sample_empty_is_refused():
    message = refusal((SAMPLES / "empty.csv").read_bytes())

    assert message == "The file is empty. Choose the file that holds the measurements."


def test_sample_png_is_refused_as_not_text():
    message = refusal((SAMPLES / "not_csv.png").read_bytes())

    assert message == (
        "The file is a PNG picture, not text. Save it as CSV (comma- or semicolon-separated) and try again."
    )


# --- Tolerance ----------------------------------------------------------------------------------

GENERIC = "datum;mått;värde\n2026-03-01;Följare;1200\n"


@pytest.mark.parametrize(
    "encoded",
    [
        GENERIC.encode("utf-8"),
        codecs.BOM_UTF8 + GENERIC.encode("utf-8"),
        codecs.BOM_UTF16_LE + GENERIC.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + GENERIC.encode("utf-16-be"),
        GENERIC.encode("cp1252"),
        GENERIC.replace("\n", "\r\n").encode("utf-8"),
    ],
    ids=["utf8", "utf8-bom", "utf16-le", "utf16-be", "cp1252", "crlf"],
)
def test_open_export_encodings_and_line_ends_give_the_same_row(encoded):
    rows = parse(encoded)

    assert rows == [row(2, "2026-03-01", "foljare", "1200")]


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_open_export_delimiter_is_sniffed_from_the_header(delimiter):
    data = delimiter.join(["date", "metric", "value"]) + "\n" + delimiter.join(["2026-03-01", "Followers", "7"])

    rows = parse(data.encode())

    assert rows == [row(2, "2026-03-01", "foljare", "7")]


def test_open_export_quoted_field_holds_the_delimiter():
    rows = parse(b'date,metric,value\n2026-03-01,"Response time (hours)","1,5"\n')

    assert rows == [row(2, "2026-03-01", "svarstid", "1.5")]


def test_open_export_metric_names_in_every_language_and_case():
    data = "datum;mått;värde\n2026-03-01;foljare;1\n2026-03-02;FOLLOWERS;2\n2026-03-03;följare;3\n"

    rows = parse(data.encode())

    assert [r.metric for r in rows] == ["foljare", "foljare", "foljare"]


def test_open_export_posts_are_refused_as_derived():
    with translation.override("en"):
        rows = parse("datum;mått;värde\n2026-03-01;Inlägg;3\n".encode())

    assert rows == [(2, "Posts are counted from the channel's update log and cannot be imported.")]


def test_open_export_week_must_start_on_monday_and_level_must_be_a_day():
    data = "date;metric;value;period\n2026-03-03;visits;5;week\n2026-03-02;followers;5;month\n"
    data += "2026-03-02;visits;5;week\n"

    with translation.override("en"):
        rows = parse(data.encode())

    assert rows == [
        (2, "A week starts on a Monday: write the date of its Monday, not 2026-03-03."),
        (3, "Followers is a level at a date, not a count per period. Give it for a day."),
        row(4, "2026-03-02", "besok", "5", period="vecka"),
    ]


def test_open_export_empty_trailing_rows_are_ignored_and_line_numbers_count_blank_lines():
    rows = parse(b"date;metric;value\n\n2026-03-01;visits;5\n;;\n\n\n")

    assert rows == [row(3, "2026-03-01", "besok", "5")]


def test_open_export_quoted_line_break_keeps_later_line_numbers_physical():
    rows = parse(b'Title\n"a description\nover two lines"\ndate;metric;value\n2026-03-01;visits;5\n')

    assert rows == [row(5, "2026-03-01", "besok", "5")]


def test_open_export_future_dates_pass_without_today():
    rows = parse(b"date;metric;value\n2099-01-01;visits;5\n", today=None)

    assert rows == [row(2, "2099-01-01", "besok", "5")]


def test_open_export_file_over_the_limit_is_refused_before_reading():
    stream = io.BytesIO(b"date;metric;value\n" + b"2026-03-01;visits;5\n" * 100)

    with pytest.raises(FormatError) as caught:
        open_export(stream, max_bytes=1024)

    with translation.override("sv"):  # the lead's msgid, already in the catalogue
        assert str(caught.value) == "Filen är större än 1 MB. Dela upp den i flera filer."


class Unseekable(io.RawIOBase):
    def __init__(self, data):
        self._data = io.BytesIO(data)

    def readable(self):
        return True

    def readinto(self, buffer):
        return self._data.readinto(buffer)


def test_open_export_unseekable_file_over_the_limit_is_refused_while_reading():
    data = b"date;metric;value\n" + b"2026-03-01;visits;5\n" * 10_000
    export = open_export(Unseekable(data), max_bytes=100_000)

    with pytest.raises(FormatError):
        list(export.rows())

    assert len(data) > 100_000


def test_open_export_binary_without_magic_is_refused():
    message = refusal(bytes(range(256)) * 4)

    assert message == "The file is not text. Save it as CSV (comma- or semicolon-separated) and try again."


def test_open_export_xlsx_renamed_csv_is_refused():
    message = refusal(b"PK\x03\x04" + b"\x00" * 100)

    assert message.startswith("The file is an Excel workbook or another zipped file, not text.")


@pytest.mark.parametrize(
    ("text", "comma_thousands", "expected"),
    [
        ("1 234,5", False, Decimal("1234.5")),
        ("1\u00a0234", False, Decimal("1234")),
        ("12\u2009045", False, Decimal("12045")),
        ("1\u202f000\u202f000", False, Decimal("1000000")),
        ("1,234", True, Decimal("1234")),
        ("1,5", True, Decimal("1.5")),
        ("1,234.5", True, Decimal("1234.5")),
        ("1.234,5", False, Decimal("1234.5")),
        ("0.25", False, Decimal("0.25")),
        ("", False, None),
        ("-", False, None),
    ],
)
def test_parse_value_written_forms(text, comma_thousands, expected):
    assert parse_value(text, comma_thousands=comma_thousands) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("abc", "not a number"),
        ("NaN", "not a number"),
        ("Infinity", "not a number"),
        ("12%", "not a number"),
        ("1e5", "not a number"),
        ("−3", "negative"),
        ("-3", "negative"),
    ],
)
def test_parse_value_refuses_what_is_not_a_count(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_value(text)


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "2026-03-01T00:00:00",
        "2026-03-01 00:00:00",
        "03/01/2026",
        "03/01/2026 14:05",
        "Mar 1, 2026",
        "1 mars 2026",
    ],
)
def test_parse_date_written_forms(text):
    assert parse_date(text) == datetime.date(2026, 3, 1)


# --- Memory -----------------------------------------------------------------------------------


def test_open_export_streams_a_long_file_in_flat_memory():
    lines = (f"2025-{1 + i % 12:02d}-{1 + i % 28:02d};besok;{i}\n" for i in range(100_000))
    data = ("datum;mått;värde\n" + "".join(lines)).encode()
    stream = io.BytesIO(data)

    tracemalloc.start()
    count = sum(1 for parsed in open_export(stream, today=TODAY).rows() if isinstance(parsed, ParsedRow))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert (count, len(data) > 2_000_000) == (100_000, True)
    assert peak < 5 * 2**20
