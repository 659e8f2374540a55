from django.urls import path

from . import views

app_name = "overview"

urlpatterns = [
    path("", views.overview, name="index"),
    path("oversikt.csv", views.overview_csv, name="csv"),
    path("rapport.pdf", views.overview_report, name="report"),
    path("kalender/", views.calendar_settings, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
