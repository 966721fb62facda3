"""Production settings plus the bare view and a query counter, for bench/wrk.py only."""

from config.settings.production import *  # noqa: F403
from config.settings.production import MIDDLEWARE

ROOT_URLCONF = "bench.wrk_urls"
MIDDLEWARE = ["bench.wrk_urls.QueryCountMiddleware", *MIDDLEWARE]
