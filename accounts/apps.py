from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and the organisation, at the bottom of the apps: users, the unit tree, roles and
    who reads what (queries.is_overseer, rules.can_read_unit, the guardian permission
    `read_unit`), sign-in, legal trainings and absences with their pages (views.py, forms.py,
    rules.py), and the reminder of expiring training (domain/reminders.py; "expires soon" is
    queries.expires_soon). Imports no other app of the project but notifications."""

    name = "accounts"
    verbose_name = _("Users and organisation")

    def ready(self):
        # circular: the receivers import the models, which need the app registry ready.
        from . import signals  # noqa: F401  (connects the receivers)

        register_notice_kinds()


def register_notice_kinds() -> None:
    from notifications.kinds import register

    register("training_expiring", _("A legal training runs out soon (mine, or my staff's for a manager)"))
