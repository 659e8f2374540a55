"""Create the five role groups so that they exist on every installation, demo data or not."""

from django.db import migrations

ROLE_GROUPS = ["Medarbetare", "Chef", "Kommunikationsansvarig", "Kulturdirektör", "Systemadministratör"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
