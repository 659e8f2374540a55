"""Limits of what a person writes (issue 11): a maximum length on every free-text field and
ranges on numbers and dates. Validators and a TextField's max_length live in Django's state
only: no column changes. The operations change the state alone, as SQLite would otherwise
rebuild each table once per altered text field for nothing. Rows stored before stay as they
are (the domain refuses to submit one that breaks a limit)."""

import django.core.validators
from django.db import migrations, models

import channel_register.models.channel


class Migration(migrations.Migration):
    dependencies = [
        ("channel_register", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="agreement",
                    name="hours_per_week",
                    field=models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[channel_register.models.channel.valid_hours_per_week],
                        verbose_name="hours per week",
                    ),
                ),
                migrations.AlterField(
                    model_name="agreement",
                    name="tasks",
                    field=models.TextField(
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="tasks",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreement",
                    name="hours_per_week",
                    field=models.DecimalField(
                        decimal_places=1,
                        max_digits=4,
                        validators=[channel_register.models.channel.valid_hours_per_week],
                        verbose_name="hours per week",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalagreement",
                    name="tasks",
                    field=models.TextField(
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="tasks",
                    ),
                ),
                migrations.AlterField(
                    model_name="inventoryconfirmation",
                    name="note",
                    field=models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="note",
                    ),
                ),
                migrations.AlterField(
                    model_name="removalentry",
                    name="description",
                    field=models.TextField(
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="description",
                    ),
                ),
            ],
        ),
    ]
