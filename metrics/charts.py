"""Server-rendered SVG charts with their data as a table, for pages and for WeasyPrint alike.

Each chart is one `<figure>`: a `<figcaption>`, an `<svg role="img">` named by its `<title>` and
`<desc>` (a sentence in words) through `aria-labelledby`, and a `<table>` of the same data. No
script, no `style` attribute and no `<style>` element (the Content Security Policy forbids inline
style): the look is in static CSS through the `chart__*` classes. The few presentation attributes
(stroke, fill, font-size, stroke-dasharray) are defaults for a PDF that has not loaded that CSS;
CSS overrides them. Only SVG 1.1 elements: g, line, polyline, rect, circle, text, title, desc.

The plot has a fixed viewBox (`WIDTH` × `HEIGHT`) and scales with the width of its container. The
value axis starts at 0 (every metric counts something, and bars need it) and ends at a round value
above the highest point, target and projection. Ids are `id_prefix` plus a suffix; without a
prefix one is derived from the chart's content, so the same chart renders to the same bytes (the
signed PDF is fingerprinted); give a prefix when one page may show the same chart twice.
"""

import hashlib
import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext

from .progress import format_number

WIDTH, HEIGHT = 640, 240
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = Decimal(64), Decimal(624), Decimal(36), Decimal(208)
# The legend is a row above the plot; a label's width is estimated (no text metrics on the server).
LEGEND_Y, LEGEND_SAMPLE, CHARACTER_WIDTH = Decimal(14), Decimal(24), Decimal(7)
# Date labels closer than this on the axis would overlap: the less important one is left out.
LABEL_GAP = Decimal(72)
# At most this many week labels under a rhythm chart: every n-th week is labelled.
WEEK_LABELS = 8

INK, MUTED, LINE, BRAND, OK, BAD = "#1b1f24", "#4a5360", "#c9ced6", "#00466e", "#1d6b35", "#b0221b"


def _c(value: Decimal) -> str:
    """A coordinate, to a tenth of a unit."""
    return f"{value:.1f}"


def _axis_date(day: date, *, with_year: bool = False) -> str:
    if with_year:
        # Translators: a date under a chart's axis, as Django's date format: Swedish "j b Y" (3 jan 2027).
        return formats.date_format(day, pgettext("chart axis date", "j M Y"))
    # Translators: a date under a chart's axis, as Django's date format: Swedish "j b" (3 jan).
    return formats.date_format(day, pgettext("chart axis date", "j M"))


def _ticks(high: Decimal, *, whole: bool = False) -> list[Decimal]:
    """Round values from 0 up to at or above `high`, about four steps."""
    high = max(Decimal(high), Decimal(1))
    raw = high / 4
    magnitude = Decimal(1).scaleb(raw.adjusted())
    steps = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
    step = next(m * magnitude for m in steps if m * magnitude >= raw)
    if whole:
        step = max(Decimal(1), Decimal(math.ceil(step)))
    count = math.ceil(high / step)
    return [step * i for i in range(count + 1)]


def _prefix(id_prefix: str | None, *content) -> str:
    if id_prefix:
        return id_prefix
    return "chart-" + hashlib.sha256(repr(tuple(str(part) for part in content)).encode()).hexdigest()[:10]


def _empty(title, text: str) -> SafeString:
    return format_html(
        '<figure class="chart chart--empty"><figcaption class="chart__caption">{}</figcaption>'
        '<p class="chart__empty">{}</p></figure>',
        title,
        text,
    )


def _value_axis(ticks: list[Decimal], y) -> list[SafeString]:
    parts = []
    for tick in ticks:
        parts.append(
            format_html(
                '<line class="chart__grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>'
                '<text class="chart__label chart__label--value" x="{}" y="{}" text-anchor="end" font-size="12"'
                ' fill="{}">{}</text>',
                _c(PLOT_LEFT),
                _c(y(tick)),
                _c(PLOT_RIGHT),
                _c(y(tick)),
                LINE,
                _c(PLOT_LEFT - 8),
                _c(y(tick) + 4),
                MUTED,
                format_number(tick),
            )
        )
    return parts


def _date_label(x: Decimal, text: str) -> SafeString:
    anchor = "start" if x - PLOT_LEFT < LABEL_GAP / 2 else "end" if PLOT_RIGHT - x < LABEL_GAP / 2 else "middle"
    return format_html(
        '<text class="chart__label chart__label--date" x="{}" y="{}" text-anchor="{}" font-size="12"'
        ' fill="{}">{}</text>',
        _c(x),
        _c(PLOT_BOTTOM + 20),
        anchor,
        MUTED,
        text,
    )


def _target_line(y: Decimal) -> SafeString:
    return format_html(
        '<line class="chart__target" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"'
        ' stroke-dasharray="8 5"/>',
        _c(PLOT_LEFT),
        _c(y),
        _c(PLOT_RIGHT),
        _c(y),
        OK,
    )


