"""Settings for the Redis fault tests' server: production's, plus test-only publish views.

Loaded only by the gunicorn process tests/faults/test_redis_faults.py starts, with
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL in its environment.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.faults.redis_fault_urls"
