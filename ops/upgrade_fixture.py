"""Make the upgrade check's fixtures: databases written by the PREVIOUS release, and what that
release saw in them.

    python -m ops.upgrade_fixture --code /path/to/previous/checkout --out ops/tests/upgrade/

Everything that touches the databases runs the previous release's own code, in subprocesses
whose working directory is that checkout (`python manage.py …`): nothing of this tree's apps is
imported. For SQLite and for a throwaway PostgreSQL cluster alike it runs

    migrate --noinput; setup_schedules; seed_demo; run_job render_pdfs

(so the approved demo plans have stored PDF bytes), then uses the app a little as people do:
every demo user signs in through the login form (sessions, django-axes' access log) and the
administrator's admin log gets one entry for an object of every model registered in the admin
(so the admin log's content types are checked, not an empty table), and the channel-register
tables the demo leaves empty get a row each (an inventory confirmation, a screenshot record
with its file, a removal-log entry, a feed state). Then it writes to `--out`:

- `previous.sqlite3.gz`: the SQLite file (checkpointed, out of WAL mode, vacuumed);
- `previous.postgres.sql.gz`: `pg_dump --no-owner --no-privileges` of the PostgreSQL database,
  plain SQL;
- `manifest.json`: for each database, what the previous release's code observed in it
  (ops/upgrade_check.py, run in the old checkout with `--root`): row counts of all tables,
  content types, permissions and object references, beat rows, the signed PDFs' SHA-256 and
  every demo user's HTTP status on the main pages. The PostgreSQL observation is made on a
  fresh database loaded from the dump, so the dump is known to load.

ops/tests/test_upgrade.py migrates copies of these databases with the current code and compares.
Regenerate the fixtures only when a release has shipped: they stand for a database in the field.
The manifest records the moment it was made; the check requests the pages at that moment.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from kob_social.testing.services import PostgresCluster

from . import upgrade_check

SQLITE_FIXTURE = "previous.sqlite3.gz"
POSTGRES_FIXTURE = "previous.postgres.sql.gz"
MANIFEST = "manifest.json"
CHECK_SCRIPT = Path(upgrade_check.__file__).resolve()

# Run by the previous release (`manage.py shell -c`): the traces of people using the app.
USE_THE_APP = """
import hashlib

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.test.utils import setup_test_environment
from django.urls import reverse
from django.utils import timezone

setup_test_environment()
for username in USERS:
    response = Client().post(reverse("login"), {"username": username, "password": "demo"})
    assert response.status_code == 302, (username, response.status_code)

# The demo leaves these channel-register tables empty; a database in use has rows in them.
channel = apps.get_model("plans", "Channel").objects.exclude(owner=None).order_by("pk").first()
person, today, now = channel.owner, timezone.localdate(), timezone.now()
png = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
stored = {"content_type": "image/png", "size": len(png), "sha256": hashlib.sha256(png).hexdigest()}
apps.get_model("plans", "InventoryConfirmation").objects.create(
    channel=channel, confirmed_by=person, confirmed_at=now,
    still_used=True, owners_correct=True, information_correct=True, note="Upgrade fixture.",
)
screenshot = apps.get_model("plans", "Screenshot").objects.create(
    channel=channel, taken_on=today, taken_by=person, url=channel.url or "https://example.invalid/"
)
apps.get_model("plans", "ScreenshotFile").objects.create(
    screenshot=screenshot, file=ContentFile(png, name="skarmdump.png"), original_name="skarmdump.png", **stored
)
apps.get_model("plans", "RemovalEntry").objects.create(
    channel=channel, removed_on=today, category="annat", description="Upgrade fixture.", created_by=person,
    file=ContentFile(png, name="borttaget.png"), original_name="borttaget.png", **stored,
)
apps.get_model("plans", "ChannelFeed").objects.get_or_create(
    channel=channel, defaults={"url": "https://example.invalid/feed.xml", "checked_at": now, "error": "Fixture."}
)

# The administrator's log: one entry for an object of every model in the admin.
administrator = get_user_model().objects.get(username="admin")
for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
    obj = model._base_manager.order_by("pk").first()
    if obj is not None:
        LogEntry.objects.create(
            user=administrator,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message="[]",
        )