def _legend(entries: list[tuple[str, str, str, str]]) -> list[SafeString]:
    """A row above the plot: per entry (class, stroke, dasharray, label) a short sample line and
    its label, so the dashed and dotted lines are told apart by their pattern, not colour alone."""
    parts, left = [], PLOT_LEFT
    for css_class, stroke, dasharray, label in entries:
        parts.append(
            format_html(
                '<g class="chart__legend"><line class="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"'
                ' stroke-dasharray="{}"/><text class="chart__label chart__label--legend" x="{}" y="{}" font-size="12"'
                ' fill="{}">{}</text></g>',
                css_class,
                _c(left),
                _c(LEGEND_Y - 4),
                _c(left + LEGEND_SAMPLE),
                _c(LEGEND_Y - 4),
                stroke,
                dasharray,
                _c(left + LEGEND_SAMPLE + 6),
                _c(LEGEND_Y),
                INK,
                label,
            )
        )
        left += LEGEND_SAMPLE + 6 + CHARACTER_WIDTH * len(label) + 20
    return parts


def _svg(prefix: str, title, desc: str, body: list[SafeString]) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart__svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' role="img" aria-labelledby="{p}-title {p}-desc"><title id="{p}-title">{title}</title>'
        '<desc id="{p}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=HEIGHT,
        p=prefix,
        title=title,
        desc=desc,
        body=mark_safe("".join(body)),  # noqa: S308 -- every part is built by format_html
    )


def _sentence(parts: list[str]) -> str:
    return capfirst("; ".join(parts)) + "."


def goal_chart(
    *,
    title: str,
    points: Iterable[tuple[date, Decimal]],
    target: Decimal | None,
    projection: tuple[tuple[date, Decimal], tuple[date, Decimal]] | None,
    unit: str,
    id_prefix: str | None = None,
) -> SafeString:
    """A goal's measurements as a line with a point per measurement, its target as a dashed
    line and its projection as a dotted line (from `projection[0]`, the last point, to
    `projection[1]`, the value at the deadline); the same data as a table below."""
    points = sorted((day, Decimal(value)) for day, value in points)
    if not points:
        return _empty(title, gettext("No measurements yet."))
    target = None if target is None else Decimal(target)
    if projection:
        projection = tuple((day, Decimal(value)) for day, value in projection)
    prefix = _prefix(id_prefix, title, points, target, projection, unit)

    days = [day for day, _value in points] + ([projection[1][0]] if projection else [])
    first, end = min(days), max(days)
    span = (end - first).days
    highs = [value for _day, value in points] + [target or 0] + ([projection[1][1]] if projection else [])
    ticks = _ticks(max(highs))

    def x(day: date) -> Decimal:
        return PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * (day - first).days / span if span else PLOT_LEFT

    def y(value: Decimal) -> Decimal:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / ticks[-1]

    body = _value_axis(ticks, y)
    labels: list[tuple[Decimal, date]] = []
    for day in [first] + ([projection[1][0]] if projection else []) + [points[-1][0]]:
        if all(abs(x(day) - placed) >= LABEL_GAP for placed, _day in labels):
            labels.append((x(day), day))
    with_year = first.year != end.year
    body += [_date_label(place, _axis_date(day, with_year=with_year)) for place, day in labels]
    legend = []
    if target is not None:
        body.append(_target_line(y(target)))
        label = gettext("Target %(value)s") % {"value": format_number(target)}
        legend.append(("chart__target", OK, "8 5", label))
    if projection:
        (start_day, start_value), (end_day, end_value) = projection
        body.append(
            format_html(
                '<line class="chart__projection" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"'
                ' stroke-dasharray="2 4"/>',
                _c(x(start_day)),
                _c(y(start_value)),
                _c(x(end_day)),
                _c(y(end_value)),
                MUTED,
            )
        )
        legend.append(("chart__projection", MUTED, "2 4", gettext("Projection")))
    body += _legend(legend)
    body.append(
        format_html(
            '<polyline class="chart__line" points="{}" fill="none" stroke="{}" stroke-width="2"/>',
            " ".join(f"{_c(x(day))},{_c(y(value))}" for day, value in points),
            BRAND,
        )
    )
    body += [
        format_html('<circle class="chart__point" cx="{}" cy="{}" r="3.5" fill="{}"/>', _c(x(day)), _c(y(value)), BRAND)
        for day, value in points
    ]

    last_day, last_value = points[-1]
    if len(points) == 1:
        told = [
            gettext("one measurement, %(value)s %(unit)s on %(day)s")
            % {"value": format_number(last_value), "unit": unit, "day": formats.date_format(last_day)}
        ]
    else:
        told = [
            ngettext(
                "%(count)s measurement from %(first)s to %(last)s, the latest %(value)s %(unit)s",
                "%(count)s measurements from %(first)s to %(last)s, the latest %(value)s %(unit)s",
                len(points),
            )
            % {
                "count": len(points),
                "first": formats.date_format(points[0][0]),
                "last": formats.date_format(last_day),
                "value": format_number(last_value),
                "unit": unit,
            }
        ]
    footer = []
    if target is not None:
        told.append(gettext("target %(value)s %(unit)s") % {"value": format_number(target), "unit": unit})
        footer.append((gettext("Target"), format_number(target)))
    if projection:
        end_day, end_value = projection[1]
        shown = {"value": format_number(end_value), "unit": unit, "day": formats.date_format(end_day)}
        told.append(gettext("projected %(value)s %(unit)s on %(day)s") % shown)
        footer.append((gettext("Projection, %(day)s") % shown, shown["value"]))

    table = format_html(
        '<table class="chart__table"><caption>{}</caption><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
        "</tr></thead><tbody>{}</tbody>{}</table>",
        gettext("The measurements as a table"),
        gettext("Date"),
        capfirst(unit),
        format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td></tr>',
            ((formats.date_format(day), format_number(value)) for day, value in points),
        ),
        format_html("<tfoot>{}</tfoot>", format_html_join("", '<tr><th scope="row">{}</th><td>{}</td></tr>', footer))
        if footer
        else "",
    )
    return format_html(
        '<figure class="chart"><figcaption class="chart__caption">{}</figcaption>{}{}</figure>',
        title,
        _svg(prefix, title, _sentence(told), body),
        table,
    )


