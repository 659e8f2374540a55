"""The audit log's own actions: what it hears itself (signals.py, middleware.py). The apps
above register theirs in their AppConfig.ready."""

from django.utils.translation import gettext_lazy as _

from .enums import Kind
from .registry import register


def register_own() -> None:
    for name, label, kind in [
        ("object.created", _("Created"), Kind.CHANGE),
        ("object.changed", _("Changed"), Kind.CHANGE),
        ("object.deleted", _("Deleted"), Kind.CHANGE),
        ("auth.signed_in", _("Signed in"), Kind.SIGN_IN),
        ("auth.signed_out", _("Signed out"), Kind.SIGN_IN),
        ("auth.sign_in_failed", _("Failed sign-in"), Kind.SIGN_IN),
        ("auth.locked_out", _("Locked out after failed sign-ins"), Kind.SIGN_IN),
        ("access.refused", _("Access refused"), Kind.REFUSAL),
        ("admin.added", _("Added in the administration"), Kind.ADMIN),
        ("admin.changed", _("Changed in the administration"), Kind.ADMIN),
        ("admin.deleted", _("Deleted in the administration"), Kind.ADMIN),
        ("audit.exported", _("Audit log exported"), Kind.READ),
        ("personal_data.exported", _("Personal data exported"), Kind.PERSONAL_DATA),
        ("person.ended", _("Account ended and everything held handed over"), Kind.ADMIN),
        ("personal_data.purged", _("Personal data removed after the retention period"), Kind.PERSONAL_DATA),
    ]:
        register(name, label, kind)
