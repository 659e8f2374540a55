from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import broker_ok, database_ok


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


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def server_error(request):
    # No context processors that could fail again: a plain render of a static page.
    return render(request, "errors/500.html", status=500)
