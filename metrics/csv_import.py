"""Reading measurement files: the generic `date;metric;value` format and the platforms' own
exports (Meta Business Suite, YouTube Studio), in their Swedish and English interface languages.

Pure parsing: no database. `open_export` reads only the head of the file to learn its encoding,
delimiter and format (or refuses the whole file with a FormatError); `Export.rows` then streams
the rest through `csv.reader`, one ParsedRow per value or one RowError per problem, so a file of
any length is read in flat memory. What the formats are and which columns map to which metric
is documented for people in docs/csv-import.md; the tables below are the same, as data.

Decisions, each kept in one place below:
- A blank value ("" or "-") in a platform export means no data that day: the cell is skipped.
  In the generic format a person wrote the row, so a blank value is an error.
- Follower levels are never taken from a count of new follows (Meta "follows", YouTube
  "Subscribers", which is the net change per day): a LEVEL is a state at a date, and a daily
  gain would be stored as if it were the total. Only a column that says total is a level.
- Reach and unique viewers are not imported: the same person is counted again every day, so the
  daily values do not add up to a month (a COUNT metric is read per month by adding its days).
- "Content interactions" is the sum of reactions, comments and shares: not imported, as those
  are imported on their own and would be counted twice.
- YouTube's "Chart data" split per video holds only the videos drawn in the chart: refused, with
  a pointer to Totals.csv of the same export, which holds the channel's total per day.
- Periods: the generic format may say week or month (the date is then the week's Monday or the
  month's 1st); the platform exports are per day.
"""

import codecs
import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import BinaryIO

from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from plans.enums import Metric

from .enums import CATALOGUE, DERIVED, MetricKind, Period

HEAD_BYTES = 64 * 1024  # what is read to find the encoding, the delimiter and the header
MAX_PREAMBLE_LINES = 20  # title and description lines a header may sit below

FORMAT_LABELS = {
    "generic": _("Generic file (date;metric;value)"),
    "meta_business_suite": _("Meta Business Suite (Facebook/Instagram)"),
    "youtube_totals": _("YouTube Studio, totals"),
}


@dataclass(frozen=True)
class ParsedRow:
    line: int  # 1-based physical line number in the file (as a person counts in a text editor)
    on: datetime.date  # the day, or the first day of the week/month it covers
    period: str  # metrics.enums.Period value
    metric: str  # plans.enums.Metric value
    value: Decimal


@dataclass(frozen=True)
class RowError:
    line: int
    message: str  # lazy: Swedish when rendered in Swedish