def rhythm_chart(
    *,
    title: str,
    weeks: list[tuple[date, int]],
    required_per_week: Decimal | None,
    id_prefix: str | None = None,
) -> SafeString:
    """Posts per week as bars (a week by its Monday), the required number a week as a dashed
    line; a week below it is a `chart__bar--short` bar (its height against the line, and the
    table, say so too, not the colour alone). A week without posts shows a 2-unit stub."""
    weeks = sorted(weeks)
    if not weeks:
        return _empty(title, gettext("No weeks to show yet."))
    required = None if required_per_week is None else Decimal(required_per_week)
    prefix = _prefix(id_prefix, title, weeks, required)
    ticks = _ticks(max([Decimal(count) for _monday, count in weeks] + [required or 0]), whole=True)

    def y(value: Decimal) -> Decimal:
        return PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * value / ticks[-1]

    band = (PLOT_RIGHT - PLOT_LEFT) / len(weeks)
    bar = band * Decimal("0.6")
    every = math.ceil(len(weeks) / WEEK_LABELS)
    with_year = weeks[0][0].year != weeks[-1][0].year
    body = _value_axis(ticks, y)
    short_weeks = 0
    for index, (monday, count) in enumerate(weeks):
        short = required is not None and count < required
        short_weeks += short
        left = PLOT_LEFT + band * index + (band - bar) / 2
        height = max(PLOT_BOTTOM - y(Decimal(count)), Decimal(2))
        body.append(
            format_html(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                "chart__bar chart__bar--short" if short else "chart__bar",
                _c(left),
                _c(PLOT_BOTTOM - height),
                _c(bar),
                _c(height),
                BAD if short else BRAND,
            )
        )
        if index % every == 0:
            body.append(
                format_html(
                    '<text class="chart__label chart__label--date" x="{}" y="{}" text-anchor="middle" font-size="12"'
                    ' fill="{}">{}</text>',
                    _c(left + bar / 2),
                    _c(PLOT_BOTTOM + 20),
                    MUTED,
                    _axis_date(monday, with_year=with_year),
                )
            )
    if required is not None:
        body.append(_target_line(y(required)))
        label = gettext("Required %(value)s a week") % {"value": format_number(required)}
        body += _legend([("chart__target", OK, "8 5", label)])

    told = [
        ngettext("%(count)s week from %(first)s to %(last)s", "%(count)s weeks from %(first)s to %(last)s", len(weeks))
        % {
            "count": len(weeks),
            "first": formats.date_format(weeks[0][0]),
            "last": formats.date_format(weeks[-1][0]),
        }
    ]
    if required is not None:
        told.append(
            ngettext(
                "%(count)s week had fewer posts than the required %(required)s",
                "%(count)s weeks had fewer posts than the required %(required)s",
                short_weeks,
            )
            % {"count": short_weeks, "required": format_number(required)}
        )

    met_header = format_html('<th scope="col">{}</th>', gettext("Requirement met")) if required is not None else ""
    rows = []
    for monday, count in weeks:
        met = ""
        if required is not None:
            met = format_html("<td>{}</td>", gettext("Yes") if count >= required else gettext("No"))
        rows.append(
            format_html('<tr><th scope="row">{}</th><td>{}</td>{}</tr>', formats.date_format(monday), count, met)
        )
    table = format_html(
        '<table class="chart__table"><caption>{}</caption><thead><tr><th scope="col">{}</th><th scope="col">{}</th>'
        "{}</tr></thead><tbody>{}</tbody></table>",
        gettext("Posts per week as a table"),
        gettext("Week starting"),
        gettext("Posts"),
        met_header,
        mark_safe("".join(rows)),  # noqa: S308 -- every row is built by format_html
    )
    return format_html(
        '<figure class="chart"><figcaption class="chart__caption">{}</figcaption>{}{}</figure>',
        title,
        _svg(prefix, title, _sentence(told), body),
        table,
    )
