"""Settings for the fault tests' server: production's, plus one test-only view.

Loaded only by the gunicorn process that tests/faults/conftest.py starts, with
SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL in its environment.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "tests.faults.fault_urls"
