"""Test settings: fast hashing, locmem cache, inline tasks, isolated media."""

import tempfile

from .base import *  # noqa: F403
from .base import os

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whatever REDIS_URL says, the suite runs tasks inline and caches in memory; the tests
# that need a real broker and worker start them (tests/workers).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_RESULT_BACKEND = None
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
PAGE_CACHE_SECONDS = 0  # tests of the page cache turn it on
CACHE_EPOCH_CHECK_SECONDS = 0  # a query now and then would upset query counts; tests turn it on
CELERY_BROKER_URL = "memory://"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="fangzha-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "campaigns.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
if os.environ.get("FANGZHA_TEST_DB"):
    # `make test-fast`: a file database that `pytest --reuse-db` migrates once, named after
    # the migrations so that a new migration gets a fresh one.
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["FANGZHA_TEST_DB"],
            "TEST": {"NAME": os.environ["FANGZHA_TEST_DB"]},
            # A throwaway file: no waiting for the disk.
            "OPTIONS": {"init_command": "PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY;"},
        }
    }
elif not os.environ.get("DATABASE_URL"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
STATIC_ROOT = tempfile.mkdtemp(prefix="fangzha-test-static-")
WHITENOISE_USE_FINDERS = True
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="fangzha-test-private-")
