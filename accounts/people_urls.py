"""The people pages. Their addresses are under /kanalregister/ (kob_social/urls.py), where they
were when the channel register held them; the names are `people:trainings`, `people:absences` and `people:deputies`."""

from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("utbildningar/", views.trainings, name="trainings"),
    path("franvaro/", views.absences, name="absences"),
    path("ersattare/", views.deputies, name="deputies"),
]
