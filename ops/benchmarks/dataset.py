"""The region-sized dataset of `make bench`: built once, reused, and copied for each run.

`ops.region.build_region` writes years of use by the whole administration (2,000 channels,
300 people, 4,000 plans, a million measurements …). That takes minutes, so it is written once
into a database of its own, named by what it depends on (the scale, the day it counts from and the
builder's source), and each run works on a migrated copy: the runs change data (a
transition, the daily jobs), the kept dataset never does.

SQLite: files in `<VAR_DIR>/bench/`, the copy a file copy. PostgreSQL (when `DATABASE_URL` names
one): databases `kob_bench_<key>` and `kob_bench_run`, the copy `CREATE DATABASE … TEMPLATE …`.
Old datasets are removed when a new one is built.
"""

import datetime
import hashlib
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ops.region import build_region

RUN_NAME = "kob_bench_run"


def dataset_key(scale: float, today: datetime.date) -> str:
    """What the dataset depends on: its size, the day it counts from and the builder. Not the
    migrations: each copy is migrated, as a production database would be after an upgrade."""
    digest = hashlib.sha256(f"{scale}|{today.isoformat()}".encode())
    digest.update(Path(sys.modules[build_region.__module__].__file__).read_bytes())
    return digest.hexdigest()[:12]


def _use(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name


def _analyze() -> None:
    # The planner's statistics as autovacuum keeps them in production: the tables were filled
    # in bulk a moment ago.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _build(scale: float, today: datetime.date, out) -> dict:
    call_command("migrate", verbosity=0, interactive=False)
    written = build_region(scale, out=out, today=today)
    _analyze()
    return written


def prepare(scale: float, today: datetime.date, out) -> dict:
    """Point the default connection at a fresh copy of the dataset (building it if needed);
    returns a description of what was used."""
    key = dataset_key(scale, today)
    if connection.vendor == "sqlite":
        folder = Path(settings.VAR_DIR) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        kept = folder / f"region-{key}.sqlite3"
        built = not kept.exists()
        if built:
            for old in folder.glob("region-*.sqlite3*"):
                old.unlink()
            partial = folder / "building.sqlite3"
            partial.unlink(missing_ok=True)
            _use(str(partial))
            _build(scale, today, out)
            connection.close()
            partial.rename(kept)
        run = folder / "run.sqlite3"
        shutil.copyfile(kept, run)
        _use(str(run))
        call_command("migrate", verbosity=0, interactive=False)
        return {"database": "sqlite", "dataset": kept.name, "built": built}
    kept = f"kob_bench_{key}"
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'kob_bench_%%'")
        existing = {row[0] for row in cursor.fetchall()}
    built = kept not in existing
    if built:
        with connection._nodb_cursor() as cursor:
            for old in existing - {RUN_NAME}:
                cursor.execute(f'DROP DATABASE IF EXISTS "{old}"')
            cursor.execute(f'CREATE DATABASE "{kept}_building"')
        _use(f"{kept}_building")
        _build(scale, today, out)
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{kept}_building" RENAME TO "{kept}"')
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{RUN_NAME}"')
        cursor.execute(f'CREATE DATABASE "{RUN_NAME}" TEMPLATE "{kept}"')
    _use(RUN_NAME)
    call_command("migrate", verbosity=0, interactive=False)
    _analyze()
    return {"database": "postgresql", "dataset": kept, "built": built}


@contextmanager
def empty_database():
    """A migrated, empty database for a benchmark that builds its own data (the weekly check at
    10,000 channels), removed afterwards; the default connection points back at the copy."""
    previous = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        path = Path(settings.VAR_DIR) / "bench" / "empty.sqlite3"
        path.unlink(missing_ok=True)
        _use(str(path))
    else:
        path = None
        with connection._nodb_cursor() as cursor:
            cursor.execute('DROP DATABASE IF EXISTS "kob_bench_empty"')
            cursor.execute('CREATE DATABASE "kob_bench_empty"')
        _use("kob_bench_empty")
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        _use(previous)
        if path:
            path.unlink(missing_ok=True)
        else:
            with connection._nodb_cursor() as cursor:
                cursor.execute('DROP DATABASE IF EXISTS "kob_bench_empty"')