class FormatError(Exception):
    """The file as a whole cannot be read; str(exc) is the message in the active language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self):
        return str(self.message)


_interpolate = lazy(lambda message, params: str(message) % params, str)


def _msg(message, **params):
    """A translatable message with its values, translated when it is rendered."""
    return _interpolate(message, params)


# --- Words -----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """A header or name as compared: no BOM, quotes or odd spaces, one case."""
    text = text.replace("\ufeff", "").replace("\u00a0", " ").strip().strip('"').strip()
    return re.sub(r"\s+", " ", text).casefold()


DATE_WORDS = {"date": "en", "datum": "sv"}
GENERIC_HEADERS = [
    ({"date", "datum"}, "date"),
    ({"metric", "mått", "matt"}, "metric"),
    ({"value", "värde", "varde"}, "value"),
]
PERIOD_HEADER = {"period"}
PERIOD_WORDS = {
    Period.DAY: {"day", "dag", "daily", Period.DAY.value},
    Period.WEEK: {"week", "vecka", Period.WEEK.value},
    Period.MONTH: {"month", "månad", Period.MONTH.value},
}

# Meta Business Suite: a column name or a title (of a Date,Primary file) → metric; None: known,
# deliberately not imported (see the module docstring). Names are compared after `_meta_key`,
# which drops the platform's name, so "Facebook visits" and "Besök på Facebook" are "visits".
META_NAMES: dict[str, str | None] = {
    "visits": Metric.VISITS,
    "page visits": Metric.VISITS,
    "profile visits": Metric.VISITS,
    "besök": Metric.VISITS,
    "sidbesök": Metric.VISITS,
    "profilbesök": Metric.VISITS,
    "besök profilen": Metric.VISITS,
    "besök profil": Metric.VISITS,
    "total followers": Metric.FOLLOWERS,
    "lifetime total likes": Metric.FOLLOWERS,
    "totalt antal följare": Metric.FOLLOWERS,
    "reactions": Metric.REACTIONS,
    "likes": Metric.REACTIONS,
    "reaktioner": Metric.REACTIONS,
    "gilla-markeringar": Metric.REACTIONS,
    "comments": Metric.COMMENTS,
    "kommentarer": Metric.COMMENTS,
    "shares": Metric.SHARES,
    "delningar": Metric.SHARES,
    "video views": Metric.VIDEO_VIEWS,
    "3-second video views": Metric.VIDEO_VIEWS,
    "videovisningar": Metric.VIDEO_VIEWS,
    "page views": Metric.PAGE_VIEWS,
    "sidvisningar": Metric.PAGE_VIEWS,
    # Known, not imported:
    "follows": None,
    "new follows": None,
    "followers": None,
    "new followers": None,
    "följare": None,
    "nya följare": None,
    "följningar": None,
    "reach": None,
    "räckvidd": None,
    "content interactions": None,
    "interactions": None,
    "engagement": None,
    "innehållsinteraktioner": None,
    "interaktioner": None,
    "views": None,
    "visningar": None,
    "viewers": None,
    "tittare": None,
    "link clicks": None,
    "länkklick": None,
}
META_GAINS = {"follows", "new follows", "followers", "new followers", "följare", "nya följare", "följningar"}
META_PRIMARY = {"primary": "en", "primär": "sv", "primar": "sv"}
META_ONLY = {name for name in META_NAMES if name not in {"comments", "kommentarer", "shares", "delningar"}}
META_SWEDISH = {
    "besök",
    "sidbesök",
    "profilbesök",
    "besök profilen",
    "besök profil",
    "totalt antal följare",
    "reaktioner",
    "gilla-markeringar",
    "kommentarer",
    "delningar",
    "videovisningar",
    "sidvisningar",
    "följare",
    "nya följare",
    "följningar",
    "räckvidd",
    "innehållsinteraktioner",
    "interaktioner",
    "visningar",
    "tittare",
    "länkklick",
}

# YouTube Studio: column → metric; None: known, not imported.
YOUTUBE_NAMES: dict[str, str | None] = {
    "views": Metric.VIDEO_VIEWS,
    "visningar": Metric.VIDEO_VIEWS,
    "comments added": Metric.COMMENTS,
    "comments": Metric.COMMENTS,
    "tillagda kommentarer": Metric.COMMENTS,
    "kommentarer": Metric.COMMENTS,
    "likes": Metric.REACTIONS,
    "gilla-markeringar": Metric.REACTIONS,
    "shares": Metric.SHARES,
    "delningar": Metric.SHARES,
    "total subscribers": Metric.FOLLOWERS,
    "totalt antal prenumeranter": Metric.FOLLOWERS,
    # Known, not imported:
    "subscribers": None,
    "prenumeranter": None,
    "subscribers gained": None,
    "subscribers lost": None,
    "nya prenumeranter": None,
    "förlorade prenumeranter": None,
    "watch time (hours)": None,
    "visningstid (timmar)": None,
    "average view duration": None,
    "genomsnittlig visningslängd": None,
    "impressions": None,
    "exponeringar": None,
    "impressions click-through rate (%)": None,
    "klickfrekvens för exponeringar (%)": None,
    "unique viewers": None,
    "unika tittare": None,
    "dislikes": None,
    "ogilla-markeringar": None,
}
YOUTUBE_ONLY = {
    name for name in YOUTUBE_NAMES if name not in {"comments", "kommentarer", "likes", "shares", "delningar"}
}
YOUTUBE_SWEDISH = {
    "visningar",
    "tillagda kommentarer",
    "kommentarer",
    "gilla-markeringar",
    "delningar",
    "totalt antal prenumeranter",
    "prenumeranter",
    "nya prenumeranter",
    "förlorade prenumeranter",
    "visningstid (timmar)",
    "genomsnittlig visningslängd",
    "exponeringar",
    "klickfrekvens för exponeringar (%)",
    "unika tittare",
    "ogilla-markeringar",
}
# A chart split by content (or another dimension) rather than the channel's total.
YOUTUBE_BREAKDOWN = {
    "content",
    "video title",
    "video publish time",
    "innehåll",
    "videotitel",
    "videons titel",
    "publiceringstid för video",
    "traffic source",
    "trafikkälla",
    "geography",
    "geografi",
}
TOTAL_WORDS = {"total", "totalt", "totals", "summa"}


def _meta_key(name: str) -> str:
    key = _norm(name).replace("facebook-", "").replace("instagram-", "")
    key = re.sub(r"\b(facebook|instagram|på|on|from)\b", " ", key)
    return re.sub(r"\s+", " ", key).strip()


def _names(value: str) -> set[str]:
    """A metric's value, English label and Swedish label, as compared."""
    names = {value}
    for language in ("en", "sv"):
        with translation.override(language):
            names.add(_norm(str(Metric(value).label)))
    return names


