from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from kob_social.schedules import SCHEDULES


class Command(BaseCommand):
    help = "Create the periodic jobs declared in kob_social/schedules.py that do not exist yet."

    @transaction.atomic
    def handle(self, *args, **options):
        created = 0
        for schedule in SCHEDULES:
            if PeriodicTask.objects.filter(name=schedule.name).exists():
                continue
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_week=schedule.day_of_week,
                day_of_month=schedule.day_of_month,
                month_of_year=schedule.month_of_year,
                timezone="Europe/Stockholm",
            )
            PeriodicTask.objects.create(
                name=schedule.name, task=schedule.task, crontab=crontab, description=schedule.description
            )
            created += 1
        self.stdout.write(f"Schedules: {created} created, {len(SCHEDULES) - created} already present.")
