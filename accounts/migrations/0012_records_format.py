"""How registration numbers and records management references are written, kept by the
administrator in the admin (one row, with its history); until it is filled in, the installation's
settings apply, as before."""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0011_swedish_rules'),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalRecordsFormat',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_address', models.GenericIPAddressField(blank=True, null=True, verbose_name='address')),
                ('case_number_pattern', models.CharField(blank=True, help_text="A regular expression the whole registration number must match, e.g. [A-ZÅÄÖ]{1,8} ?\\d{4}[-/]\\d{1,6}. Empty: the installation's pattern.", max_length=200, verbose_name='pattern of a registration number')),
                ('case_number_example', models.CharField(blank=True, help_text='Shown to the person when a number does not match, e.g. KUN2026-00123.', max_length=40, verbose_name='example of a registration number')),
                ('records_reference_pattern', models.CharField(blank=True, help_text="A regular expression the whole reference must match, e.g. DHP \\d+(\\.\\d+)*. Empty: the installation's pattern.", max_length=200, verbose_name='pattern of a records management reference')),
                ('records_reference_example', models.CharField(blank=True, help_text='Shown to the person when a reference does not match, e.g. DHP 4.2.1.', max_length=200, verbose_name='example of a records management reference')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical format of records references',
                'verbose_name_plural': 'historical formats of records references',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='RecordsFormat',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('case_number_pattern', models.CharField(blank=True, help_text="A regular expression the whole registration number must match, e.g. [A-ZÅÄÖ]{1,8} ?\\d{4}[-/]\\d{1,6}. Empty: the installation's pattern.", max_length=200, verbose_name='pattern of a registration number')),
                ('case_number_example', models.CharField(blank=True, help_text='Shown to the person when a number does not match, e.g. KUN2026-00123.', max_length=40, verbose_name='example of a registration number')),
                ('records_reference_pattern', models.CharField(blank=True, help_text="A regular expression the whole reference must match, e.g. DHP \\d+(\\.\\d+)*. Empty: the installation's pattern.", max_length=200, verbose_name='pattern of a records management reference')),
                ('records_reference_example', models.CharField(blank=True, help_text='Shown to the person when a reference does not match, e.g. DHP 4.2.1.', max_length=200, verbose_name='example of a records management reference')),
            ],
            options={
                'verbose_name': 'format of records references',
                'verbose_name_plural': 'formats of records references',
                'constraints': [models.CheckConstraint(condition=models.Q(('pk', 1)), name='records_format_one_row')],
            },
        ),
    ]
