"""The Celery app. Without REDIS_URL the settings make tasks run inline (the demo)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("fangzha")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
