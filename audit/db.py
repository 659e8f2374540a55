"""The database's refusal to change or delete audit events, installed by migration 0002.

PostgreSQL: a row trigger refuses UPDATE and DELETE on `audit_event`, and a statement trigger
refuses TRUNCATE unless the session has set `kob_audit.maintenance` to `on`.
SQLite: triggers refuse UPDATE and DELETE while the SQL function `kob_audit_locked()` answers 1.
The function is defined on each connection the application opens (connection_created); a
connection without it (the sqlite3 shell) fails on the unknown function, so it refuses too.

`maintenance_permit()` lifts the refusal of a wholesale wipe for one connection: only the
test-suite's flush between transactional tests uses it (conftest.py), and a test checks that
no application module does."""

import threading
from contextlib import contextmanager

from django.db import connections

_permits = threading.local()

SQLITE_FUNCTION = "kob_audit_locked"
REFUSAL = "audit events cannot be changed or deleted"


def _locked() -> int:
    return 0 if getattr(_permits, "count", 0) else 1


def define_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(SQLITE_FUNCTION, 0, _locked)


@contextmanager
def maintenance_permit(using: str = "default"):
    """Let this thread's connection wipe the event table (the test-suite's flush)."""
    connection = connections[using]
    _permits.count = getattr(_permits, "count", 0) + 1
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET kob_audit.maintenance = 'on'")
        yield
    finally:
        _permits.count -= 1
        if connection.vendor == "postgresql" and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("RESET kob_audit.maintenance")


POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'TRUNCATE' AND current_setting('kob_audit.maintenance', true) = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION '{REFUSAL} (%)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_refuse()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse()",
]
POSTGRESQL_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_refuse()",
]
SQLITE_INSTALL = [
    f"CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event WHEN {SQLITE_FUNCTION}() "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
    f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event WHEN {SQLITE_FUNCTION}() "
    f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END",
]
SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def install(schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_INSTALL, SQLITE_INSTALL)


def remove(schema_editor) -> None:
    _run(schema_editor, POSTGRESQL_REMOVE, SQLITE_REMOVE)


def _run(schema_editor, postgresql, sqlite) -> None:
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": postgresql, "sqlite": sqlite}.get(vendor)
    if statements is None:
        raise NotImplementedError(f"the audit log's protection has no triggers for {vendor}")
    for statement in statements:
        schema_editor.execute(statement, params=None)
