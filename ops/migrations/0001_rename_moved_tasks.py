"""The scheduled tasks that moved out of `plans` have new names; the beat rows that name them
(created by setup_schedules, possibly with times edited in the admin since) are renamed in
place, so that no job stops running after the upgrade. Reversible."""

from django.db import migrations
from django.utils import timezone

RENAMED = {
    "plans.tasks.weekly_rhythm_check": "channel_register.tasks.weekly_rhythm_check",
    "plans.tasks.screenshot_duties": "channel_register.tasks.screenshot_duties",
    "plans.tasks.read_feeds": "channel_register.tasks.read_feeds",
    "plans.tasks.read_feed": "channel_register.tasks.read_feed",
    "plans.tasks.warn_roster_gaps": "channel_register.tasks.warn_roster_gaps",
    "plans.tasks.remind_overdue_inventories": "channel_register.tasks.remind_overdue_inventories",
    "plans.tasks.warn_expiring_trainings": "accounts.tasks.warn_expiring_trainings",
}


def rename(apps, names: dict[str, str]) -> None:
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed = 0
    for old, new in names.items():
        changed += PeriodicTask.objects.filter(task=old).update(task=new)
    if changed:
        # Tell a running beat to read its schedule again (what PeriodicTask.save() would do).
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def forwards(apps, schema_editor):
    rename(apps, RENAMED)


def backwards(apps, schema_editor):
    rename(apps, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [("django_celery_beat", "0019_alter_periodictasks_options")]

    operations = [migrations.RunPython(forwards, backwards)]
