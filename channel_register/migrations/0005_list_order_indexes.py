"""Issue 18: indexes matching the channel list's order (name, pk), unfiltered, by status and by
unit, so that a page of the list is read in index order instead of sorted in full."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_oidc"),
        ("channel_register", "0004_inventory_due"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(fields=["name"], name="channel_name"),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(fields=["status", "name"], name="channel_status_name"),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(fields=["unit", "name"], name="channel_unit_name"),
        ),
    ]
