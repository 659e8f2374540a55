import datetime
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from overview.views import overview
from plans.views.inbox import home as inbox

from .health import broker_ok, database_ok


def starts_with_the_overview(user) -> bool:
    """The communications officer's and the director's start page is the overview of every
    channel; everyone else starts with their inbox (both reach the other from the menu)."""
    return user.is_authenticated and (user.is_kommunikationsansvarig or user.is_kulturdirektor)


def home(request):
    """The start page: the overview or the inbox (`starts_with_the_overview`). Each view checks
    the sign-in and the method itself."""
    return overview(request) if starts_with_the_overview(request.user) else inbox(request)


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the broker both answer, 503 otherwise; no secrets in the body."""
    db_up, db_detail = database_ok()
    broker_up, broker_detail = broker_ok()
    healthy = db_up and broker_up
    return JsonResponse(
        {
            "status": "ok" if healthy else "error",
            "database": db_detail,
            "broker": broker_detail,
        },
        status=200 if healthy else 503,
    )


logger = logging.getLogger(__name__)


def bad_request(request, exception=None):
    """400: a request the app cannot read (an unknown host name, a broken upload). The page is
    the site's own, but must not depend on the request: with a disallowed host, anything that
    asks for the host name fails again, so the plain page is the fallback."""
    try:
        return render(request, "errors/400.html", status=400)
    except Exception:  # any failure here would turn a 400 into a 500
        logger.exception("The 400 page could not be rendered; the plain page was sent")
        return HttpResponseBadRequest(render_to_string("errors/400_plain.html"))


def csrf_failure(request, reason=""):
    """403 for a form without a valid CSRF token: usually a page left open too long, or a
    browser that refuses cookies. Nothing was changed; the page says what to do."""
    context = {"cookies_missing": reason == REASON_NO_CSRF_COOKIE}
    return render(request, "errors/csrf_failure.html", context, status=403)


def permission_denied(request, exception=None):
    """403. A view that refuses raises PermissionDenied with our own sentence saying why (the
    role, or the state of the thing); the page shows it, or the generic sentence without one."""
    reason = str(exception) if isinstance(exception, PermissionDenied) and exception.args else ""
    return render(request, "errors/403.html", {"reason": reason}, status=403)


# When the accessibility statement was last reviewed: change it with the statement's text.
ACCESSIBILITY_STATEMENT_DATE = datetime.date(2026, 12, 3)


@require_safe
def accessibility_statement(request):
    """Tillgänglighetsredogörelse: public (no sign-in), as DOS-lagen asks of public-sector sites."""
    context = {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL, "statement_date": ACCESSIBILITY_STATEMENT_DATE}
    return render(request, "accessibility.html", context)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors that could fail again: a plain render of a static page.
    return render(request, "errors/500.html", status=500)
