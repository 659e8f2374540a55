"""Limits of what a person writes (issue 11): a maximum length on every free-text field and
ranges on numbers and dates. Validators and a TextField's max_length live in Django's state
only: no column changes. The operations change the state alone, as SQLite would otherwise
rebuild each table once per altered text field for nothing. Rows stored before stay as they
are (the domain refuses to submit one that breaks a limit)."""

import django.core.validators
from django.db import migrations, models

import channel_register.models.channel
import plans.models.plan


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0006_plan_preview"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="closurerequest",
                    name="account_fate",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="What happens to the account?",
                    ),
                ),
                migrations.AlterField(
                    model_name="closurerequest",
                    name="followers_notice",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="How are the followers told?",
                    ),
                ),
                migrations.AlterField(
                    model_name="closurerequest",
                    name="measures_tried",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="What has been tried to make it work?",
                    ),
                ),
                migrations.AlterField(
                    model_name="closurerequest",
                    name="reason",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Why does the channel not work?",
                    ),
                ),
                migrations.AlterField(
                    model_name="closurerequest",
                    name="visitor_figures",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Visitor figures",
                    ),
                ),
                migrations.AlterField(
                    model_name="decision",
                    name="comment",
                    field=models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="comment",
                    ),
                ),
                migrations.AlterField(
                    model_name="goal",
                    name="baseline",
                    field=models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[plans.models.plan.not_negative],
                        verbose_name="Baseline",
                    ),
                ),
                migrations.AlterField(
                    model_name="goal",
                    name="deadline",
                    field=models.DateField(
                        blank=True, null=True, validators=[plans.models.plan.valid_deadline], verbose_name="Deadline"
                    ),
                ),
                migrations.AlterField(
                    model_name="goal",
                    name="target",
                    field=models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[plans.models.plan.not_negative],
                        verbose_name="Target value",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclosurerequest",
                    name="account_fate",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="What happens to the account?",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclosurerequest",
                    name="followers_notice",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="How are the followers told?",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclosurerequest",
                    name="measures_tried",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="What has been tried to make it work?",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclosurerequest",
                    name="reason",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Why does the channel not work?",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclosurerequest",
                    name="visitor_figures",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Visitor figures",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicaldecision",
                    name="comment",
                    field=models.TextField(
                        blank=True,
                        max_length=2000,
                        validators=[django.core.validators.MaxLengthValidator(2000)],
                        verbose_name="comment",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalgoal",
                    name="baseline",
                    field=models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[plans.models.plan.not_negative],
                        verbose_name="Baseline",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalgoal",
                    name="deadline",
                    field=models.DateField(
                        blank=True, null=True, validators=[plans.models.plan.valid_deadline], verbose_name="Deadline"
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalgoal",
                    name="target",
                    field=models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=12,
                        null=True,
                        validators=[plans.models.plan.not_negative],
                        verbose_name="Target value",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="accessibility_routine",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Accessibility routine",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="activities",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Activities planned in the channel to reach the goals",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="case_routine",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Routine for individual cases (enskilda ärenden) in the channel",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="channel_information",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Information shown on the channel",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="personal_data_note",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Personal data",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="purpose",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Purpose: why use this social medium, why this one in particular?",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="supervision",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Continuous supervision, also during vacations and other long leave",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="target_groups",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Target groups",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="terms_reviewed_on",
                    field=models.DateField(
                        blank=True,
                        null=True,
                        validators=[plans.models.plan.valid_review_date],
                        verbose_name="The platform's terms reviewed on",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="update_count",
                    field=models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[plans.models.plan.valid_update_count],
                        verbose_name="Number of updates",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalplan",
                    name="working_hours_per_week",
                    field=models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        validators=[channel_register.models.channel.valid_hours_per_week],
                        verbose_name="Working time for handling the channel (hours per week)",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="accessibility_routine",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Accessibility routine",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="activities",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Activities planned in the channel to reach the goals",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="case_routine",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Routine for individual cases (enskilda ärenden) in the channel",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="channel_information",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Information shown on the channel",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="personal_data_note",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Personal data",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="purpose",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Purpose: why use this social medium, why this one in particular?",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="supervision",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Continuous supervision, also during vacations and other long leave",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="target_groups",
                    field=models.TextField(
                        blank=True,
                        max_length=3000,
                        validators=[django.core.validators.MaxLengthValidator(3000)],
                        verbose_name="Target groups",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="terms_reviewed_on",
                    field=models.DateField(
                        blank=True,
                        null=True,
                        validators=[plans.models.plan.valid_review_date],
                        verbose_name="The platform's terms reviewed on",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="update_count",
                    field=models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[plans.models.plan.valid_update_count],
                        verbose_name="Number of updates",
                    ),
                ),
                migrations.AlterField(
                    model_name="plan",
                    name="working_hours_per_week",
                    field=models.DecimalField(
                        blank=True,
                        decimal_places=1,
                        max_digits=4,
                        null=True,
                        validators=[channel_register.models.channel.valid_hours_per_week],
                        verbose_name="Working time for handling the channel (hours per week)",
                    ),
                ),
            ],
        ),
    ]
