"""`make bench`: the whole product measured on a region-sized dataset (see ops/benchmarks/)."""

import json
import os
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from kob_social.celery import app
from kob_social.testing.services import database_url_for
from ops.benchmarks import chain, dataset, http, jobs, pages, report, weekly_check, worker
from ops.benchmarks.measure import Floor, Result, interleaved
from ops.benchmarks.plan_pdf import sample_snapshot
from ops.region import region_size
from plans.domain.archive import fingerprint
from plans.pdf import StaticOnlyFetcher, write_pdf

PARTS = ["pages", "http", "chain", "jobs", "pdf", "celery", "weekly"]


class Command(BaseCommand):
    help = (
        "Measure every page, the approval chain, the scheduled jobs, the signed PDF, a Celery round "
        "trip and the HTTP throughput on a region-sized dataset, each against a floor measured in "
        "the same run; write bench/results.json and the table in docs/performance.md. Run it as "
        "`make bench` (DJANGO_SETTINGS_MODULE=kob_social.bench_settings)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="The region's size (1.0: 2,000 channels).")
        parser.add_argument("--pairs", type=int, default=7, help="Floor/target pairs per case, after a warm-up.")
        parser.add_argument("--http-seconds", type=int, default=10, help="Load per URL in the HTTP leg.")
        parser.add_argument("--only", help="Only the pages whose case contains this text.")
        parser.add_argument("--skip", action="append", default=[], choices=PARTS, help="Leave a part out.")
        parser.add_argument("--weekly-channels", type=int, default=10_000)
        parser.add_argument("--weekly-updates", type=int, default=1_000_000)
        parser.add_argument("--json", dest="json_path", default="bench/results.json")
        parser.add_argument("--doc", default="docs/performance.md", help="Where the table goes ('' for nowhere).")
        parser.add_argument("--celery-leg", action="store_true", help="Internal: the Celery round trip only.")

    def handle(self, *args, **options):
        if settings.ROOT_URLCONF != "ops.benchmarks.urls":
            raise CommandError("Run with DJANGO_SETTINGS_MODULE=kob_social.bench_settings (make bench does).")
        if options["celery_leg"]:
            results = worker.measure(pairs=options["pairs"])
            Path(options["json_path"]).write_text(json.dumps([result.as_json() for result in results]))
            return
        skip = set(options["skip"])
        today = timezone.localdate()
        meta = {
            "date": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            **report.machine(),
            "pairs": options["pairs"],
            "scale": options["scale"],
            "size": ", ".join(
                f"{value:,} {key}".replace(",", " ") for key, value in region_size(options["scale"]).items()
            ),
        }
        # Tasks queued by the code under test (and by the dataset's build) go nowhere in this
        # process: it measures the code.
        app.conf.broker_url = "memory://localhost/"
        app.conf.broker_transport_options = {}
        self.stderr.write(f"Datamängden (skala {options['scale']}) …")
        meta.update(dataset.prepare(options["scale"], today, out=self.stderr))
        pairs = options["pairs"]
        parts = {
            "pages": ("Sidorna", lambda: pages.measure(pairs=pairs, only=options["only"], out=self.stderr)),
            "http": ("HTTP", lambda: http.measure(seconds=options["http_seconds"], out=self.stderr)),
            "chain": ("Beslutskedjan", lambda: chain.measure(pairs=pairs)),
            "jobs": ("Schemalagda jobb", lambda: jobs.measure(out=self.stderr)),
            "pdf": ("Undertecknad PDF", lambda: [self.pdf(pairs)]),
            "celery": ("Celery", lambda: self.celery(pairs)),
            "weekly": (
                "Veckokontrollen i full skala",
                lambda: self.weekly(options["weekly_channels"], options["weekly_updates"]),
            ),
        }
        results: list[Result] = []
        for name, (label, measure) in parts.items():
            if name in skip:
                continue
            self.stderr.write(f"{label} …")
            try:
                results += measure()
            except Exception as exc:  # one part's failure is reported, and the others still run
                traceback.print_exc(file=sys.stderr)
                results.append(Result(name, label, "", 0, 0, 0, 0, 0, None, None, None, note=f"fel: {exc!r}"[:300]))
        body = report.write(
            results,
            meta,
            json_path=Path(options["json_path"]),
            doc_path=Path(options["doc"]) if options["doc"] else None,
        )
        self.stdout.write(body)

    def pdf(self, pairs: int) -> Result:
        snapshot = sample_snapshot()
        value = fingerprint(snapshot)

        def render(tables: bool):
            return lambda: write_pdf(
                snapshot, fingerprint=value, draft=False, fetcher=StaticOnlyFetcher(), tables=tables
            )

        return interleaved(
            "pdf",
            f"undertecknad plan, {len(snapshot['goals'])} mål",
            render(True),
            Floor("samma text utan tabeller", render(False)),
            pairs=pairs,
            size=len,
            goal="≤ 3×",
        )

    def celery(self, pairs: int) -> list[Result]:
        with tempfile.NamedTemporaryFile(suffix=".json") as handle:
            env = {
                **os.environ,
                "DJANGO_SETTINGS_MODULE": "kob_social.bench_settings",
                "DATABASE_URL": database_url_for(connection.settings_dict),
            }
            command = [
                sys.executable,
                "manage.py",
                "bench",
                "--celery-leg",
                "--pairs",
                str(pairs),
                "--json",
                handle.name,
            ]
            subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=True, timeout=600)  # noqa: S603 - ours
            rows = json.loads(Path(handle.name).read_text())
        return [Result(**{key: value for key, value in row.items() if key != "ratio"}) for row in rows]

    def weekly(self, channels: int, updates: int) -> list[Result]:
        """The weekly check at the size of its goal, with its own data in the same copy."""
        with dataset.empty_database():
            measured = weekly_check.run({"channels": channels, "updates": updates})
        return [
            Result(
                "jobb",
                f"veckokontrollen, {row.case}",
                "en grupperad COUNT",
                1,
                row.seconds,
                row.seconds,
                row.seconds,
                row.seconds,
                row.floor_seconds,
                row.queries,
                None,
                goal="< 10 s" if row.seconds < 10 else "missat: ≥ 10 s",
                basis="vägg",
            )
            for row in measured
        ]
