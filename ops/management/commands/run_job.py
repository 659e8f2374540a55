import datetime
import inspect
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

from kob_social.schedules import JOBS


class Command(BaseCommand):
    help = (
        "Run one scheduled job now, in this process, as if it were the given day (default: today in "
        "Europe/Stockholm). Jobs are idempotent: running one twice for the same day changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("job", choices=sorted(JOBS), help="The job's name (see kob_social/schedules.py).")
        parser.add_argument("--date", help="The day to run it for, YYYY-MM-DD (default: today).")

    def handle(self, *args, job, date=None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date must be YYYY-MM-DD, not {date!r}") from exc
        function = import_string(JOBS[job].function)
        if "today" in inspect.signature(function).parameters:
            result = function(today=today)
        else:
            result = function()
        self.stdout.write(f"{job} {today.isoformat()}: {json.dumps(result, sort_keys=True, default=str)}")
