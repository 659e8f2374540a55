"""The measuring and evaluation pages, under the channel register's /kanalregister/ prefix."""

from django.urls import path

from .views import evaluations, measuring

app_name = "metrics"

urlpatterns = [
    path("<int:pk>/matning/", measuring.channel_measurements, name="channel"),
    path("<int:pk>/matning/nytt-varde/", measuring.record, name="record"),
    path("<int:pk>/matning/import/", measuring.import_start, name="import_start"),
    path("matning/import/<int:pk>/", measuring.import_detail, name="import_detail"),
    path("matning/import/<int:pk>/status/", measuring.import_status, name="import_status"),
    path("matning/import/<int:pk>/spara/", measuring.import_confirm, name="import_confirm"),
    path("matning/import/<int:pk>/avbryt/", measuring.import_cancel, name="import_cancel"),
    path("<int:pk>/utvardering/ny/", evaluations.evaluation_start, name="evaluation_start"),
    path("utvardering/<int:pk>/", evaluations.evaluation, name="evaluation"),
    path("utvardering/<int:pk>/pdf/", evaluations.evaluation_pdf, name="evaluation_pdf"),
]
