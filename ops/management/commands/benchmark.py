import json
from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kob_social.celery import app

BENCHMARKS = {
    "weekly_check": "ops.benchmarks.weekly_check",
    "plan_pdf": "ops.benchmarks.plan_pdf",
    "overview": "ops.benchmarks.overview",
}


class Command(BaseCommand):
    help = (
        "Run the benchmarks in a throwaway database and report wall time, queries and the ratio to "
        "a floor measured in the same run. Never part of the test suite's pass/fail."
    )

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help=f"Which of {', '.join(BENCHMARKS)} (default: all).")
        parser.add_argument("--channels", type=int, default=10_000, help="weekly_check: active channels.")
        parser.add_argument("--updates", type=int, default=1_000_000, help="weekly_check: update-log rows.")
        parser.add_argument(
            "--region-scale", type=float, default=1.0, help="overview: the region's size (1.0: 2,000 channels)."
        )
        parser.add_argument("--explain", action="store_true", help="overview: the plan of each of its queries.")
        parser.add_argument("--json", dest="json_path", help="Also write the results to this JSON file.")
        parser.add_argument(
            "--in-place",
            action="store_true",
            help="Use the current database instead of a throwaway one (the test suite's smoke test does; "
            "the benchmark empties the tables it fills).",
        )

    def handle(self, *args, names, json_path=None, in_place=False, **options):
        unknown = sorted(set(names) - set(BENCHMARKS))
        if unknown:
            raise CommandError(f"Unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}.")
        names = names or list(BENCHMARKS)
        # Tasks queued by the code under test go nowhere: the benchmark measures the code.
        app.conf.broker_url = "memory://localhost/"
        app.conf.broker_transport_options = {}
        results = []
        if in_place:
            for name in names:
                results += import_module(BENCHMARKS[name]).run(options)
            self.report(results, json_path)
            return
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(settings.VAR_DIR / "benchmark.sqlite3")
        else:
            test_settings["NAME"] = f"benchmark_{connection.settings_dict['NAME']}"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            for name in names:
                self.stderr.write(f"{name} …")
                results += import_module(BENCHMARKS[name]).run(options)
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
        self.report(results, json_path)

    def report(self, results, json_path):
        header = f"{'benchmark':<14} {'case':<34} {'seconds':>9} {'queries':>8} {'floor s':>9} {'ratio':>7}  note"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for result in results:
            floor = f"{result.floor_seconds:9.4f}" if result.floor_seconds else f"{'':>9}"
            ratio = f"{result.ratio:7.1f}" if result.ratio else f"{'':>7}"
            queries = "" if result.queries is None else result.queries
            self.stdout.write(
                f"{result.benchmark:<14} {result.case:<34} {result.seconds:9.4f} {queries:>8} {floor} {ratio}  "
                f"{result.note}"
            )
        if json_path:
            with open(json_path, "w", encoding="utf-8") as handle:
                json.dump(
                    [{**result.__dict__, "ratio": result.ratio} for result in results], handle, ensure_ascii=False
                )
