from django.contrib import admin
from django.urls import include, path

from channel_register.views import register
from plans import urls as plans_urls

from . import views

admin.site.site_header = "KoB Social"
admin.site.site_title = "KoB Social"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("konto/", include("accounts.urls")),
    path("planer/", include("plans.urls")),
    path("kanalregister/", include("channel_register.urls")),
    path("kanalregister/", include("plans.closure_urls")),
    path("kanalregister/", include("accounts.people_urls")),
    path("kanalregister/", include("metrics.urls")),
    # The public register of official channels: no login, no personal data.
    path("kanaler/", register.public_register, name="public_register"),
    path("kanaler.json", register.public_register_json, name="public_register_json"),
    path("kanaler.csv", register.public_register_csv, name="public_register_csv"),
    path("kanaler/sok/", register.public_lookup, name="public_lookup"),
    path("kanaler/sok.json", register.public_lookup_json, name="public_lookup_json"),
    path("notiser/", include("notifications.urls")),
    path("oversikt/", include("overview.urls")),
    path("granskning/", include("audit.urls")),
    path("tillganglighet/", views.accessibility_statement, name="accessibility"),
    path("inkorg/", plans_urls.home, name="inbox"),
    path("", views.home, name="home"),
]

handler400 = "kob_social.views.bad_request"
handler403 = "kob_social.views.permission_denied"
handler404 = "kob_social.views.page_not_found"
handler500 = "kob_social.views.server_error"
