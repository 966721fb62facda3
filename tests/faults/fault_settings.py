"""Settings for the fault tests' server: production's, plus one test-only view.

Loaded only by the gunicorn process that tests/faults/conftest.py starts, with
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in its environment.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.faults.fault_urls"

# The database is the one thing that fails in these tests: keep the cache off it (production
# without REDIS_URL caches in the database, which would fail along with it).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
