"""The public register of official channels, and its lookup: no login, no personal data.

Three forms of the same list (queries.public_channels, cached by public.register_rows): an HTML
page in the site's layout, JSON for the official website and CSV for Excel. Each row is the
channel's platform, name, address, unit, status and days (in use since, closed on): nothing about
the people who run it. The official channels come first; the formerly official ones (closed) stay
listed with their closing day, without a link to an address someone else may now hold.

The lookup ("is this account really ours?", issue 20) answers for one address or handle, as a
page and as JSON (public.look_up). Each client address may look up PUBLIC_LOOKUPS_PER_MINUTE times
a minute (django-ratelimit, counted in the cache under a hash of the address); over it, 429 with
Retry-After. What was asked is never stored with who asked: the count's key holds no query, the
answer's cache key no address, and the logs' request lines leave the query string out
(gunicorn.conf.py).

JSON and CSV are the same for every visitor, so they may be cached by anyone for five
minutes and read from any origin. Their labels are always in the site's default language
(Swedish), so that the output does not depend on the visitor's browser. The HTML page is
not marked public: the layout shows a signed-in user's name and a CSRF token, which a shared
cache must never hand to someone else.
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import formats, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django_ratelimit.core import get_usage

from kob_social.client_ip import client_ip
from kob_social.spreadsheets import csv_lines

from ..addresses import MAX_QUERY_LENGTH
from ..public import (
    FORMERLY_OFFICIAL,
    NOT_REGISTERED,
    OFFICIAL,
    PUBLIC_REGISTER_SECONDS,
    UNREADABLE,
    look_up,
    register_body,
    register_rows,
)

PUBLIC_MAX_AGE = PUBLIC_REGISTER_SECONDS

CSV_HEADER = ["platform", "name", "url", "unit", "status", "active_since", "closed_on"]
# The lookup's query parameter (Swedish, as the site's other addresses are).
QUERY = "adress"


def allow_any_origin(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Content-Language"] = settings.LANGUAGE_CODE
    return response


@require_safe
def public_register(request):
    # The rows are read only when the page's cached table is missing: the template calls them.
    context = {
        "channels": register_rows,
        "cache_seconds": PUBLIC_REGISTER_SECONDS,
        "query_name": QUERY,
        "query_max_length": MAX_QUERY_LENGTH,
    }
    return render(request, "register/public.html", context)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_register_json(request):
    """A list of objects with exactly: id, platform, platform_label, name, url, unit, status,
    status_label, official, active_since, closed_on, register_url (public.register_rows)."""

    def build(rows: list[dict]) -> bytes:
        return JsonResponse(rows, safe=False, json_dumps_params={"ensure_ascii": False}).content

    response = HttpResponse(register_body("json", build), content_type="application/json")
    return allow_any_origin(response)


@require_safe
@cache_control(public=True, max_age=PUBLIC_MAX_AGE)
def public_register_csv(request):
    """platform;name;url;unit;status;active_since;closed_on, one row per channel. The platform
    and the status are their readable names ("YouTube", "Avslutad"): the CSV is for people in
    Excel; programs read the JSON, which has both the code and the name."""

    # The Swedish spreadsheet conventions (kob_social.spreadsheets): `;`, a BOM, formulas quoted.
    def build(rows: list[dict]) -> bytes:
        lines = (
            [
                row["platform_label"],
                row["name"],
                row["url"],
                row["unit"],
                row["status_label"],
                row["active_since"] or "",
                row["closed_on"] or "",
            ]
            for row in rows
        )
        return "".join(csv_lines(CSV_HEADER, lines)).encode()

    response = HttpResponse(register_body("csv", build), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kanaler.csv"'
    return allow_any_origin(response)


# --- The lookup ----------------------------------------------------------------------------------


def _wait_seconds(request) -> int:
    """0 if this client may look up once more now (and counts it), else the seconds until it may."""
    usage = get_usage(
        request,
        group="public-lookup",
        key=lambda _group, request: client_ip(request) or "-",
        rate=f"{settings.PUBLIC_LOOKUPS_PER_MINUTE}/m",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:
        return 0
    # `time_left` is until the window's last second, which still counts: the next one is free.
    return max(1, usage["time_left"] + 1)


def answer_message(answer: dict) -> str:
    """The answer in words, the same on the page and in the JSON."""
    channels = answer["channels"]
    if answer["answer"] == OFFICIAL:
        official = sum(1 for channel in channels if channel["official"])
        if answer["handle"]:
            return ngettext(
                "We have an official account with this name on the platform below. An account with the same "
                "name on another platform is not ours.",
                "We have official accounts with this name on the platforms below. An account with the same name "
                "on another platform is not ours.",
                official,
            )
        return _("Yes. This is an official channel of Kultur och bildning, Region Uppsala.")
    if answer["answer"] == FORMERLY_OFFICIAL:
        closed = [parse_date(channel["closed_on"]) for channel in channels if channel["closed_on"]]
        if len(closed) == 1:
            return _(
                "No longer. This was an official channel of Kultur och bildning, but it was closed on %(date)s. "
                "Whoever runs the account now does not do so for us."
            ) % {"date": formats.date_format(closed[0], "j F Y")}
        return _(
            "No longer. These were official channels of Kultur och bildning, but they have been closed. "
            "Whoever runs the accounts now does not do so for us."
        )
    if answer["answer"] == NOT_REGISTERED:
        return _(
            "No. This account is not in our register, so it is not an official channel of Kultur och "
            "bildning, even if it uses our name or logo."
        )
    return {
        "empty": _("Write the address or the username of the account you want to check."),
        "too_long": _(
            "That is longer than any account's address (at most %(max)s characters). Paste only the account's address."
        )
        % {"max": MAX_QUERY_LENGTH},
        "post": _(
            "That is a link to a single post or video, not to an account. Open the account's own page (click "
            "its name) and paste that address."
        ),
        "platform_page": _(
            "That is the platform's own page, not an account's. Paste the address of the account's page."
        ),
    }.get(
        answer["reason"],
        _(
            "That is neither an address nor a username. Paste the account's address from the browser's "
            "address bar, for example https://www.instagram.com/kulturochbildning, or its username, for "
            "example @kulturochbildning."
        ),
    )


def _too_many(response, seconds: int):
    response["Retry-After"] = str(seconds)
    add_never_cache_headers(response)
    return response


def _wait_message(seconds: int) -> str:
    return ngettext(
        "You have made many lookups in a short time. Wait %(seconds)s second and try again.",
        "You have made many lookups in a short time. Wait %(seconds)s seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


@require_safe
def public_lookup(request):
    """The lookup page: a form, and the answer for the address or handle asked (GET, so that it
    works without JavaScript and an answer can be linked to). Not marked public, as the layout
    may show who is signed in."""
    context = {
        "query_name": QUERY,
        "query_max_length": MAX_QUERY_LENGTH,
        "report_email": settings.FAKE_ACCOUNT_REPORT_EMAIL,
    }
    if QUERY not in request.GET:
        return render(request, "register/lookup.html", context)
    text = request.GET[QUERY]
    context["query"] = text[: MAX_QUERY_LENGTH * 2]
    seconds = _wait_seconds(request)
    if seconds:
        context["wait_message"] = _wait_message(seconds)
        return _too_many(render(request, "register/lookup.html", context, status=429), seconds)
    answer = look_up(text)
    context.update(answer=answer, message=answer_message(answer))
    return render(request, "register/lookup.html", context)


@require_safe
def public_lookup_json(request):
    """The lookup for programs (the Region's website, others): {"answer", "reason", "message",
    "handle", "channels"} with the register's rows, in the site's default language, cacheable and
    readable from any origin like the register's JSON. 400 for a text that is no address or
    handle (`answer` "unreadable", `reason` and `message` say why); 429 with Retry-After over the
    limit."""
    with translation.override(settings.LANGUAGE_CODE):
        seconds = _wait_seconds(request)
        if seconds:
            body = {
                "answer": "rate_limited",
                "reason": "",
                "message": _wait_message(seconds),
                "handle": False,
                "channels": [],
            }
            response = JsonResponse(body, status=429, json_dumps_params={"ensure_ascii": False})
            return allow_any_origin(_too_many(response, seconds))
        answer = look_up(request.GET.get(QUERY, ""))
        body = {**answer, "message": answer_message(answer)}
    status = 400 if answer["answer"] == UNREADABLE else 200
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return allow_any_origin(response)
