"""Throwaway servers for the test suite: PostgreSQL, Redis and a real Celery worker.

Each starts on a free port of its own, in a temporary directory, and is stopped afterwards.
When a binary is missing the caller skips with the reason, except under REQUIRE_SERVICES=1
(CI), where a missing service is a failure: a skipped check must never pass for a green run.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class ServiceMissing(RuntimeError):
    """A binary the service needs is not installed on this machine."""


# --- PostgreSQL -------------------------------------------------------------------------------


def _postgres_bin(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None)
    if not found:
        raise ServiceMissing(f"PostgreSQL binary '{name}' not found (apt-get install postgresql)")
    return found


class PostgresCluster:
    """A private cluster: initdb into a temp dir, own port, unix socket in the same dir.

    PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user
    (or `nobody`), which owns the temp dir.
    """

    def __init__(self) -> None:
        self.initdb = _postgres_bin("initdb")
        self.pg_ctl = _postgres_bin("pg_ctl")
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kob-pg-"))
        self.user = "kob"
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            os_user = "postgres" if _user_exists("postgres") else "nobody"
            shutil.chown(self.dir, user=os_user)
            self.dir.chmod(0o700)
            self.run_as = ["runuser", "-u", os_user, "--"]

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/kob"

    def start(self) -> PostgresCluster:
        data = self.dir / "data"
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
        subprocess.run(
            [*self.run_as, self.initdb, "-D", str(data), "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync"],
            **quiet,
        )
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off -c full_page_writes=off"
        subprocess.run(
            [*self.run_as, self.pg_ctl, "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start"],
            **quiet,
        )
        return self

    def stop(self) -> None:
        subprocess.run(
            [*self.run_as, self.pg_ctl, "-D", str(self.dir / "data"), "-m", "immediate", "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(self.dir, ignore_errors=True)


def _user_exists(name: str) -> bool:

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


# --- Redis ------------------------------------------------------------------------------------


class RedisServer:
    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if not self.binary:
            raise ServiceMissing("redis-server not found (apt-get install redis-server)")
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


# --- Celery worker ----------------------------------------------------------------------------


class CeleryWorker:
    """A real `celery worker` process (solo pool) for the given broker and database.

    `kill()` sends SIGKILL, as when a machine dies; `start()` again brings up a fresh worker,
    which is how the exactly-once tests check redelivery of unacknowledged tasks.
    """

    def __init__(self, broker_url: str, database_url: str, extra_env: dict[str, str] | None = None) -> None:
        self.broker_url = broker_url
        self.database_url = database_url
        self.extra_env = extra_env or {}
        self.log_dir = Path(tempfile.mkdtemp(prefix="kob-worker-"))
        self.process: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log_path(self) -> Path:
        return self.log_dir / f"worker-{self.starts}.log"

    def start(self, timeout: float = 60.0) -> CeleryWorker:
        self.starts += 1
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            "DJANGO_SETTINGS_MODULE": "kob_social.settings",
            **self.extra_env,
        }
        log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "kob_social",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
                f"--hostname=test-{os.getpid()}-{self.starts}@localhost",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited early:\n{self.log()}")
            if " ready." in self.log():
                return self
            time.sleep(0.1)
        raise TimeoutError(f"celery worker not ready after {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def database_url_for(settings_dict: dict) -> str:
    """The URL a subprocess needs to reach the same (test) database as this process."""
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{Path(settings_dict['NAME']).resolve()}"
    if engine.endswith("postgresql"):
        user = settings_dict.get("USER") or ""
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or 5432
        return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"
    raise ValueError(f"no URL form for {engine}")
