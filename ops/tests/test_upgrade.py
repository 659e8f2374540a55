"""The upgrade check: a database made by the previous release migrates in place to this code, and
nothing is lost.

ops/tests/upgrade/ holds a SQLite file and a PostgreSQL dump written by the previous release's
own code (demo data, beat rows, rendered signed PDFs, sign-ins, an admin log; see
ops/upgrade_fixture.py), and the manifest of what that code observed in them. For each database
this test takes a fresh copy, runs this code's `manage.py migrate --noinput` on it in a
subprocess, then observes it with this code (ops/upgrade_check.py, in a second subprocess) and
requires that:

- no table of the old database is missing and every table has exactly the rows it had (only
  `django_migrations` may grow): a move of models between apps kept its tables and data;
- every content type row resolves with `apps.get_model(app_label, model)` to a model of this
  code, under that model's current label, and that model owns the same table as before; so
  permissions, guardian's object permissions, admin log entries and every foreign key (the
  historical tables' too) name the same tables and objects as before;
- no django-celery-beat row is lost and every row's task is registered in this Celery app;
- every stored signed PDF has the same SHA-256, in the table and downloaded from
  `/planer/<id>/pdf/`;
- every demo user (and an anonymous visitor) gets the same HTTP status on the same pages.

Pages are requested at the moment the manifest was made (time-machine), so the result does not
depend on the day the test runs. Both databases are checked in every full `make test`: SQLite and
PostgreSQL (a throwaway cluster of its own, ~2 s) on the SQLite leg; PostgreSQL, in a new
database on the leg's own server, on the PostgreSQL leg.

UPGRADE_CHECK_ROOT=/path/to/tree points the subprocesses at another project tree (to prove the
check passes on an identity upgrade: the previous release against itself).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from kob_social.testing.services import PostgresCluster, ServiceMissing
from ops import upgrade_check
from ops.upgrade_fixture import (
    MANIFEST,
    create_database,
    drop_database,
    file_sha256,
    load_dump,
    postgres_client,
    read_gzip,
)

pytestmark = pytest.mark.xdist_group("upgrade")

FIXTURES = Path(__file__).resolve().parent / "upgrade"
PROJECT_ROOT = Path(os.environ.get("UPGRADE_CHECK_ROOT") or Path(__file__).resolve().parents[2]).resolve()
LEG_DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES_LEG = LEG_DATABASE_URL.startswith(("postgres://", "postgresql://"))
# The SQLite leg checks both databases; the PostgreSQL leg checks PostgreSQL on its own server.
DATABASES = ["postgres"] if ON_POSTGRES_LEG else ["sqlite", "postgres"]
TIMEOUT = 300


def manifest() -> dict:
    return json.loads((FIXTURES / MANIFEST).read_text())


@pytest.fixture(scope="module")
def postgres_server():
    """(server URL, psql): the PostgreSQL leg's own server, or a throwaway cluster."""
    from conftest import skip_or_fail

    cluster = None
    try:
        if not ON_POSTGRES_LEG:
            cluster = PostgresCluster().start()
        psql = postgres_client("psql", cluster)
    except (ServiceMissing, FileNotFoundError) as exc:
        if cluster is not None:
            cluster.stop()
        skip_or_fail(str(exc))
    yield (cluster.url if cluster else LEG_DATABASE_URL), psql
    if cluster is not None:
        cluster.stop()


@pytest.fixture
def previous_database(request, tmp_path):
    """A fresh copy of the previous release's database: its URL."""
    entry = manifest()["databases"][request.param]
    if request.param == "sqlite":
        copy = read_gzip(FIXTURES / entry["fixture"], tmp_path / "upgraded.sqlite3")
        assert file_sha256(copy) == entry["sha256"], "the SQLite fixture is not the one the manifest describes"
        yield f"sqlite:///{copy}"
        return
    server, psql = request.getfixturevalue("postgres_server")
    dump = read_gzip(FIXTURES / entry["fixture"], tmp_path / "previous.postgres.sql")
    assert file_sha256(dump) == entry["sha256"], "the PostgreSQL dump is not the one the manifest describes"
    name = f"upgrade_check_{uuid.uuid4().hex[:12]}"
    url = create_database(server, name)
    try:
        load_dump(psql, url, dump)
        yield url
    finally:
        drop_database(server, name)


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def check_command(database: str, out: Path) -> list[str]:
    """`python -m ops.upgrade_check` in the project tree; by file path in a tree without it."""
    arguments = ["--manifest", str(FIXTURES / MANIFEST), "--database", database, "--out", str(out)]
    if (PROJECT_ROOT / "ops" / "upgrade_check.py").exists():
        return [sys.executable, "-m", "ops.upgrade_check", *arguments]
    return [sys.executable, upgrade_check.__file__, "--root", str(PROJECT_ROOT), *arguments]


