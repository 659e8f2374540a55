"""Load the demo organisation, people and content. Safe to run any number of times.

With `--scale region`, instead: a region-sized dataset on an empty database (ops.region)."""

from importlib import import_module
from importlib.util import find_spec

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ops.region import FULL_SIZE, RegionNotEmpty, build_region
from overview.domain.standing import refresh_standings

# Each app may have a `demo.seed(context)`; they run in this order and share `context`.
DEMO_APPS = ["accounts", "plans", "metrics"]


class Command(BaseCommand):
    help = "Create (or bring back to their demo state) the demo users, units and content."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=["region"],
            help=(
                "region: instead of the demo, build a region-sized dataset on an empty database "
                f"({FULL_SIZE['channels']:,} channels, {FULL_SIZE['plans']:,} plans, "
                f"{FULL_SIZE['measurements']:,} measurements …; password of everyone: demo)."
            ),
        )
        parser.add_argument(
            "--fraction",
            type=float,
            default=1.0,
            help="With --scale region: shrink every count by this factor (e.g. 0.1).",
        )

    def handle(self, *args, scale=None, fraction=1.0, **options):
        if scale == "region":
            try:
                written = build_region(fraction, out=self.stdout)
            except (RegionNotEmpty, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS("Region ready: " + ", ".join(f"{k} {v}" for k, v in written.items())))
            self.judge()
            return
        context: dict = {}
        with transaction.atomic():
            for app in DEMO_APPS:
                if find_spec(f"{app}.demo") is not None:
                    import_module(f"{app}.demo").seed(context)
        people = context.get("people", {})
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {len(people)} demo users (password: demo)."))
        for username, user in people.items():
            self.stdout.write(f"  {username:<14} {user.full_name} – {user.title}, {user.unit}")
        self.judge()

    def judge(self):
        """The overview's lights of every channel, as the nightly job judges them: the demo's rows
        are written in bulk or before the overview's signals could see them all."""
        judged = refresh_standings(today=timezone.localdate())
        self.stdout.write(f"Overview judged for {judged['channels']} channels.")
