"""The upgrade check's eyes: what a database holds, and what its users get, seen through the code
of one project tree.

    python -m ops.upgrade_check --manifest ops/tests/upgrade/manifest.json --database sqlite
    python /path/to/ops/upgrade_check.py --root /path/to/other/checkout --out observed.json

Run with DATABASE_URL (and the rest of `fixed_environment`) pointing at a database, it prints (or
writes to `--out`) one JSON *observation*:

- the row count of every table in the database (tables found by introspection, not by models,
  so tables that no model claims any more are counted too; SQLite's own `sqlite_sequence` is
  not a table of ours and is left out, as Django's introspection does);
- every content type row, the model it resolves to through `apps.get_model(app_label, model)`
  and that model's table; whether `ContentType.objects.get_for_model` would find the same row
  (a row that still carries an app's old label makes guardian and the admin create a second
  row, and every object permission on that model silently stops working);
- every permission, object permission (guardian) and admin log entry as "table of the model its
  content type points at" + codename or object key, and whether the object still exists;
- for every model, which table each foreign key column points at, and for every historical
  (django-simple-history) model the table of the model it records;
- every beat row (django-celery-beat name → task) and the task names registered in the Celery
  app after autodiscovery;
- the SHA-256 of every stored signed plan PDF, read from the table by SQL;
- the HTTP status that every demo user (and an anonymous visitor) gets on the main pages, for
  every plan, channel, closure request and signed plan, and the SHA-256 of each PDF download.

The same file observes the previous release (`ops.upgrade_fixture` runs it in the old
checkout, with `--root`, to write the manifest) and the upgraded database (ops/tests/
test_upgrade.py); `compare(manifest_entry, observed)` says what differs. Ids are read from the
tables by SQL, never through models, so the same code works before and after models move between
apps (their tables keep their names).

All requests run inside one transaction that is rolled back: observing changes nothing (the
sessions of `force_login`, the access log of django-axes, notifications marked read). With
`--at` the pages are requested at that moment (time-machine, ticking), so that the statuses do
not depend on the day the check happens to run.

Only the standard library is imported at module level: Django and the project are imported
after `--root` has been put first on sys.path, so the code observed is that tree's.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import logging
import os
import sys
from pathlib import Path

DEMO_USERS = ["medarbetare", "medarbetare2", "chef", "chef2", "kommunikator", "direktor", "admin"]
ANONYMOUS = "(anonymous)"
ANONYMOUS_PAGES = ["/kanaler/", "/kanaler.json", "/kanaler.csv"]
# Tables that may legitimately gain rows from a migration: the record of applied migrations.
# The content type and permission tables grow by the rows of the models an upgrade adds; each new
# row must name a table that is new as well (compare), or it is a moved model not relabelled.
GROWING_TABLES = frozenset(
    {
        "django_migrations",
        "django_content_type",
        "auth_permission",
        # Issue 19 (channel_register 0007): the go-live checklist's one "information" tick of a
        # channel past go-live becomes five, one per item the channel must state.
        "plans_checklisttick",
    }
)
# Tables whose rows name a model through content_type_id, and the column with the object's key.
OBJECT_REFERENCES = {
    "guardian_userobjectpermission": "object_pk",
    "guardian_groupobjectpermission": "object_pk",
    "django_admin_log": "object_id",
}


def fixed_environment(database_url: str, var_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment every step of the check runs in, old code and new alike: no broker, no
    mail server, no signing certificate, state in a throwaway directory."""
    var_dir = Path(var_dir)
    env = dict(os.environ if base is None else base)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kob_social.settings",
            "DATABASE_URL": database_url,
            "VAR_DIR": str(var_dir),
            "MEDIA_ROOT": str(var_dir / "media"),
            "STATIC_ROOT": str(var_dir / "staticfiles"),
            "CELERY_BROKER_URL": "memory://",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "EMAIL_URL": "consolemail://",
            "CACHE_URL": "locmemcache://",
            "DEBUG": "1",
            "STATIC_MANIFEST": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
            "PDF_SIGNING_CERTIFICATE": "",
            "PDF_SIGNING_PASSWORD": "",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def sha256(data: bytes | memoryview | None) -> str | None:
    return None if data is None else hashlib.sha256(bytes(data)).hexdigest()


