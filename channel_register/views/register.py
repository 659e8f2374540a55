"""The public register of official channels: no login, no personal data, active channels only.

Three forms of the same list (queries.public_channels, cached by public.register_rows): an HTML
page in the site's layout, JSON for the official website and CSV for Excel. Each row is
platform, name, address and unit: nothing about the people who run the channel.

JSON and CSV are the same for every visitor, so they may be cached by anyone for five
minutes and read from any origin. Their labels are always in the site's default language
(Swedish), so that the output does not depend on the visitor's browser. The HTML page is
not marked public: the layout shows a signed-in user's name and a CSRF token, which a shared
cache must never hand to someone else.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from kob_social.spreadsheets import csv_lines

from ..public import PUBLIC_REGISTER_SECONDS, register_body, register_rows

PUBLIC_MAX_AGE = PUBLIC_REGISTER_SECONDS

CSV_HEADER = ["platform", "name", "url", "unit"]


def allow_any_origin(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


@require_safe
def public_register(request):
    # The rows are read only when the page's cached table is missing: the template calls them.
    context = {"channels": register_rows, "cache_seconds": PUBLIC_REGISTER_SECONDS}
    return render(request, "register/public.html", context)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_register_json(request):
    """A list of objects with exactly: platform, platform_label, name, url, unit."""

    def build(rows: list[dict]) -> bytes:
        return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False}).content

    response = HttpResponse(register_body("json", build), content_type="application/json")
    return allow_any_origin(response)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_register_csv(request):
    """platform;name;url;unit, one row per channel. The platform is its readable name
    ("YouTube", "Blogg"): the CSV is for people in Excel; programs read the JSON, which has
    both the code and the name."""

    # The Swedish spreadsheet conventions (kob_social.spreadsheets): `;`, a BOM, formulas quoted.
    def build(rows: list[dict]) -> bytes:
        lines = ([row["platform_label"], row["name"], row["url"], row["unit"]] for row in rows)
        return "".join(csv_lines(CSV_HEADER, lines)).encode()

    response = HttpResponse(register_body("csv", build), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kanaler.csv"'
    return allow_any_origin(response)
