"""The measuring and evaluation pages, under the channel register's /kanalregister/ prefix."""

from django.urls import path

from . import views

app_name = "metrics"

urlpatterns = [
    path("<int:pk>/matning/", views.channel_measurements, name="channel"),
    path("<int:pk>/matning/nytt-varde/", views.record, name="record"),
    path("<int:pk>/matning/import/", views.import_start, name="import_start"),
    path("matning/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("matning/import/<int:pk>/status/", views.import_status, name="import_status"),
    path("matning/import/<int:pk>/spara/", views.import_confirm, name="import_confirm"),
    path("matning/import/<int:pk>/avbryt/", views.import_cancel, name="import_cancel"),
    path("<int:pk>/utvardering/ny/", views.evaluation_start, name="evaluation_start"),
    path("utvardering/<int:pk>/", views.evaluation, name="evaluation"),
    path("utvardering/<int:pk>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
]
