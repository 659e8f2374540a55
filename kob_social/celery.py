"""The Celery application. Configuration comes from Django settings (the CELERY_ prefix)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kob_social.settings")

app = Celery("kob_social")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
