"""Navigation by role, built once per request for the base template."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (reverse("home"), _("Start"), "home"),
        (reverse("plans:list"), _("Plans"), "plans"),
        (reverse("notifications:list"), _("Notifications"), "notifications"),
    ]
    if user.is_staff:
        items.append((reverse("admin:index"), _("Administration"), "admin"))
    current = request.path
    return {
        "nav_items": [
            {
                "url": url,
                "label": label,
                "key": key,
                "current": url == current or (url != "/" and current.startswith(url)),
            }
            for url, label, key in items
        ]
    }