# --- Observing (runs inside the project tree, with Django set up) -----------------------------


def _rows(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _observe_tables(cursor, connection) -> dict[str, int]:
    quote = connection.ops.quote_name
    return {
        table: _rows(cursor, f"SELECT COUNT(*) FROM {quote(table)}")[0][0]  # noqa: S608 (introspected names)
        for table in sorted(connection.introspection.table_names(cursor))
    }


def _observe_content_types(cursor, apps) -> tuple[dict[str, dict], dict[int, object]]:
    """Every content type row and the model (and table) it resolves to in this code."""
    content_types: dict[str, dict] = {}
    models: dict[int, object] = {}
    for ct_id, app_label, model_name in _rows(
        cursor, "SELECT id, app_label, model FROM django_content_type ORDER BY id"
    ):
        entry = {"app_label": app_label, "model": model_name, "db_table": None, "error": None, "label_matches": None}
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
        else:
            models[ct_id] = model
            entry["db_table"] = model._meta.db_table
            # get_for_model looks the row up by the model's *current* label.
            entry["label_matches"] = (model._meta.app_label, model._meta.model_name) == (app_label, model_name)
        content_types[str(ct_id)] = entry
    return content_types, models


def _table_of(models: dict[int, object], ct_id) -> str:
    model = models.get(ct_id)
    return model._meta.db_table if model is not None else f"<unresolved content type {ct_id}>"


def _observe_permissions(cursor, models) -> dict[str, str]:
    return {
        str(perm_id): f"{_table_of(models, ct_id)}.{codename}"
        for perm_id, ct_id, codename in _rows(
            cursor, "SELECT id, content_type_id, codename FROM auth_permission ORDER BY id"
        )
    }


def _observe_object_references(cursor, connection, models, tables) -> tuple[dict[str, dict], list[str]]:
    """Object permissions and admin log entries: which table and key each one names, and
    whether that object exists (and, for a permission, belongs to the same content type)."""
    quote = connection.ops.quote_name
    references: dict[str, dict] = {}
    unresolved: list[str] = []
    for table, key_column in OBJECT_REFERENCES.items():
        if table not in tables:
            continue
        with_permission = table.startswith("guardian_")
        columns = f"t.id, t.content_type_id, t.{quote(key_column)}"
        sql = f"SELECT {columns} FROM {quote(table)} t ORDER BY t.id"  # noqa: S608 (fixed names)
        if with_permission:
            sql = (
                f"SELECT {columns}, p.content_type_id, p.codename FROM {quote(table)} t "  # noqa: S608 (fixed names)
                "JOIN auth_permission p ON p.id = t.permission_id ORDER BY t.id"
            )
        rows = {}
        for row in _rows(cursor, sql):
            row_id, ct_id, key = row[:3]
            described = f"{_table_of(models, ct_id)}:{key}"
            if with_permission:
                perm_ct_id, codename = row[3:]
                described += f":{codename}"
                if perm_ct_id != ct_id:
                    unresolved.append(
                        f"{table} {row_id}: permission {codename} is of content type {perm_ct_id}, not {ct_id}"
                    )
            rows[str(row_id)] = described
            model = models.get(ct_id)
            if ct_id is None or key in (None, ""):
                continue
            if model is None:
                unresolved.append(f"{table} {row_id}: content type {ct_id} resolves to no model")
            elif not model._base_manager.filter(pk=key).exists():
                unresolved.append(f"{table} {row_id}: {model._meta.label} {key} does not exist")
        references[table] = rows
    return references, unresolved


def _observe_relations(apps) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Per table: the table each foreign key column points at; per historical table: the table
    of the model it records."""
    relations: dict[str, dict[str, str]] = {}
    history: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        columns = {
            field.column: field.related_model._meta.db_table
            for field in meta.concrete_fields
            if field.is_relation and field.related_model is not None and not isinstance(field.related_model, str)
        }
        relations[meta.db_table] = dict(sorted(columns.items()))
        instance_type = getattr(model, "instance_type", None)
        if instance_type is not None and hasattr(model, "history_id"):
            history[meta.db_table] = instance_type._meta.db_table
    return dict(sorted(relations.items())), dict(sorted(history.items()))


def _observe_celery() -> list[str]:
    # Lazy: Django and the project come from the tree --root put first on sys.path.
    from kob_social.celery import app

    app.loader.import_default_modules()
    return sorted(name for name in app.tasks if not name.startswith("celery."))


def _ids(cursor, table: str, column: str = "id") -> list[int]:
    return [row[0] for row in _rows(cursor, f"SELECT {column} FROM {table} ORDER BY {column}")]  # noqa: S608 (fixed names)


def page_paths(cursor) -> tuple[list[str], list[int]]:
    """The pages every signed-in demo user requests, from ids read by SQL; and the plan ids
    with a signed PDF."""
    plans = _ids(cursor, "plans_plan")
    channels = _ids(cursor, "plans_channel")
    closures = _ids(cursor, "plans_closurerequest")
    signed = _ids(cursor, "plans_signedplan", "plan_id")
    paths = ["/", "/planer/"]
    paths += [f"/planer/{pk}/" for pk in plans]
    paths += ["/kanalregister/"]
    for pk in channels:
        paths += [f"/kanalregister/{pk}/", f"/kanalregister/{pk}/tillsyn/", f"/kanalregister/{pk}/uppdateringar/"]
    paths += [f"/kanalregister/avveckling/{pk}/" for pk in closures]
    paths += ["/kanalregister/utbildningar/", "/kanalregister/franvaro/", "/kanalregister/inventering/"]
    paths += ["/notiser/", "/planer/verifiera/"]
    paths += [f"/planer/{pk}/pdf/" for pk in signed]
    return paths, signed


def _get(client, path: str):
    """One request in its own savepoint, so that a view's database error cannot spoil the rest."""
    # Lazy: Django and the project come from the tree --root put first on sys.path.
    from django.db import transaction

    try:
        with transaction.atomic():
            response = client.get(path)
    except Exception as exc:  # an exception is an observation, reported as such
        return f"exception {type(exc).__name__}: {str(exc)[:300]}", None
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, body


def _observe_pages(cursor, users: list[str]) -> tuple[dict, dict]:
    # Lazy: Django and the project come from the tree --root put first on sys.path.
    from django.contrib.auth import get_user_model
    from django.test import Client

    paths, signed = page_paths(cursor)
    pdf_paths = {f"/planer/{pk}/pdf/": str(pk) for pk in signed}
    statuses: dict[str, dict[str, object]] = {}
    downloads: dict[str, dict[str, str]] = {}
    user_model = get_user_model()
    for username in users:
        user = user_model._default_manager.filter(username=username).first()
        if user is None:
            statuses[username] = {"(user)": "missing"}
            continue
        client = Client(raise_request_exception=True)
        client.force_login(user)
        seen = statuses[username] = {}
        for path in paths:
            status, body = _get(client, path)
            seen[path] = status
            if path in pdf_paths and status == 200:
                downloads.setdefault(username, {})[pdf_paths[path]] = sha256(body)
    client = Client(raise_request_exception=True)
    statuses[ANONYMOUS] = {path: _get(client, path)[0] for path in ANONYMOUS_PAGES}
    return statuses, downloads


def observe(*, users: list[str], at: str | None = None) -> dict:
    """Look at the database DATABASE_URL names, through the code of the current tree."""
    # Lazy: Django and the project come from the tree --root put first on sys.path.
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kob_social.settings")
    django.setup()
    # Lazy: Django and the project come from the tree --root put first on sys.path.
    from django.apps import apps
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    setup_test_environment()  # testserver in ALLOWED_HOSTS, e-mail kept in memory
    observed: dict = {"vendor": connection.vendor}
    with connection.cursor() as cursor:
        tables = _observe_tables(cursor, connection)
        observed["tables"] = tables
        content_types, models = _observe_content_types(cursor, apps)
        observed["content_types"] = content_types
        observed["permissions"] = _observe_permissions(cursor, models)
        observed["object_references"], observed["unresolved_references"] = _observe_object_references(
            cursor, connection, models, tables
        )
        observed["beat"] = dict(sorted(_rows(cursor, "SELECT name, task FROM django_celery_beat_periodictask")))
        observed["signed_pdfs"] = {
            str(plan_id): {"pdf_sha256": column, "bytes_sha256": sha256(pdf), "size": None if pdf is None else len(pdf)}
            for plan_id, pdf, column in _rows(
                cursor, "SELECT plan_id, pdf, pdf_sha256 FROM plans_signedplan ORDER BY plan_id"
            )
        }
    observed["relations"], observed["history"] = _observe_relations(apps)
    observed["celery_tasks"] = _observe_celery()  # (Celery's Django fix-up configures logging again)
    # Expected 403s and 404s are observations, not warnings; a 500 is still logged.
    for name in ("django.request", "django.security"):
        logging.getLogger(name).setLevel(logging.ERROR)

    travel = None
    if at:
        try:
            # Lazy: Django and the project come from the tree --root put first on sys.path.
            import time_machine
        except ImportError:  # a production virtualenv without the test tools: today it is
            observed["travelled_to"] = None
        else:
            travel = time_machine.travel(datetime.datetime.fromisoformat(at), tick=True)
            observed["travelled_to"] = at
    try:
        if travel is not None:
            travel.start()
        with transaction.atomic(), connection.cursor() as cursor:
            observed["pages"], observed["downloads"] = _observe_pages(cursor, users)
            transaction.set_rollback(True)  # observing changes nothing
    finally:
        if travel is not None:
            travel.stop()
    return observed


# --- Comparing (plain data, no Django) --------------------------------------------------------


def compare(expected: dict, observed: dict) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """What the upgraded database (`observed`) lost or broke against the manifest (`expected`),
    by kind, and what merely changed as an upgrade may (`notes`). No problems, no data lost."""
    problems: dict[str, list[str]] = {}
    notes: dict[str, list[str]] = {}

    def problem(kind: str, text: str) -> None:
        problems.setdefault(kind, []).append(text)

    def note(kind: str, text: str) -> None:
        notes.setdefault(kind, []).append(text)

    # Every table keeps its name and its rows.
    old_tables, new_tables = expected["tables"], observed["tables"]
    for table, count in old_tables.items():
        if table not in new_tables:
            problem("tables missing", table)
        elif table in GROWING_TABLES:
            if new_tables[table] < count:
                problem("row counts", f"{table}: {count} → {new_tables[table]} (may only grow)")
        elif new_tables[table] != count:
            problem("row counts", f"{table}: {count} → {new_tables[table]}")
    for table in sorted(set(new_tables) - set(old_tables)):
        note("new tables", f"{table} ({new_tables[table]} rows)")

    # Every content type row resolves to a model of this code, under the label that model now
    # has, and the model is the one that owns the same table as before.
    for ct_id, old in expected["content_types"].items():
        new = observed["content_types"].get(ct_id)
        name = f"{ct_id} ({old['app_label']}.{old['model']})"
        if new is None:
            problem("content types", f"{name}: row gone")
            continue
        if new["error"]:
            problem("content types", f"{name} → {new['app_label']}.{new['model']}: {new['error']}")
            continue
        if not new["label_matches"]:
            problem("content types", f"{name}: row says {new['app_label']}.{new['model']}, model's label differs")
        if new["db_table"] != old["db_table"]:
            problem("content types", f"{name}: model table {old['db_table']} → {new['db_table']}")
        if (new["app_label"], new["model"]) != (old["app_label"], old["model"]):
            note("content types relabelled", f"{name} → {new['app_label']}.{new['model']}")
    for ct_id, new in observed["content_types"].items():
        if ct_id in expected["content_types"]:
            continue
        if new["db_table"] in new_tables and new["db_table"] not in old_tables:
            note("new models", f"{new['app_label']}.{new['model']} ({new['db_table']})")
        else:
            problem(
                "content types", f"{ct_id} ({new['app_label']}.{new['model']}): new row (a moved model not relabelled?)"
            )

    # Permissions, object permissions and admin log entries name the same model and object.
    for perm_id, old in expected["permissions"].items():
        new = observed["permissions"].get(perm_id)
        if new != old:
            problem("permissions", f"{perm_id}: {old} → {new}")
    for perm_id, new in observed["permissions"].items():
        if perm_id not in expected["permissions"] and new.split(".", 1)[0] in old_tables:
            problem("permissions", f"{perm_id}: new permission {new} on a table that is not new")
    for table, old_rows in expected["object_references"].items():
        new_rows = observed["object_references"].get(table, {})
        for row_id, old in old_rows.items():
            if new_rows.get(row_id) != old:
                problem("object references", f"{table} {row_id}: {old} → {new_rows.get(row_id)}")
    for text in observed["unresolved_references"]:
        if text not in expected["unresolved_references"]:
            problem("object references", text)

    # Foreign keys (the historical tables' too) point at the same tables.
    for table, old_columns in expected["relations"].items():
        if table not in new_tables:
            continue  # a table no model claims any more: already a "row counts"/"tables" matter
        new_columns = observed["relations"].get(table)
        if new_columns is None:
            problem("relations", f"{table}: no model of this code owns it")
            continue
        for column, target in old_columns.items():
            if new_columns.get(column) != target:
                problem("relations", f"{table}.{column}: → {target} before, → {new_columns.get(column)} now")
    for table, target in expected["history"].items():
        if observed["history"].get(table) != target:
            problem("history", f"{table}: recorded {target} before, {observed['history'].get(table)} now")

    # No beat row lost, and every one names a task the worker knows.
    registered = set(observed["celery_tasks"])
    for name, old_task in expected["beat"].items():
        if name not in observed["beat"]:
            problem("beat", f"{name!r} ({old_task}): row gone")
        elif observed["beat"][name] != old_task:
            note("beat tasks renamed", f"{name!r}: {old_task} → {observed['beat'][name]}")
    for name, task in observed["beat"].items():
        if task not in registered:
            problem("beat", f"{name!r}: task {task} is not registered in the Celery app")

    # Stored PDFs: the same bytes in the table and through the download.
    for plan_id, old in expected["signed_pdfs"].items():
        new = observed["signed_pdfs"].get(plan_id)
        if new != old:
            problem("signed PDFs", f"plan {plan_id}: {old} → {new}")
    for username, old_downloads in expected["downloads"].items():
        for plan_id, digest in old_downloads.items():
            got = observed["downloads"].get(username, {}).get(plan_id)
            if got != digest:
                problem("downloads", f"{username} /planer/{plan_id}/pdf/: {digest} → {got}")
    for username, new_downloads in observed["downloads"].items():
        for plan_id, digest in new_downloads.items():
            stored = expected["signed_pdfs"].get(plan_id, {}).get("bytes_sha256")
            if digest != stored:
                problem("downloads", f"{username} /planer/{plan_id}/pdf/: {digest}, stored {stored}")

    # Every user gets what they got before.
    for username, old_pages in expected["pages"].items():
        new_pages = observed["pages"].get(username, {})
        for path, status in old_pages.items():
            if new_pages.get(path) != status:
                problem("pages", f"{username} {path}: {status} → {new_pages.get(path, 'not requested')}")
        for path in sorted(set(new_pages) - set(old_pages)):
            problem("pages", f"{username} {path}: not in the manifest (a new id?)")
    return problems, notes


# --- Command line -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, help="project tree whose code observes (default: this file's)")
    parser.add_argument("--manifest", type=Path, help="compare with this manifest; exit 1 on a problem")
    parser.add_argument("--database", help="which of the manifest's databases (sqlite, postgres)")
    parser.add_argument("--at", help="request the pages at this ISO time (default: the manifest's)")
    parser.add_argument("--out", type=Path, help="write the JSON here instead of standard output")
    args = parser.parse_args(argv)

    root = (args.root or Path(__file__).resolve().parent.parent).resolve()
    # Run as a file (`python …/ops/upgrade_check.py`), Python put ops/ first on the path.
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [str(root)] + [entry for entry in sys.path if entry not in (here, str(root))]
    os.chdir(root)

    expected = None
    at = args.at
    if args.manifest:
        manifest = json.loads(args.manifest.read_text())
        if not args.database:
            parser.error("--manifest needs --database")
        expected = manifest["databases"][args.database]["observed"]
        at = at or manifest["generated_at"]
    users = list(expected["pages"]) if expected else [*DEMO_USERS, ANONYMOUS]
    observed = observe(users=[user for user in users if user != ANONYMOUS], at=at)
    result: dict = {"observed": observed}
    if expected is not None:
        result["problems"], result["notes"] = compare(expected, observed)
    text = json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False)
    if args.out:
        args.out.write_text(text + "\n")
    else:
        print(text)
    return 1 if result.get("problems") else 0


if __name__ == "__main__":
    sys.exit(main())
