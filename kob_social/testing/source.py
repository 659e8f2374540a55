"""The project's own source, for tests that check which modules use something. Imports no app."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "audit", "channel_register", "plans", "metrics", "overview", "ops", "notifications", "kob_social")


def application_modules_mentioning(text: str) -> list[str]:
    """The modules of the application (not its tests) whose source mentions `text`, as paths
    from the project's root, sorted."""
    return sorted(
        str(path.relative_to(ROOT))
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "tests" not in path.parts and "testing" not in path.parts and text in path.read_text()
    )
