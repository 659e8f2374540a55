"""What the audit log hears without being called: field-level history rows, sign-ins, failed
sign-ins and lock-outs, and changes made in the Django admin (its LogEntry, written in the
admin's own transaction). Connected in apps.AuditConfig.ready."""

from django.contrib.admin.models import ADDITION, CHANGE, DELETION

from . import domain
from .context import current

ADMIN_ACTIONS = {ADDITION: "admin.added", CHANGE: "admin.changed", DELETION: "admin.deleted"}


def fill_history_address(sender, history_instance, **kwargs):
    """pre_create_historical_record: the history row carries the client's address."""
    context = current()
    if context is not None and hasattr(history_instance, "history_address"):
        history_instance.history_address = context.address


def history_created(sender, instance, history_instance, **kwargs):
    domain.history_written(history_instance, instance)


def signed_in(sender, request, user, **kwargs):
    domain.record("auth.signed_in", about=user, actor=user)


def signed_out(sender, request, user, **kwargs):
    if user is not None:
        domain.record("auth.signed_out", about=user, actor=user)


def sign_in_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))
    domain.record(
        "auth.sign_in_failed",
        actor=None,
        object_type="accounts.user",
        object_label=username,
        reason=username and f"användarnamn: {username}",
    )


def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    domain.record(
        "auth.locked_out",
        actor=None,
        object_type="accounts.user",
        object_label=username or "",
        reason=username and f"användarnamn: {username}",
    )


def admin_logged(sender, instance, created, **kwargs):
    """A change in the Django admin. Rows with field-level history are already an event of their
    own (history_created, linking to the row's history); the rest (people, roles, permissions,
    schedules) are recorded from the admin's log entry, which the admin writes in the
    transaction of the change."""
    if not created:
        return
    model = instance.content_type.model_class() if instance.content_type_id else None
    if model is not None and getattr(model._meta, "simple_history_manager_attribute", None):
        return
    label = model._meta.label_lower if model is not None else ""
    object_id = str(instance.object_id or "")
    subjects = {"person": int(object_id)} if label == "accounts.user" and object_id.isdigit() else {}
    domain.record(
        ADMIN_ACTIONS[instance.action_flag],
        actor=instance.user,
        object_type=label,
        object_id=object_id,
        object_label=instance.object_repr,
        reason=instance.get_change_message(),
        **subjects,
    )
