"""The project's settings for `make bench`, plus what only the benchmark needs.

- `ROOT_URLCONF`: the project's URLs and two trivial views (the floors), `ops.benchmarks.urls`.
- A result backend on the file system, so that a Celery round trip can be waited for (the
  project itself never waits for a task's result).
- The no-op task (`ops.benchmarks.tasks`), the floor of a Celery round trip.
Everything else is the project's own, so that the floors go through the full middleware.
"""

from kob_social.settings import *  # noqa: F403
from kob_social.settings import ALLOWED_HOSTS, VAR_DIR

ROOT_URLCONF = "ops.benchmarks.urls"
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "testserver", "127.0.0.1", "localhost"]

_results = VAR_DIR / "bench" / "celery-results"
_results.mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = f"file://{_results}"
CELERY_IMPORTS = ["ops.benchmarks.tasks"]

# The benchmark's tasks go to a broker folder of their own, never to the one `make run` reads.
if CELERY_BROKER_URL.startswith("filesystem://"):  # noqa: F405
    _broker = VAR_DIR / "bench" / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "control_folder": str(_broker / "control"),
        "store_processed": False,
    }

# The benchmark asks the public register's lookup thousands of times from one address: what is
# measured is the lookup, not the limit per client (PUBLIC_LOOKUPS_PER_MINUTE).
PUBLIC_LOOKUPS_PER_MINUTE = 1_000_000_000

# The project ignores task results (nothing waits for one); the round trip needs them.
CELERY_TASK_IGNORE_RESULT = False
