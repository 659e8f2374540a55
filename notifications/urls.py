from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("markera-lasta/", views.mark_all_read, name="mark_read"),
    path("installningar/", views.preferences, name="preferences"),
    path("<int:pk>/", views.open_notification, name="open"),
]
