"""The overview: every channel in scope (rules.channels_in_scope) as a row and its state as
columns, the totals on top, the resources per unit, and the table as CSV.

Every read is a fixed number of queries whatever the number of channels (queries.py); a cell's
light is the one kept with the channel's standing, and its reason is said from the kept facts
(lights.judge_all on the day they were judged), in the reader's language.
"""

import datetime
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.domain.calendar import calendar_owner, new_calendar_token, revoke_calendar_token
from accounts.models import CalendarFeed
from audit import domain as audit
from kob_social.spreadsheets import csv_response
from metrics.charts import rhythm_chart
from plans.pdf import STATIC_PREFIX, page_label_parts, render_document
from plans.views.inbox import escalation_box

from . import queries, rules
from .calendar import duties_calendar
from .enums import Column, Light
from .facts import Facts
from .forms import OverviewFilterForm
from .lights import judge_all
from .models import Standing

PAGE_SIZE = 50
EXPORT_CHUNK = 500
LIGHT_CLASSES = {
    Light.GREEN: "status--green",
    Light.AMBER: "status--amber",
    Light.RED: "status--red",
    Light.NONE: "status--neutral",
}
# Where each column's problem is fixed: (URL name, anchor) of the channel's pages.
FIX = {
    Column.PLAN: ("channel_register:detail", "#plans-heading"),
    Column.RHYTHM: ("channel_register:update_log", ""),
    Column.ROSTER: ("channel_register:roster", ""),
    Column.SCREENSHOTS: ("channel_register:detail", "#screenshots-heading"),
    Column.INVENTORY: ("channel_register:inventory", ""),
    Column.TRAINING: ("channel_register:detail", "#people-heading"),
    Column.GOALS: ("metrics:channel", "#goals-heading"),
    Column.EVALUATION: ("metrics:channel", "#evaluation-heading"),
}


class Links:
    """The channels' pages' addresses, each URL name reversed once (a page of the overview links
    fifty channels in up to nine ways each: reversing each link costs more than the page's queries)."""

    PLACEHOLDER = 2147483647

    def __init__(self):
        self.patterns: dict[str, str] = {}

    def __call__(self, name: str, channel_id: int, anchor: str = "") -> str:
        pattern = self.patterns.get(name)
        if pattern is None:
            pattern = reverse(name, args=[self.PLACEHOLDER]).replace(str(self.PLACEHOLDER), "{}")
            self.patterns[name] = pattern
        return pattern.format(channel_id) + anchor

    def fix(self, column: Column, channel_id: int) -> str:
        """Where the problem of `column` is fixed."""
        name, anchor = FIX[column]
        return self(name, channel_id, anchor)


def light_labels() -> dict[Light, str]:
    """Each light in words, in the active language."""
    return {light: str(light.label) for light in Light}


def row_of(standing, links: Links | None = None, labels: dict[Light, str] | None = None) -> dict:
    """One channel's row: its cells in column order, each with its light (in words), reason and,
    when something is wrong, the link to where it is fixed. A page passes one `links` and
    `labels` for all its rows."""
    links = links or Links()
    labels = labels or light_labels()
    cells = judge_all(Facts.from_json(standing.facts), today=standing.judged_on)
    row = {
        "standing": standing,
        "channel": standing.channel,
        "url": links("channel_register:detail", standing.channel_id),
        "cells": [
            {
                "column": column,
                "light": cell.light,
                "label": labels[cell.light],
                "class": LIGHT_CLASSES[cell.light],
                "reason": cell.reason,
                "url": links.fix(column, standing.channel_id) if cell.light in (Light.AMBER, Light.RED) else "",
            }
            for column, cell in cells.items()
        ],
    }
    for cell in row["cells"]:
        # The table's cell, written here: four hundred cells a page cost the template engine more
        # than the rest of the page (escaped as a template would: format_html).
        reason = (
            format_html('<a href="{}">{}</a>', cell["url"], cell["reason"])
            if cell["url"]
            else format_html('<span class="overview-cell__reason">{}</span>', cell["reason"])
        )
        cell["html"] = format_html('<span class="status {}">{}</span> {}', cell["class"], cell["label"], reason)
    return row


