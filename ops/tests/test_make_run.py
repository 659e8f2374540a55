"""`make run` itself: the address in e-mail links follows the port the app runs on.

The run target is driven for real, with a stand-in virtualenv whose python does nothing and
whose honcho prints the SITE_URL it was started with: so what is checked is the environment
the app's processes get, not the text of the Makefile."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def stand_in_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("#!/bin/sh\nexit 0\n")
    (venv / "bin" / "honcho").write_text('#!/bin/sh\necho "SITE_URL=$SITE_URL"\n')
    for name in ("python", "honcho"):
        (venv / "bin" / name).chmod(0o755)
    return venv


def make_run(tmp_path: Path, **env: str) -> str:
    venv = stand_in_venv(tmp_path)
    environment = {key: value for key, value in os.environ.items() if key != "SITE_URL"} | env
    result = subprocess.run(
        # -o install: nothing is installed (not even the optional npm tools of `install`).
        ["make", "--no-print-directory", "-o", "install", "run", "PORT=18801", f"VENV={venv}"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line.startswith("SITE_URL=")][-1]


def test_make_run_site_url_follows_the_port(tmp_path):
    site_url = make_run(tmp_path)

    assert site_url == "SITE_URL=http://127.0.0.1:18801"


def test_make_run_site_url_set_in_the_environment_wins(tmp_path):
    site_url = make_run(tmp_path, SITE_URL="https://kob-social.example.se")

    assert site_url == "SITE_URL=https://kob-social.example.se"
