"""The HTTP leg: gunicorn and wrk on separate cores, for a bounded time per URL.

gunicorn (one sync worker, the production server of the Dockerfile) runs with the benchmark's
settings as in production (`DEBUG=0`, whitenoise) on the copy of the dataset, pinned to the
first core; wrk (one thread, four connections) on the second, so that the load generator does
not take the server's CPU. Each URL gets `seconds` of load, the trivial views first; signed-in
URLs carry a real session cookie of the communications officer. Then one mixed run cycles through
all the real pages (a wrk Lua script). Reported: requests per second, p99 latency, non-2xx
answers, and the ratio of requests per second to the matching trivial view's.

Needs `wrk` (Debian: `apt-get install wrk`; `make bench` installs it where it can) and `taskset`
(util-linux); without wrk the leg is skipped with a note.
"""

import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD
from channel_register.enums import ChannelStatus
from channel_register.models import Channel
from kob_social.testing.services import database_url_for, free_port, wait_for_port

from .measure import Result

CONNECTIONS = 4


def _urls() -> list[tuple[str, str, bool]]:
    channel = Channel.objects.filter(status=ChannelStatus.AKTIV).order_by("pk").first()
    return [
        ("trivial vy, anonym", reverse("bench_trivial"), False),
        ("trivial vy, inloggad", reverse("bench_trivial_signed_in"), True),
        ("offentliga registret, HTML", reverse("public_register"), False),
        ("offentliga registret, JSON", reverse("public_register_json"), False),
        ("offentliga registret, CSV", reverse("public_register_csv"), False),
        ("inloggningssidan", reverse("login"), False),
        ("startsidan, kommunikationsansvarig", reverse("home"), True),
        ("planlistan", reverse("plans:list"), True),
        ("kanalregistret", reverse("channel_register:list"), True),
        ("kanalens sida", reverse("channel_register:detail", args=[channel.pk]), True),
        ("översikten", reverse("overview:index"), True),
        ("försenade inventeringar", reverse("channel_register:inventory_overdue"), True),
    ]


def _parse(output: str) -> dict:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\b", output, re.MULTILINE)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    timeouts = re.search(r"timeout (\d+)", output)
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "p99": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "timeouts": int(timeouts.group(1)) if timeouts else 0,
    }


def _sign_in(base: str) -> str:
    """A real session: the communications officer signs in through the login form (the dataset's
    demo password), as a browser would; returns the Cookie header that carries it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = base + reverse("login")
    page = opener.open(login, timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": "kommunikator", "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token}
    ).encode()
    # Our own server on http://127.0.0.1.
    request = urllib.request.Request(login, data=form, headers={"Referer": login})  # noqa: S310
    opener.open(request, timeout=60).read()
    if not any(cookie.name == settings.SESSION_COOKIE_NAME for cookie in jar):
        raise RuntimeError("the benchmark could not sign in over HTTP")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def _pinned(core: int) -> list[str]:
    return ["taskset", "-c", str(core)] if shutil.which("taskset") and (os.cpu_count() or 1) > 1 else []


def _wrk(url: str, seconds: int, cookie: str | None, script: Path | None = None) -> dict:
    command = [*_pinned(1), "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", str(script)]
    done = subprocess.run(  # noqa: S603 - our own command line
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    return _parse(done.stdout)


def measure(*, seconds: int, out=None) -> list[Result]:
    if not shutil.which("wrk"):
        return [Result("http", "HTTP-delen", "", 0, 0, 0, 0, 0, None, None, None, note="hoppades över: wrk saknas")]
    urls = _urls()
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kob_social.bench_settings",
        "DATABASE_URL": database_url_for(connection.settings_dict),
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    # As in production: the static files' manifest (whitenoise) is made by collectstatic.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=settings.BASE_DIR, env=env, check=True
    )
    log = tempfile.NamedTemporaryFile(prefix="kob-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115 - kept for reading after the run
    server = subprocess.Popen(  # noqa: S603 - our own command line
        [
            *_pinned(0),
            sys.executable,
            "-m",
            "gunicorn",
            "kob_social.wsgi",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = []
    try:
        wait_for_port(port, timeout=60)
        base = f"http://127.0.0.1:{port}"
        cookie = _sign_in(base)
        floors = {}
        for case, path, signed_in in urls:
            if out:
                out.write(f"  HTTP {case} …\n")
            _wrk(base + path, 2, cookie if signed_in else None)  # warm-up
            measured = _wrk(base + path, seconds, cookie if signed_in else None)
            floor_name = "trivial vy, " + ("inloggad" if signed_in else "anonym")
            if case.startswith("trivial"):
                floors[case] = measured["rps"]
            results.append(_result(case, floor_name, measured, floors.get(floor_name), path))
        script = Path(tempfile.mkstemp(prefix="kob-bench-", suffix=".lua")[1])
        real = [path for case, path, signed_in in urls if signed_in and not case.startswith("trivial")]
        script.write_text(
            "local paths = {" + ", ".join(f'"{path}"' for path in real) + "}\n"
            "local i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
        )
        if out:
            out.write("  HTTP blandat …\n")
        mixed = _wrk(base + "/", seconds, cookie, script)
        results.append(
            _result("blandat, alla inloggade sidor", "trivial vy, inloggad", mixed, floors.get("trivial vy, inloggad"))
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return results


def _result(case: str, floor: str, measured: dict, floor_rps: float | None, note: str = "") -> Result:
    """Requests per second in the place of seconds: the ratio is the target's throughput as a
    share of its trivial view's (1/10 is the goal)."""
    share = measured["rps"] / floor_rps if floor_rps and not case.startswith("trivial") else None
    extra = {**measured, "share_of_floor": share}
    flags = []
    if measured["non_2xx"]:
        flags.append(f"{measured['non_2xx']} svar utan 2xx")
    if measured["timeouts"]:
        flags.append(f"{measured['timeouts']} tidsgränser")
    return Result(
        "http",
        case,
        floor,
        0,
        0,
        0,
        0,
        0,
        None,
        None,
        None,
        goal=("nått" if share >= 0.1 else "missat: < 1/10") if share is not None else "",
        note="; ".join([*flags, note] if note else flags),
        extra=extra,
    )
