"""The project's own source, for tests that check which modules use something. Imports no app."""

from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]


def project_packages() -> list[str]:
    """The project's own apps, as the app registry knows them (those whose code is in this
    repository, not the installed packages'), and the project package."""
    own = [config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()]
    return [*own, "kob_social"]


def application_modules_mentioning(text: str) -> list[str]:
    """The modules of the application (not its tests) whose source mentions `text`, as paths
    from the project's root, sorted."""
    return sorted(
        str(path.relative_to(ROOT))
        for app in project_packages()
        for path in (ROOT / app).rglob("*.py")
        if "tests" not in path.parts and "testing" not in path.parts and text in path.read_text()
    )
