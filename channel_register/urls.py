"""The channel register inside the app (signed in). The public register's addresses are in
kob_social/urls.py (/kanaler/); closure requests (plans.closure_urls) and the people pages
(accounts.people_urls) share the /kanalregister/ prefix with their own names."""

from django.urls import path

from .views import channels, people, records, story, upkeep

app_name = "channel_register"

urlpatterns = [
    path("", channels.channel_list, name="list"),
    path("<int:pk>/", channels.channel_detail, name="detail"),
    path("<int:pk>/status/", channels.channel_status, name="status"),
    path("<int:pk>/checklista/", channels.checklist, name="checklist"),
    path("<int:pk>/personer/", people.appoint, name="appoint"),
    path("<int:pk>/overenskommelse/", people.agreement_create, name="agreement_create"),
    path("overenskommelse/<int:pk>/bekrafta/", people.agreement_confirm, name="agreement_confirm"),
    path("<int:pk>/tillsyn/", records.roster, name="roster"),
    path("<int:pk>/inventering/", records.inventory, name="inventory"),
    path("<int:pk>/skarmdumpar/", records.screenshots, name="screenshots"),
    path("<int:pk>/skarmdumpar/ny/", records.screenshot_create, name="screenshot_create"),
    path("<int:pk>/borttagningar/", records.removals, name="removals"),
    path("<int:pk>/borttagningar/ny/", records.removal_create, name="removal_create"),
    path("fil/<str:kind>/<int:pk>/", records.download, name="download"),
    path("<int:pk>/uppdateringar/", upkeep.update_log, name="update_log"),
    path("<int:pk>/uppdateringar/ny/", upkeep.update_create, name="update_create"),
    path("uppdatering/<int:pk>/ta-bort/", upkeep.update_delete, name="update_delete"),
    path("<int:pk>/flode/", upkeep.feed_url, name="feed_url"),
    path("<int:pk>/historik/", story.channel_story, name="story"),
    path("inventering/", records.inventory_overdue, name="inventory_overdue"),
]
