"""Local development and the demo: SQLite, inline tasks, console email."""

from .base import *  # noqa: F403
from .base import os

DEBUG = True
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")  # noqa: S105
ALLOWED_HOSTS = ["*"]
