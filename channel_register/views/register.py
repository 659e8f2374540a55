"""The public register of official channels: no login, no personal data, active channels only.

Three forms of the same list (queries.public_channels): an HTML page in the site's layout,
JSON for the official website and CSV for Excel. Each row is platform, name, address and
unit: nothing about the people who run the channel.

JSON and CSV are the same for every visitor, so they may be cached by anyone for five
minutes and read from any origin. Their labels are always in the site's default language
(Swedish), so that the output does not depend on the visitor's browser. The HTML page is
not marked public: the layout shows a signed-in user's name and a CSRF token, which a shared
cache must never hand to someone else.
"""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from kob_social.spreadsheets import csv_response

from ..queries import public_channels

PUBLIC_MAX_AGE = 300

CSV_HEADER = ["platform", "name", "url", "unit"]


def register_rows() -> list[dict]:
    """The register as plain data, exactly the public fields."""
    return [
        {
            "platform": channel.platform,
            "platform_label": str(channel.get_platform_display()),
            "name": channel.name,
            "url": channel.url,
            "unit": channel.unit.name,
        }
        for channel in public_channels()
    ]


def allow_any_origin(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


@require_safe
def public_register(request):
    return render(request, "register/public.html", {"channels": list(public_channels())})


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_register_json(request):
    """A list of objects with exactly: platform, platform_label, name, url, unit."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = register_rows()
    response = JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False})
    return allow_any_origin(response)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_register_csv(request):
    """platform;name;url;unit, one row per channel. The platform is its readable name
    ("YouTube", "Blogg"): the CSV is for people in Excel; programs read the JSON, which has
    both the code and the name."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = register_rows()
    # The Swedish spreadsheet conventions (kob_social.spreadsheets): `;`, a BOM, formulas quoted.
    response = csv_response(
        "kanaler.csv", CSV_HEADER, ([row["platform_label"], row["name"], row["url"], row["unit"]] for row in rows)
    )
    return allow_any_origin(response)