def test_fixtures_are_worth_checking_against():
    """The manifest describes a database in use, so the checks below compare something."""
    entries = manifest()["databases"]
    assert set(entries) == {"sqlite", "postgres"}
    for database, entry in entries.items():
        observed = entry["observed"]
        assert observed["signed_pdfs"], database
        assert all(pdf["bytes_sha256"] == pdf["pdf_sha256"] for pdf in observed["signed_pdfs"].values()), database
        assert observed["downloads"], database
        assert observed["beat"], database
        for table in ("guardian_userobjectpermission", "django_admin_log", "django_session", "plans_channel"):
            assert observed["tables"][table] > 0, (database, table)
        assert set(observed["pages"]) == {*upgrade_check.DEMO_USERS, upgrade_check.ANONYMOUS}, database
    size = sum(path.stat().st_size for path in FIXTURES.iterdir())
    assert size < 3_000_000, f"the committed fixtures take {size:,} bytes"


@pytest.mark.parametrize("previous_database", DATABASES, indirect=True)
def test_previous_release_database_upgrades_in_place(previous_database, request, tmp_path):
    database = request.node.callspec.params["previous_database"]
    env = upgrade_check.fixed_environment(previous_database, tmp_path / "var")

    migrate = run([sys.executable, "manage.py", "migrate", "--noinput"], env)
    assert migrate.returncode == 0, f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}"

    out = tmp_path / "observed.json"
    check = run(check_command(database, out), env)
    assert out.exists(), f"the upgrade check did not finish ({check.returncode}):\n{check.stdout}\n{check.stderr}"
    result = json.loads(out.read_text())
    for kind, lines in sorted(result["notes"].items()):
        print(f"{database}: {kind}:", *lines, sep="\n  ")
    problems = "\n".join(
        f"{kind}:\n  " + "\n  ".join(lines[:40]) + (f"\n  … and {len(lines) - 40} more" if len(lines) > 40 else "")
        for kind, lines in sorted(result["problems"].items())
    )
    assert not result["problems"], f"the upgraded {database} database differs from the manifest:\n{problems}"
    assert check.returncode == 0, check.stderr


def upgraded_with(observed: dict, *, table: str, new_table: bool) -> dict:
    """The manifest's own observation, plus one content type and permission for `table`."""
    observed = json.loads(json.dumps(observed))
    observed["tables"]["django_content_type"] += 1
    observed["tables"]["auth_permission"] += 1
    if new_table:
        observed["tables"][table] = 0
    observed["content_types"]["9999"] = {
        "app_label": "plans",
        "model": "newthing",
        "db_table": table,
        "error": None,
        "label_matches": True,
    }
    observed["permissions"]["99999"] = f"{table}.view_newthing"
    return observed


def test_comparison_accepts_the_content_type_and_permissions_of_a_new_model():
    expected = manifest()["databases"]["sqlite"]["observed"]

    problems, notes = upgrade_check.compare(expected, upgraded_with(expected, table="plans_newthing", new_table=True))

    assert problems == {}
    assert notes["new models"] == ["plans.newthing (plans_newthing)"]


def test_comparison_refuses_a_new_content_type_for_a_table_that_was_there():
    expected = manifest()["databases"]["sqlite"]["observed"]

    problems, _notes = upgrade_check.compare(expected, upgraded_with(expected, table="plans_plan", new_table=False))

    assert sorted(problems) == ["content types", "permissions"]
