"""Run a command (the test suite) against a throwaway PostgreSQL cluster.

    python -m kob_social.testing.postgres pytest -q

Starts a private cluster on a free port, exports DATABASE_URL for the command, and removes
the cluster afterwards. Without PostgreSQL binaries it says why and exits 0 (skipped), or 1
under REQUIRE_SERVICES=1.
"""

import os
import subprocess
import sys

from .services import PostgresCluster, ServiceMissing, services_required


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        cluster = PostgresCluster().start()
    except ServiceMissing as exc:
        if services_required():
            print(f"PostgreSQL leg FAILED: {exc} (REQUIRE_SERVICES=1)", file=sys.stderr)
            return 1
        print(f"PostgreSQL leg SKIPPED: {exc}", file=sys.stderr)
        return 0
    try:
        print(f"PostgreSQL leg: throwaway cluster at {cluster.url}", flush=True)
        return subprocess.call(argv, env={**os.environ, "DATABASE_URL": cluster.url})
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