def rows_of(standings) -> list[dict]:
    """The rows of a page, the labels in the reader's language read once."""
    links, labels = Links(), light_labels()
    return [row_of(standing, links, labels) for standing in standings]


@login_required
@require_safe
def overview(request):
    user = request.user
    channels = rules.channels_in_scope(user)
    form = OverviewFilterForm(request.GET or None, units=queries.units_of(channels))
    filters = form.filters()
    page = Paginator(queries.standings(channels, filters), PAGE_SIZE).get_page(request.GET.get("sida"))
    query_string = request.GET.copy()
    query_string.pop("sida", None)
    today = timezone.localdate()
    context = {
        "form": form,
        "page": page,
        "rows": rows_of(page.object_list),
        "columns": list(Column),
        "query_string": query_string.urlencode(),
        "scope": rules.SCOPE_LABELS[rules.scope_of(user)],
        "totals": queries.totals(channels, waiting=queries.waiting_in_scope(channels), year=today.year),
        "loads": queries.unit_loads(channels),
        "today": today,
        "previous_half": f"{today.year}-1" if today.month > 6 else f"{today.year - 1}-2",
        **escalation_box(user),
    }
    return render(request, "overview/overview.html", context)


@login_required
@require_safe
def overview_csv(request):
    """The filtered table as CSV (every row, not one page), streamed a chunk at a time."""
    user = request.user
    channels = rules.channels_in_scope(user)
    filters = OverviewFilterForm(request.GET or None, units=queries.units_of(channels)).filters()
    rows = queries.standings(channels, filters)
    header = [_("Channel"), _("Platform"), _("Unit"), _("Status"), _("Address")]
    for column in Column:
        header += [str(column.label), _("%(column)s: why") % {"column": column.label}]

    links, labels = Links(), light_labels()

    def lines():
        for standing in rows.iterator(chunk_size=EXPORT_CHUNK):
            channel = standing.channel
            line = [
                channel.name,
                channel.get_platform_display(),
                channel.unit.name,
                channel.get_status_display(),
                channel.url,
            ]
            for cell in row_of(standing, links, labels)["cells"]:
                line += [cell["label"], cell["reason"]]
            yield line

    today = timezone.localdate()
    audit.record(
        "overview.exported", object_label=f"oversikt-{today.isoformat()}.csv", reason=request.GET.urlencode()[:500]
    )
    return csv_response(f"oversikt-{today.isoformat()}.csv", header, lines(), stream=True)


# --- On the channel's page --------------------------------------------------------------------------


def with_standing(channels):
    """The channel page's query (channel_register.hooks.add_page_query): the standing joined."""
    return channels.select_related("standing")


def channel_page_section(request, channel) -> dict:
    """The channel page's section "Needs attention" (registered through channel_register.hooks):
    the channel's amber and red cells, with the same reasons and links as the overview. One query
    (the channel's standing), none when it came with the channel (with_standing); nothing when it
    has none yet or everything is well."""
    try:
        standing = channel.standing
    except Standing.DoesNotExist:
        standing = None
    if standing is None:
        return {"page_sections": {}}
    cells = [cell for cell in row_of(standing)["cells"] if cell["light"] in (Light.AMBER, Light.RED)]
    return {
        "page_sections": {"attention": "overview/includes/attention.html"},
        "attention": cells,
        "attention_judged_on": standing.judged_on,
    }


# --- The half-year report ---------------------------------------------------------------------------

REPORT_ROWS = 200
REPORT_STYLESHEETS = ("pdf/plan.css", "pdf/charts.css", "pdf/overview.css")


