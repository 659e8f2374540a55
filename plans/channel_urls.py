"""The channel register inside the app (signed in). The public register is kob_social/urls.py."""

from django.urls import path

from .views import channels, closures, people, upkeep

app_name = "channel_register"

urlpatterns = [
    path("", channels.channel_list, name="list"),
    path("<int:pk>/", channels.channel_detail, name="detail"),
    path("<int:pk>/status/", channels.channel_status, name="status"),
    path("<int:pk>/checklista/", channels.checklist, name="checklist"),
    path("<int:pk>/personer/", channels.appoint, name="appoint"),
    path("<int:pk>/overenskommelse/", channels.agreement_create, name="agreement_create"),
    path("overenskommelse/<int:pk>/bekrafta/", channels.agreement_confirm, name="agreement_confirm"),
    path("<int:pk>/tillsyn/", channels.roster, name="roster"),
    path("<int:pk>/inventering/", channels.inventory, name="inventory"),
    path("<int:pk>/skarmdumpar/ny/", channels.screenshot_create, name="screenshot_create"),
    path("<int:pk>/borttagningar/ny/", channels.removal_create, name="removal_create"),
    path("fil/<str:kind>/<int:pk>/", channels.download, name="download"),
    path("<int:pk>/uppdateringar/", upkeep.update_log, name="update_log"),
    path("<int:pk>/uppdateringar/ny/", upkeep.update_create, name="update_create"),
    path("uppdatering/<int:pk>/ta-bort/", upkeep.update_delete, name="update_delete"),
    path("<int:pk>/flode/", upkeep.feed_url, name="feed_url"),
    path("<int:pk>/avveckling/ny/", closures.closure_create, name="closure_create"),
    path("avveckling/<int:pk>/", closures.closure_detail, name="closure_detail"),
    path("avveckling/<int:pk>/redigera/", closures.closure_edit, name="closure_edit"),
    path("avveckling/<int:pk>/atgard/", closures.closure_action, name="closure_action"),
    path("inventering/", people.inventory_overdue, name="inventory_overdue"),
    path("utbildningar/", people.trainings, name="trainings"),
    path("franvaro/", people.absences, name="absences"),
]
