"""Closure requests (avvecklingsbegäran). Their addresses are under /kanalregister/
(kob_social/urls.py), beside the channel they close; the names are `closures:*`."""

from django.urls import path

from .views import closures

app_name = "closures"

urlpatterns = [
    path("<int:pk>/avveckling/ny/", closures.closure_create, name="create"),
    path("avveckling/<int:pk>/", closures.closure_detail, name="detail"),
    path("avveckling/<int:pk>/redigera/", closures.closure_edit, name="edit"),
    path("avveckling/<int:pk>/atgard/", closures.closure_action, name="action"),
]
