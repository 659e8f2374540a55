"""The project's URLs and the benchmark's floors: the least a page can cost through the full
middleware, anonymous and signed in (`kob_social.bench_settings` only; never in production)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import include, path


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


@login_required
def trivial_signed_in(request):
    # Reading the user loads the session and the user, as every signed-in page does.
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("bench/trivial-signed-in/", trivial_signed_in, name="bench_trivial_signed_in"),
    path("", include("kob_social.urls")),
]

handler400 = "kob_social.views.bad_request"
handler403 = "kob_social.views.permission_denied"
handler404 = "kob_social.views.page_not_found"
handler500 = "kob_social.views.server_error"
