"""Issue 19: the channel's reference to the records management plan (arkivlagen), set from the
approved plan and kept in the history; and the registration numbers of the removal log and the
screenshot records checked against the case system's pattern (accounts.records). A validator
is no schema change: numbers stored before are kept as they are (the removal log is
append-only) and only what is written from now on is checked."""

from django.db import migrations, models

import accounts.records


class Migration(migrations.Migration):
    dependencies = [
        ("channel_register", "0005_list_order_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="channel",
            name="records_reference",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[accounts.records.valid_records_reference],
                verbose_name="Reference to the records management plan",
            ),
        ),
        migrations.AddField(
            model_name="historicalchannel",
            name="records_reference",
            field=models.CharField(
                blank=True,
                max_length=200,
                validators=[accounts.records.valid_records_reference],
                verbose_name="Reference to the records management plan",
            ),
        ),
        migrations.AlterField(
            model_name="removalentry",
            name="diarienummer",
            field=models.CharField(
                blank=True,
                max_length=40,
                validators=[accounts.records.valid_case_number],
                verbose_name="registration number",
            ),
        ),
        migrations.AlterField(
            model_name="screenshot",
            name="diarienummer",
            field=models.CharField(
                blank=True,
                max_length=40,
                validators=[accounts.records.valid_case_number],
                verbose_name="registration number",
            ),
        ),
    ]