@cache
def _generic_metric_names() -> dict[str, str]:
    """Each measured metric (posts are derived, not measured) by any of its names."""
    return {name: value for value in CATALOGUE if value not in DERIVED for name in _names(value)}


@cache
def _derived_names() -> frozenset[str]:
    return frozenset(name for value in DERIVED for name in _names(value))


# --- Values and dates ------------------------------------------------------------------------

NO_DATA = {"", "-", "–", "—"}
SPACES = re.compile(r"[\s\u00a0\u2009\u202f\u2007']")
DIGITS = re.compile(r"\d+(\.\d+)?")
THOUSANDS_COMMA = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def parse_value(text: str, *, comma_thousands: bool = False) -> Decimal | None:
    """A number as people and platforms write it: "1 234,5" (any space as thousands
    separator), "1234.5", "1,234" when `comma_thousands` (English exports). None for no data;
    ValueError for anything else (the message says which), negative numbers included."""
    raw = text.strip()
    if raw in NO_DATA:
        return None
    compact = SPACES.sub("", raw).replace("\u2212", "-")
    if compact.startswith("-"):
        raise ValueError("negative")
    if "," in compact and "." in compact:
        if compact.rfind(",") > compact.rfind("."):
            compact = compact.replace(".", "").replace(",", ".")
        else:
            compact = compact.replace(",", "")
    elif "," in compact:
        if comma_thousands and THOUSANDS_COMMA.fullmatch(compact):
            compact = compact.replace(",", "")
        else:
            compact = compact.replace(",", ".")
    if not DIGITS.fullmatch(compact):
        raise ValueError("not a number")
    try:
        return Decimal(compact)
    except InvalidOperation as exc:  # pragma: no cover: the pattern above admits only numbers
        raise ValueError("not a number") from exc


ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?:,? \d{1,2}:\d{2}(?::\d{2})?(?: ?[AaPp][Mm])?)?")
MONTHS_EN = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTHS_SV = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
MONTHS = {name: number for names in (MONTHS_EN, MONTHS_SV) for number, name in enumerate(names, start=1)}
WORD_DATE_EN = re.compile(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})")  # Mar 1, 2026 (YouTube, en)
WORD_DATE_SV = re.compile(r"(\d{1,2}) ([a-zåäö]{3})[a-zåäö]*\.? (\d{4})")  # 1 mars 2026 (YouTube, sv)


def parse_date(text: str) -> datetime.date | None:
    """2026-03-01, 2026-03-01T00:00:00 (Meta), 2026-03-01 00:00:00, 03/01/2026 (Meta's English
    post exports: month first), Mar 1, 2026 and 1 mars 2026 (YouTube tables). None if unreadable."""
    raw = text.strip()
    try:
        if match := ISO_DATE.fullmatch(raw):
            year, month, day = (int(g) for g in match.groups())
        elif match := US_DATE.fullmatch(raw):
            month, day, year = (int(g) for g in match.groups())
        elif (match := WORD_DATE_EN.fullmatch(raw)) and match.group(1).casefold() in MONTHS:
            month, day, year = MONTHS[match.group(1).casefold()], int(match.group(2)), int(match.group(3))
        elif (match := WORD_DATE_SV.fullmatch(raw.casefold())) and match.group(2) in MONTHS:
            day, month, year = int(match.group(1)), MONTHS[match.group(2)], int(match.group(3))
        else:
            return None
        return datetime.date(year, month, day)
    except ValueError:
        return None


# --- Errors, in words a person can act on ----------------------------------------------------


def _date_error(line, text):
    return RowError(
        line,
        _msg(_("The date “%(text)s” cannot be read. Write it as 2026-03-01 (year-month-day)."), text=text.strip()),
    )


def _value_error(line, text, problem):
    if problem == "negative":
        message = _msg(_("The value “%(text)s” is negative. A measurement is zero or more."), text=text.strip())
    else:
        message = _msg(
            _("The value “%(text)s” is not a number. Write digits only, such as 1234 or 1 234,5."), text=text.strip()
        )
    return RowError(line, message)


def _future_error(line, on):
    return RowError(
        line, _msg(_("The date %(date)s is in the future. Measurements can only be imported for past days."), date=on)
    )


