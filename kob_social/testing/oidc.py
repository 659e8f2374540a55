"""A real OpenID Connect provider for the tests: the `oidc-provider` package for Node
(kob_social/testing/oidc_provider.mjs), on a free port of its own, with the clients and the
people a test gives it, stopped afterwards. The people are a file read at every sign-in, so a test
can change someone's groups between two sign-ins (`set_groups`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from .services import BASE_DIR, ServiceMissing, free_port, wait_for_port

SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
CLIENT_ID = "kob-social"
CLIENT_SECRET = "testhemlighet-" + "x" * 40


class OidcProvider:
    def __init__(self, redirect_uri: str, people: dict, id_token_ttl: int | None = None) -> None:
        node = shutil.which("node")
        if not node:
            raise ServiceMissing("node not found (apt-get install nodejs; npm ci installs oidc-provider)")
        if not (BASE_DIR / "node_modules" / "oidc-provider").is_dir():
            raise ServiceMissing("oidc-provider is not installed (npm ci in the project)")
        self.node = node
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kob-oidc-"))
        self.people_file = self.dir / "accounts.json"
        self.people = dict(people)
        self._write_people()
        config = {
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": [redirect_uri],
                    "post_logout_redirect_uris": [redirect_uri.split("/konto/")[0] + "/konto/logga-in/"],
                }
            ],
            "accounts_file": str(self.people_file),
        }
        if id_token_ttl is not None:
            config["id_token_ttl"] = id_token_ttl
        self.config_file = self.dir / "config.json"
        self.config_file.write_text(json.dumps(config))
        self.process: subprocess.Popen | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _write_people(self) -> None:
        self.people_file.write_text(json.dumps(self.people))

    def set_groups(self, login: str, groups: list[str]) -> None:
        self.people[login] = {**self.people[login], "groups": groups}
        self._write_people()

    def start(self) -> OidcProvider:
        self.log = open(self.dir / "provider.log", "w")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [self.node, str(SCRIPT), str(self.port), str(self.config_file)],
            cwd=BASE_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
