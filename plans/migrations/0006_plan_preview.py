import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0005_channel_register_moved_out"),
    ]

    operations = [
        migrations.CreateModel(
            name="PlanPreview",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("snapshot", models.JSONField(verbose_name="snapshot")),
                ("snapshot_sha256", models.CharField(max_length=64, verbose_name="fingerprint of the content")),
                ("requested_at", models.DateTimeField(verbose_name="requested")),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                ("pdf", models.BinaryField(blank=True, null=True, verbose_name="PDF")),
                ("rendered_at", models.DateTimeField(blank=True, null=True, verbose_name="rendered")),
                ("error", models.CharField(blank=True, max_length=500, verbose_name="rendering error")),
                (
                    "plan",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE, related_name="preview", to="plans.plan"
                    ),
                ),
            ],
            options={
                "verbose_name": "draft preview",
                "verbose_name_plural": "draft previews",
            },
        ),
    ]
