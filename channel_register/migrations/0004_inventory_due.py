"""Issue 18: the day the next inventory confirmation is due, stored on the channel and indexed
(with the name, the order of the list of overdue inventories), instead of computed for every
channel on each read. Filled here for the channels that exist, by the rule as it stands
(channel_register.models.channel.inventory_due_on, copied: a migration must not follow later
changes of the model's code)."""

import datetime
import zoneinfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import migrations, models
from django.db.models import Max

INVENTORIED_STATUSES = ("aktiv", "pausad")
BATCH = 500


def due_on(since: datetime.datetime | None, zone) -> datetime.date | None:
    if since is None:
        return None
    return since.astimezone(zone).date() + relativedelta(months=6)


def fill_inventory_due(apps, schema_editor):
    Channel = apps.get_model("channel_register", "Channel")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    channels = (
        Channel.objects.using(schema_editor.connection.alias)
        .filter(status__in=INVENTORIED_STATUSES)
        .annotate(last_confirmed=Max("inventories__confirmed_at"))
        .order_by("pk")
    )
    changed = []
    for channel in channels.iterator(chunk_size=BATCH):
        channel.inventory_due = due_on(channel.last_confirmed or channel.activated_at, zone)
        if channel.inventory_due is not None:
            changed.append(channel)
    Channel.objects.using(schema_editor.connection.alias).bulk_update(changed, ["inventory_due"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_oidc"),
        ("channel_register", "0003_history_address"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="inventory_due",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="inventory due"),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(fields=["inventory_due", "name"], name="channel_inventory_due"),
        ),
        migrations.RunPython(fill_inventory_due, migrations.RunPython.noop),
    ]
