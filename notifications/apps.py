from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Every notice to a person, in the app and by e-mail, through one model and one sending path
    (domain.notify_many: exactly once by key). At the bottom of the apps: imports none of them."""

    name = "notifications"
    verbose_name = _("Notifications")
