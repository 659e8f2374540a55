"""The database refuses to change or delete audit events (audit/db.py says how, per database)."""

from django.db import migrations


def install(apps, schema_editor):
    from audit import db

    db.install(schema_editor)


def remove(apps, schema_editor):
    from audit import db

    db.remove(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_event")]

    operations = [migrations.RunPython(install, remove)]
