"""CSV files for people in a spreadsheet, written once for every export: Swedish Excel expects
semicolons (the comma is the decimal separator there) and a byte order mark to read UTF-8 (å, ä,
ö); a cell that starts like a formula is quoted, so that no text from a user runs as one (CSV
injection). Imports no app."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse, StreamingHttpResponse

DELIMITER = ";"
BOM = "\ufeff"
# Cells starting with these are formulas to a spreadsheet: quoted with an apostrophe.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> str:
    """One cell's text, with a formula-like start made harmless."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    """The file's text, line by line: the byte order mark and the header first, every cell through
    `cell`, CRLF line ends."""
    writer = csv.writer(_Echo(), delimiter=DELIMITER, lineterminator="\r\n")
    yield BOM + writer.writerow([cell(name) for name in header])
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def csv_response(
    filename: str, header: list[str], rows: Iterable[Iterable], *, stream: bool = False
) -> HttpResponse | StreamingHttpResponse:
    """A CSV download. `stream`: sent as its rows are read, so a long export holds no list in
    memory (and cannot be cached whole)."""
    lines = csv_lines(header, rows)
    content_type = "text/csv; charset=utf-8"
    response = (
        StreamingHttpResponse(lines, content_type=content_type)
        if stream
        else HttpResponse("".join(lines), content_type=content_type)
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