# --- The layouts of the known formats --------------------------------------------------------


@dataclass(frozen=True)
class _Layout:
    format: str
    language: str
    date_col: int
    values: tuple[tuple[int, str], ...] = ()  # platform exports: (column, metric)
    metric_col: int | None = None  # generic only
    value_col: int | None = None
    period_col: int | None = None

    def parse(self, line: int, cells: list[str], today: datetime.date | None) -> Iterator[ParsedRow | RowError]:
        if self.format == "generic":
            yield from self._generic(line, cells, today)
        else:
            yield from self._platform(line, cells, today)

    def _generic(self, line, cells, today):
        def cell(index):
            return cells[index] if index is not None and index < len(cells) else ""

        problems = []
        on = parse_date(cell(self.date_col))
        if on is None:
            problems.append(_date_error(line, cell(self.date_col)))
        metric = _generic_metric_names().get(_norm(cell(self.metric_col)))
        if metric is None:
            problems.append(_metric_error(line, cell(self.metric_col)))
        period = _period(cell(self.period_col))
        if period is None:
            text = cell(self.period_col).strip()
            message = _("The period “%(text)s” is not known. Write day, week or month, or leave it empty for a day.")
            problems.append(RowError(line, _msg(message, text=text)))
        value = None
        try:
            value = parse_value(cell(self.value_col))
            if value is None:
                problems.append(RowError(line, _("The value is missing. Write the number, or remove the row.")))
        except ValueError as exc:
            problems.append(_value_error(line, cell(self.value_col), str(exc)))
        if metric is not None and period is not None and period != Period.DAY:
            problems.extend(_period_problems(line, metric, period, on))
        if on is not None and today is not None and on > today:
            problems.append(_future_error(line, on))
        if problems:
            yield from problems
        else:
            yield ParsedRow(line=line, on=on, period=str(period), metric=metric, value=value)

    def _platform(self, line, cells, today):
        date_text = cells[self.date_col] if self.date_col < len(cells) else ""
        if _norm(date_text) in TOTAL_WORDS:
            return  # the total row of a YouTube table
        on = parse_date(date_text)
        if on is None:
            yield _date_error(line, date_text)
            return
        if today is not None and on > today:
            yield _future_error(line, on)
            return
        for column, metric in self.values:
            text = cells[column] if column < len(cells) else ""
            try:
                value = parse_value(text, comma_thousands=self.language == "en")
            except ValueError as exc:
                yield _value_error(line, text, str(exc))
                continue
            if value is not None:  # no data that day
                yield ParsedRow(line=line, on=on, period=Period.DAY.value, metric=metric, value=value)


def _period_problems(line, metric, period, on):
    if CATALOGUE[metric].kind == MetricKind.LEVEL:
        message = _("%(metric)s is a level at a date, not a count per period. Give it for a day.")
        yield RowError(line, _msg(message, metric=CATALOGUE[metric].metric.label))
    elif on is not None and period == Period.WEEK and on.weekday() != 0:
        message = _("A week starts on a Monday: write the date of its Monday, not %(date)s.")
        yield RowError(line, _msg(message, date=on))
    elif on is not None and period == Period.MONTH and on.day != 1:
        message = _("A month starts on the 1st: write the date of its 1st, not %(date)s.")
        yield RowError(line, _msg(message, date=on))


def _metric_error(line, text):
    if _norm(text) in _derived_names():
        return RowError(line, _("Posts are counted from the channel's update log and cannot be imported."))
    return RowError(
        line,
        _msg(_("The metric “%(text)s” is not known. Write one of: %(known)s."), text=text.strip(), known=_known()),
    )


_known = lazy(
    lambda: ", ".join(str(spec.metric.label).lower() for value, spec in CATALOGUE.items() if value not in DERIVED), str
)


def _period(text: str) -> Period | None:
    key = _norm(text)
    if not key:
        return Period.DAY
    for period, words in PERIOD_WORDS.items():
        if key in words:
            return period
    return None


