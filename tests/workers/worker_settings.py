"""Settings for the Celery worker processes started by these tests: the test settings,
but with Redis as broker and cache, and the test run's database and media folders."""

from config.settings.test import *  # noqa: F403
from config.settings.test import os

REDIS_URL = os.environ["REDIS_URL"]
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True},
    }
}
CELERY_BROKER_URL = CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ALWAYS_EAGER = False
# A crashed worker's task is handed out again after the visibility timeout, found by a
# scan every unacked_restore_interval × unacked_restore_throttle seconds (100 by default);
# both are short here so that the test does not wait minutes.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ["CELERY_VISIBILITY_TIMEOUT"]),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
MEDIA_ROOT = os.environ["MEDIA_ROOT"]
PRIVATE_MEDIA_ROOT = os.environ["PRIVATE_MEDIA_ROOT"]
TASKS = {"default": {"BACKEND": "core.task_backend.CeleryTaskBackend"}}
