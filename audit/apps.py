from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit log: one append-only table of events (models.py, protected by database
    triggers, db.py), written in the transaction of what it records (domain.py), heard from
    field-level history, sign-ins and the admin (signals.py) and from refused requests
    (middleware.py); the Beslutshistorik pages read it. Imports no app of the project but
    accounts: the apps above call into it and register their actions (registry.py)."""

    name = "audit"
    verbose_name = _("Audit log")

    def ready(self):
        # circular: the receivers import the models, which need the app registry ready.
        from axes.signals import user_locked_out
        from django.contrib.admin.models import LogEntry
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.db import connections
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_save
        from simple_history.signals import post_create_historical_record, pre_create_historical_record

        from . import db, signals
        from .actions import register_own

        register_own()
        connection_created.connect(db.define_sqlite_function, dispatch_uid="audit:sqlite")
        for connection in connections.all(initialized_only=True):
            db.define_sqlite_function(None, connection)
        pre_create_historical_record.connect(signals.fill_history_address, dispatch_uid="audit:address")
        post_create_historical_record.connect(signals.history_created, dispatch_uid="audit:history")
        user_logged_in.connect(signals.signed_in, dispatch_uid="audit:signed_in")
        user_logged_out.connect(signals.signed_out, dispatch_uid="audit:signed_out")
        user_login_failed.connect(signals.sign_in_failed, dispatch_uid="audit:sign_in_failed")
        user_locked_out.connect(signals.locked_out, dispatch_uid="audit:locked_out")
        post_save.connect(signals.admin_logged, sender=LogEntry, dispatch_uid="audit:admin")