def chosen_half(request, today: datetime.date) -> tuple[int, int]:
    """The half year asked for as `halvar=2027-1` (year, half), or the current one; a half year
    that has not begun is the current one."""
    current = (today.year, 1 if today.month <= 6 else 2)
    try:
        year, half = (int(part) for part in request.GET.get("halvar", "").split("-"))
    except ValueError:
        return current
    if half not in (1, 2) or year < 2000 or (year, half) > current:
        return current
    return year, half


@login_required
@require_safe
def overview_report(request):
    """The overview of a half year as a PDF/A report, through the signed plan's PDF machinery
    (plans.pdf.render_document): the numbers, the updates per week of the half year against the
    plans' rhythm (the measuring pages' chart), the channels with problems, the worst first (at
    most REPORT_ROWS: the CSV has them all), and the resources per unit."""
    user = request.user
    channels = rules.channels_in_scope(user)
    today = timezone.localdate()
    year, half = chosen_half(request, today)
    first, last = queries.half_year(year, half)
    last = min(last, today - datetime.timedelta(days=today.weekday() + 1))  # the last complete week
    first_monday = first + datetime.timedelta(days=(7 - first.weekday()) % 7)
    mondays = []
    monday = first_monday
    while monday + datetime.timedelta(days=6) <= last:
        mondays.append(monday)
        monday += datetime.timedelta(weeks=1)
    with translation.override("sv"):
        problems = queries.standings(channels, queries.Filters(problems_only=True))
        count = problems.count()
        rows = rows_of(problems[:REPORT_ROWS])
        chart = rhythm_chart(
            title=_("Updates per week, all channels"),
            weeks=queries.weekly_posts(channels, mondays),
            required_per_week=queries.required_per_week(channels),
            id_prefix="report-rhythm",
        )
        page_before, page_between, page_after = page_label_parts()
        values = {
            "half": {"year": year, "half": half, "first": first, "last": last},
            "scope": rules.SCOPE_LABELS[rules.scope_of(user)],
            "totals": queries.totals(channels, waiting=queries.waiting_in_scope(channels), year=today.year),
            "loads": queries.unit_loads(channels),
            "rows": rows,
            "more": max(0, count - len(rows)),
            "chart": chart,
            "columns": list(Column),
            "today": today,
            "stylesheets": [STATIC_PREFIX + path for path in REPORT_STYLESHEETS],
            "page_before": page_before,
            "page_between": page_between,
            "page_after": page_after,
        }
    identifier = hashlib.sha256(f"kob-social overview {user.pk} {year}-{half} {today}".encode()).hexdigest()
    pdf = render_document("overview/pdf/report.html", values, identifier=identifier)
    audit.record("overview.report.downloaded", object_label=f"oversikt-{year}-halvar{half}.pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="oversikt-{year}-halvar{half}.pdf"'
    return response


# --- The calendar of one's duties -----------------------------------------------------------------

SHOWN_ONCE = "calendar_address_once"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_settings(request):
    """The person's calendar address: made (replacing the old one) or revoked by a POST; a new
    address is shown once, on the page the POST leads to, and never again (only its hash is kept)."""
    user = request.user
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if revoke_calendar_token(user):
                messages.success(request, _("Your calendar address is revoked: it no longer works."))
        else:
            token = new_calendar_token(user)
            request.session[SHOWN_ONCE] = request.build_absolute_uri(reverse("overview:calendar_feed", args=[token]))
            messages.success(request, _("Your new calendar address is made. Any earlier address no longer works."))
        return redirect("overview:calendar")
    address = request.session.pop(SHOWN_ONCE, None)
    feed = CalendarFeed.objects.filter(user=user).first()
    return render(request, "overview/calendar.html", {"address": address, "feed": feed})


@require_safe
def calendar_feed(request, token):
    """The feed itself, for calendar programs, which cannot sign in: the secret address names the
    person (accounts.domain.calendar); an unknown or revoked one does not exist."""
    person = calendar_owner(token)
    if person is None:
        raise Http404
    body = duties_calendar(person, site_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="kob-social.ics"'
    response["Cache-Control"] = "private, max-age=0"
    return response
