"""The main menu by role, built once per request for the base template. It names pages of every
app, so it belongs to the project (like urls.py), not to any one app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from audit.rules import can_read_audit

from .views import starts_with_the_overview


def follows_training(user) -> bool:
    """Who gets the training overview in the menu: chefs, the kommunikationsansvarig and
    administrators, and the kulturdirektör, who is the chef of Staben. (Everyone may open the
    page for their own status; see accounts.views.)"""
    return (
        user.is_chef
        or user.is_kommunikationsansvarig
        or user.is_kulturdirektor
        or user.is_systemadministrator
        or user.is_superuser
    )


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(reverse("home"), _("Start"), "home")]
    # Whose start page is the overview has the inbox in the menu instead; everyone else the overview.
    if starts_with_the_overview(user):
        items.append((reverse("inbox"), _("Inbox"), "inbox"))
    items += [
        (reverse("plans:list"), _("Plans"), "plans"),
        (reverse("channel_register:list"), _("Channels"), "channels"),
    ]
    if not starts_with_the_overview(user):
        items.append((reverse("overview:index"), _("Overview"), "overview"))
    if follows_training(user):
        items.append((reverse("people:trainings"), _("Training"), "trainings"))
    items += [
        (reverse("people:absences"), _("Absences"), "absences"),
        (reverse("notifications:list"), _("Notifications"), "notifications"),
        (reverse("plans:verify"), _("Verify a PDF"), "verify"),
    ]
    if can_read_audit(user):
        items.append((reverse("audit:events"), _("Decision history"), "audit"))
    if user.is_staff:
        items.append((reverse("admin:index"), _("Administration"), "admin"))
    current = request.path
    # The longest matching address is the current page: /kanalregister/franvaro/ is under
    # /kanalregister/ too, and only one menu item may say aria-current.
    matching = [url for url, _label, _key in items if url == current or (url != "/" and current.startswith(url))]
    current_url = max(matching, key=len) if matching else None
    return {
        "nav_items": [
            {"url": url, "label": label, "key": key, "current": url == current_url} for url, label, key in items
        ]
    }
