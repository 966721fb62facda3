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
max_requests = 5000
max_requests_jitter = 500
# The load balancer in front sets X-Forwarded-For/-Proto; trust it only from these hosts.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Off by default: the load balancer or proxy in front logs requests already.
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG") == "1" else None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