"""


class StepFailed(RuntimeError):
    pass


def run(command: list[str], *, cwd: Path | None = None, env: dict | None = None, what: str) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise StepFailed(f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_gzip(source: Path, target: Path) -> None:
    """Compressed without a timestamp or name, so that equal content gives equal files."""
    with source.open("rb") as raw, target.open("wb") as out, gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as gz:
        shutil.copyfileobj(raw, gz)


def read_gzip(source: Path, target: Path) -> Path:
    with gzip.open(source, "rb") as gz, target.open("wb") as out:
        shutil.copyfileobj(gz, out)
    return target


# --- PostgreSQL helpers (shared with the test) ------------------------------------------------


def postgres_client(name: str, cluster: PostgresCluster | None = None) -> str:
    """A PostgreSQL client program (psql, pg_dump): beside the cluster's server binaries if
    there is one, else on PATH or in /usr/lib/postgresql/*/bin."""
    if cluster is not None and Path(cluster.initdb).with_name(name).exists():
        return str(Path(cluster.initdb).with_name(name))
    found = shutil.which(name) or next(
        iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)), None
    )
    if not found:
        raise FileNotFoundError(f"PostgreSQL client '{name}' not found (apt-get install postgresql-client)")
    return str(found)


def with_database(url: str, name: str) -> str:
    """The same server and credentials, another database."""

    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def create_database(server_url: str, name: str) -> str:

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:

    with psycopg.connect(with_database(server_url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load_dump(psql: str, url: str, dump: Path) -> None:
    """Load a plain pg_dump file with psql. pg_dump's `\\restrict` guard lines (15.14 and
    later) are dropped first, so that an older psql loads the committed dump too."""
    lines = dump.read_text().splitlines(keepends=True)
    plain = dump.with_name(dump.name + ".load.sql")
    plain.write_text("".join(line for line in lines if not line.startswith(("\\restrict ", "\\unrestrict "))))
    try:
        run(
            [psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-d", url, "-f", str(plain)],
            what=f"loading {dump.name}",
        )
    finally:
        plain.unlink(missing_ok=True)


# --- Building with the previous release -------------------------------------------------------


def build(code: Path, python: str, env: dict, users: list[str]) -> None:
    """The previous release's own commands, in its own checkout."""
    steps = [
        ["migrate", "--noinput"],
        ["setup_schedules"],
        ["seed_demo"],
        ["run_job", "render_pdfs"],
        ["shell", "-c", f"USERS = {users!r}\n{USE_THE_APP}"],
    ]
    for step in steps:
        print(f"  {' '.join(step[:2]) if step[0] != 'shell' else 'shell (use the app)'}", flush=True)
        run([python, "manage.py", *step], cwd=code, env=env, what=f"manage.py {step[0]}")


def observe(code: Path, python: str, env: dict, at: str, workdir: Path) -> dict:
    """What the previous release sees in the database (ops/upgrade_check.py run in its tree)."""
    out = workdir / "observed.json"
    run(
        [python, str(CHECK_SCRIPT), "--root", str(code), "--at", at, "--out", str(out)],
        cwd=code,
        env=env,
        what="observing with the previous release",
    )
    observed = json.loads(out.read_text())["observed"]
    sanity(observed)
    return observed


def sanity(observed: dict) -> None:
    """The fixture must be worth checking against: the old code sees a whole, working database."""
    troubles = []
    if not observed["signed_pdfs"]:
        troubles.append("no signed plans")
    for plan_id, pdf in observed["signed_pdfs"].items():
        if pdf["bytes_sha256"] is None or pdf["bytes_sha256"] != pdf["pdf_sha256"]:
            troubles.append(f"signed plan {plan_id} has no stored PDF matching its SHA-256: {pdf}")
    troubles += [f"content type {ct_id}: {ct}" for ct_id, ct in observed["content_types"].items() if ct["error"]]
    troubles += observed["unresolved_references"]
    tasks = set(observed["celery_tasks"])
    troubles += [
        f"beat {name!r}: {task} not registered" for name, task in observed["beat"].items() if task not in tasks
    ]
    for username, pages in observed["pages"].items():
        troubles += [f"{username} {path}: {status}" for path, status in pages.items() if not isinstance(status, int)]
        troubles += [f"{username} {path}: {status}" for path, status in pages.items() if status == 500]
    if not observed["downloads"]:
        troubles.append("nobody could download a signed PDF")
    if troubles:
        raise StepFailed("the previous release's database is not worth checking against:\n" + "\n".join(troubles))


def make_sqlite(code: Path, python: str, workdir: Path, out: Path, users: list[str]) -> tuple[Path, Path]:
    print("SQLite:", flush=True)
    database = workdir / "build.sqlite3"
    env = upgrade_check.fixed_environment(f"sqlite:///{database}", workdir / "var-sqlite")
    build(code, python, env, users)
    # One self-contained file: the WAL folded in, back in rollback-journal mode, vacuumed.
    final = workdir / "previous.sqlite3"
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM INTO ?", (str(final),))
    connection.close()
    with sqlite3.connect(final) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
    connection.close()
    fixture = out / SQLITE_FIXTURE
    write_gzip(final, fixture)
    return final, fixture


def make_postgres(code: Path, python: str, workdir: Path, out: Path, users: list[str], at_holder: dict) -> dict:
    print("PostgreSQL:", flush=True)
    cluster = PostgresCluster().start()
    try:
        server = cluster.url
        url = create_database(server, "previous")
        build(code, python, upgrade_check.fixed_environment(url, workdir / "var-postgres"), users)
        dump = workdir / "previous.postgres.sql"
        run(
            [postgres_client("pg_dump", cluster), "--no-owner", "--no-privileges", "-d", url, "-f", str(dump)],
            what="pg_dump",
        )
        write_gzip(dump, out / POSTGRES_FIXTURE)
        # Observe a fresh database loaded from the dump: the dump is known to load.
        restored = create_database(server, "restored")
        load_dump(postgres_client("psql", cluster), restored, dump)

        with psycopg.connect(restored) as connection:
            version = connection.execute("SHOW server_version").fetchone()[0]
        at_holder.setdefault("at", now_iso())
        env = upgrade_check.fixed_environment(restored, workdir / "var-postgres-observe")
        observed = observe(code, python, env, at_holder["at"], workdir)
        return {
            "fixture": POSTGRES_FIXTURE,
            "sha256": file_sha256(dump),
            "server_version": version,
            "observed": observed,
        }
    finally:
        cluster.stop()


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--code", type=Path, required=True, help="checkout of the previous release")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "tests" / "upgrade")
    parser.add_argument("--python", default=sys.executable, help="interpreter with the previous release's requirements")
    args = parser.parse_args(argv)
    code = args.code.resolve()
    if not (code / "manage.py").exists():
        parser.error(f"{code} is not a project checkout (no manage.py)")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    users = list(upgrade_check.DEMO_USERS)
    commit = run(["git", "-C", str(code), "log", "-1", "--format=%H %s"], what="git log").strip()

    with tempfile.TemporaryDirectory(prefix="kob-upgrade-fixture-") as tmp:
        workdir = Path(tmp)
        at_holder: dict = {}
        sqlite_file, _fixture = make_sqlite(code, args.python, workdir, out, users)
        postgres = make_postgres(code, args.python, workdir, out, users, at_holder)
        # Observe SQLite on a copy of exactly the committed bytes.
        copy = read_gzip(out / SQLITE_FIXTURE, workdir / "observe.sqlite3")
        env = upgrade_check.fixed_environment(f"sqlite:///{copy}", workdir / "var-sqlite-observe")
        sqlite_observed = observe(code, args.python, env, at_holder["at"], workdir)
        manifest = {
            "about": "Made by ops/upgrade_fixture.py with the previous release's code; checked by "
            "ops/tests/test_upgrade.py. `observed` is what that code saw in each database.",
            "previous_release": {"commit": commit.split(" ", 1)[0], "subject": commit.split(" ", 1)[-1]},
            "generated_at": at_holder["at"],
            "users": users,
            "databases": {
                "sqlite": {"fixture": SQLITE_FIXTURE, "sha256": file_sha256(sqlite_file), "observed": sqlite_observed},
                "postgres": postgres,
            },
        }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
    for name in (SQLITE_FIXTURE, POSTGRES_FIXTURE, MANIFEST):
        print(f"{out / name}: {(out / name).stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
