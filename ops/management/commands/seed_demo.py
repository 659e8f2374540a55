"""Load the demo organisation, people and content. Safe to run any number of times."""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app may have a `demo.seed(context)`; they run in this order and share `context`.
DEMO_APPS = ["accounts", "plans", "metrics"]


class Command(BaseCommand):
    help = "Create (or bring back to their demo state) the demo users, units and content."

    def handle(self, *args, **options):
        context: dict = {}
        with transaction.atomic():
            for app in DEMO_APPS:
                if find_spec(f"{app}.demo") is not None:
                    import_module(f"{app}.demo").seed(context)
        people = context.get("people", {})
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(people)} demo users (password: demo)."))
        for username, user in people.items():
            self.stdout.write(f"  {username:<14} {user.full_name} – {user.title}, {user.unit}")