def _detect(cells: list[str], titles: list[str]) -> _Layout | None:
    """The layout a header line names, or None. Raises FormatError for a known export that
    holds nothing we import (with what to do instead)."""
    names = [_norm(cell) for cell in cells]
    while names and not names[-1]:
        names.pop()
    if not names or names[0] not in DATE_WORDS:
        return None
    date_language = DATE_WORDS[names[0]]

    if len(names) in (3, 4) and all(names[i] in words for i, (words, _key) in enumerate(GENERIC_HEADERS)):
        if len(names) == 3 or names[3] in PERIOD_HEADER:
            return _Layout("generic", "", 0, metric_col=1, value_col=2, period_col=3 if len(names) == 4 else None)
        return None

    meta_keys = [_meta_key(cell) for cell in cells[: len(names)]]
    primary = [i for i, name in enumerate(names) if name in META_PRIMARY]
    if primary:
        title = titles[-1] if titles else ""
        metric = META_NAMES.get(_meta_key(title))
        if metric is None:
            raise FormatError(_meta_refusal(title))
        language = META_PRIMARY[names[primary[0]]]
        return _Layout("meta_business_suite", language, 0, values=((primary[0], str(metric)),))

    if any(key in META_ONLY for key in meta_keys[1:]) and not any(name in YOUTUBE_ONLY for name in names[1:]):
        values = tuple((i, str(META_NAMES[key])) for i, key in enumerate(meta_keys) if i and META_NAMES.get(key))
        if not values:
            raise FormatError(_meta_refusal(", ".join(cells[1 : len(names)])))
        swedish = date_language == "sv" or any(key in META_SWEDISH for key in meta_keys[1:])
        return _Layout("meta_business_suite", "sv" if swedish else "en", 0, values=values)

    if any(name in YOUTUBE_NAMES for name in names[1:]):
        if any(name in YOUTUBE_BREAKDOWN for name in names[1:]):
            raise FormatError(
                _(
                    "This is YouTube Studio's chart data split per video, which holds only the videos drawn in "
                    "the chart. Import the file Totals.csv from the same export instead: it holds the channel's "
                    "total per day."
                )
            )
        values = tuple((i, str(YOUTUBE_NAMES[name])) for i, name in enumerate(names) if i and YOUTUBE_NAMES.get(name))
        if not values:
            raise FormatError(
                _msg(
                    _(
                        "The YouTube Studio file holds %(columns)s, none of which is a measurement kept here. "
                        "Export views, comments, likes or shares."
                    ),
                    columns=", ".join(cells[1 : len(names)]),
                )
            )
        swedish = date_language == "sv" or any(name in YOUTUBE_SWEDISH for name in names[1:])
        return _Layout("youtube_totals", "sv" if swedish else "en", 0, values=values)
    return None


def _meta_refusal(title: str):
    if _meta_key(title) in META_GAINS:
        return _msg(
            _(
                "The file holds “%(title)s” from Meta Business Suite: new follows per day, not the number of "
                "followers. Followers are kept as the total at a date: enter the total by hand, or import it in "
                "the generic format."
            ),
            title=title.strip(),
        )
    return _msg(
        _(
            "The file holds “%(title)s” from Meta Business Suite, which is not a measurement kept here. "
            "Import visits, reactions, comments, shares, video views or page views."
        ),
        title=title.strip(),
    )


# --- Reading the file ------------------------------------------------------------------------

MAGIC = [
    (b"\x89PNG", _("a PNG picture")),
    (b"\xff\xd8\xff", _("a JPEG picture")),
    (b"GIF8", _("a GIF picture")),
    (b"%PDF", _("a PDF document")),
    (b"PK\x03\x04", _("an Excel workbook or another zipped file")),
    (b"\xd0\xcf\x11\xe0", _("an older Excel workbook")),
]


def _not_text(what=None):
    if what is None:
        return FormatError(_("The file is not text. Save it as CSV (comma- or semicolon-separated) and try again."))
    message = _("The file is %(what)s, not text. Save it as CSV (comma- or semicolon-separated) and try again.")
    return FormatError(_msg(message, what=what))


