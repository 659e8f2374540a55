from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.events, name="events"),
    path("export.csv", views.export, name="export"),
    path("personer/<int:pk>/avsluta/", views.end_person, name="end_person"),
]
