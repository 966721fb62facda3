"""gunicorn settings, read from the working directory: `gunicorn config.wsgi` (run from the
project root) picks them up. Every value can be overridden from the environment."""

import multiprocessing
import os

pythonpath = "site"
wsgi_app = "config.wsgi"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Pages are CPU-bound template rendering: one process per core and a second for the time
# one waits on the database; cached pages return in about a millisecond either way.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# Spreadsheet uploads up to 50 MB are parsed in the request (the large ones are queued):
# long enough for those, short enough that a stuck request is recycled.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so slow leaks in any library cannot grow without bound.
# Sized for the peak: at 2,000 requests a second (mostly page-cache hits), every 5,000
# requests meant 78 restarts in 3 minutes, each a cold worker re-importing Django and
# Wagtail. 10,000 + up to 2,000 of jitter (so workers started together do not restart
# together) halves that: one restart every ~5-6 s across all workers at that peak.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 10_000))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 5))
# The load balancer in front sets X-Forwarded-For/-Proto; trust it only from these hosts.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Off by default: the load balancer or proxy in front logs requests already.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


def post_worker_init(worker):
    """Each worker loads the Chinese segmenter's dictionary before its first request: the
    first search after a start or a recycle (max_requests) would otherwise wait ~1.5 s."""
    from core.search import warm

    warm()