def _too_big(max_bytes: int):
    return FormatError(
        _msg(_("The file is larger than %(mb)d MB. Split it into several files."), mb=max(1, max_bytes // 2**20))
    )


class _Source(io.RawIOBase):
    """The head already read, then the rest of the stream, counting bytes against the limit."""

    def __init__(self, head: bytes, rest: BinaryIO, max_bytes: int):
        self._head = memoryview(head)
        self._rest = rest
        self._max = max_bytes
        self._count = len(head)

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        if not data:
            return 0
        self._count += len(data)
        if self._count > self._max:
            raise _too_big(self._max)
        buffer[: len(data)] = data
        return len(data)


def _read_head(stream: BinaryIO, max_bytes: int) -> bytes:
    chunks, size = [], 0
    while size < HEAD_BYTES:
        data = stream.read(HEAD_BYTES - size)
        if not data:
            break
        chunks.append(data)
        size += len(data)
    head = b"".join(chunks)
    if len(head) > max_bytes:
        raise _too_big(max_bytes)
    return head


def _remaining_size(stream: BinaryIO) -> int | None:
    try:
        here = stream.tell()
        end = stream.seek(0, io.SEEK_END)
        stream.seek(here)
    except (AttributeError, OSError, ValueError):
        return None
    return end - here


def _encoding(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    for magic, what in MAGIC:
        if head.startswith(magic):
            raise _not_text(what)
    if b"\x00" in head:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            return "utf-16-le"
        if even > len(head) // 4 and odd == 0:
            return "utf-16-be"
        raise _not_text()
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"  # Excel's "CSV (semicolon-separated)" on Swedish Windows
    return "utf-8"


def _is_text(text: str) -> bool:
    controls = sum(1 for char in text if (ord(char) < 32 and char not in "\t\r\n") or char == "\ufffd")
    return controls <= len(text) // 100


def _split_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


@dataclass(frozen=True)
class Export:
    """A file whose format is known: what it is, and its rows to stream (once)."""

    format: str
    format_label: str
    language: str
    _source: _Source = field(repr=False)
    _encoding: str = field(repr=False)
    _delimiter: str = field(repr=False)
    _header_line: int = field(repr=False)
    _layout: _Layout = field(repr=False)
    _today: datetime.date | None = field(repr=False)

    def rows(self) -> Iterator[ParsedRow | RowError]:
        """Every value of the file as a ParsedRow, every problem as a RowError, in file order.
        Empty lines are skipped. Streams: may be called once."""
        text = io.TextIOWrapper(io.BufferedReader(self._source), encoding=self._encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=self._delimiter)
        previous = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                yield RowError(
                    reader.line_num, _("The line cannot be read: check its quotation marks and line breaks.")
                )
                previous = reader.line_num
                continue
            line, previous = previous + 1, reader.line_num
            if reader.line_num <= self._header_line or not any(cell.strip() for cell in cells):
                continue
            yield from self._layout.parse(line, cells, self._today)


def open_export(stream: BinaryIO, *, max_bytes: int = 20 * 1024 * 1024, today: datetime.date | None = None) -> Export:
    """Read the head of `stream` to learn its encoding, delimiter and format. Raises FormatError
    for an empty file, a file that is not text, a file over `max_bytes`, or a header of no known
    format (the message names the known ones). With `today`, later dates are row errors."""
    remaining = _remaining_size(stream)
    if remaining is not None and remaining > max_bytes:
        raise _too_big(max_bytes)
    head = _read_head(stream, max_bytes)
    if not head.strip(b" \t\r\n\x00" + codecs.BOM_UTF8 + codecs.BOM_UTF16_LE):
        raise FormatError(_("The file is empty. Choose the file that holds the measurements."))
    encoding = _encoding(head)
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=len(head) < HEAD_BYTES)
    if not _is_text(text):
        raise _not_text()
    if not text.strip("\ufeff \t\r\n"):
        raise FormatError(_("The file is empty. Choose the file that holds the measurements."))
    lines = _split_lines(text.removeprefix("\ufeff"))
    if len(head) == HEAD_BYTES:
        lines = lines[:-1]  # the last line may be cut short
    hint, titles = None, []
    for number, line in enumerate(lines[:MAX_PREAMBLE_LINES], start=1):
        if re.fullmatch(r'"?sep=.?"?', line.strip(), flags=re.IGNORECASE):
            hint = line.strip().strip('"')[4:] or None  # Excel's separator line, as Meta writes it
            continue
        if not line.strip():
            continue
        for delimiter in [hint] if hint else [";", "\t", ","]:
            cells = next(csv.reader([line], delimiter=delimiter))
            layout = _detect(cells, titles)
            if layout is not None:
                return Export(
                    format=layout.format,
                    format_label=FORMAT_LABELS[layout.format],
                    language=layout.language,
                    _source=_Source(head, stream, max_bytes),
                    _encoding=encoding,
                    _delimiter=delimiter,
                    _header_line=number,
                    _layout=layout,
                    _today=today,
                )
        titles.append(next(csv.reader([line], delimiter=hint or ","), [""])[0])
    raise FormatError(
        _(
            "The file's columns match no known format. Known are: the generic file with the columns "
            "date;metric;value (or datum;mått;värde), Meta Business Suite's export of a Facebook or Instagram "
            "insight, and YouTube Studio's Totals.csv. See the import instructions."
        )
    )
