"""The database restarts or goes away under a running site (real PostgreSQL, real gunicorn).

Each gunicorn worker thread keeps its database connection between requests
(CONN_MAX_AGE), so after a restart every one of them is stale. The request that was
running fails with the site's own error page; the next requests reconnect (Django's
connection health checks) without anyone restarting the application.
"""

import json
import time

import pytest

pytestmark = pytest.mark.postgres

SLEEP = "/faults/sleep/?seconds={}"
LONG_QUERY_SECONDS = 20  # how long the in-flight query would run if nothing stopped it
ERROR_PAGE_PHRASES = ("服务暂时不可用", "Something went wrong on our side")
LEAKS = (
    "traceback",
    "psycopg",
    "operationalerror",
    "pg_sleep",
    "select ",
    "terminating connection",
    "connection refused",
    "postgres",
    "django",
)


def assert_site_error_page(response):
    assert "text/html" in response.content_type
    for phrase in ERROR_PAGE_PHRASES:
        assert phrase in response.body
    body = response.body.lower()
    leaked = [word for word in LEAKS if word in body]
    assert not leaked, f"the error page shows internals: {leaked}"


def assert_all_threads_serve(server, worker_pid, old_backends=frozenset()):
    """Every worker thread answers from the same worker process on a live connection."""
    responses = server.get_on_every_thread(SLEEP.format(0.5))
    assert [r.status for r in responses] == [200] * server.threads, server.log_tail()
    served = [json.loads(r.body) for r in responses]
    assert {s["worker_pid"] for s in served} == {worker_pid}  # gunicorn was not restarted
    backends = {s["backend_pid"] for s in served}
    assert len(backends) == server.threads  # one connection per thread
    assert not backends & old_backends  # all of them new
    return backends


def assert_site_healthy(server):
    health = server.get("/healthz")
    assert health.status == 200, health.body
    assert json.loads(health.body)["database"] == "ok"
    sitemap = server.get("/sitemap.xml")
    assert sitemap.status == 200
    assert "<urlset" in sitemap.body


def test_request_running_when_the_database_restarts_fails_cleanly_and_the_next_succeed(
    fault_server, database
):
    # Warm up: every thread opens its connection and keeps it.
    worker_pid = json.loads(fault_server.get(SLEEP.format(0)).body)["worker_pid"]
    before = assert_all_threads_serve(fault_server, worker_pid)
    assert database.client_backends() == before  # persistent, still open between requests

    in_flight = fault_server.get_in_background(
        SLEEP.format(LONG_QUERY_SECONDS), timeout=LONG_QUERY_SECONDS + 10
    )
    deadline = time.monotonic() + 10
    while not database.client_backends("%pg_sleep%"):
        assert not in_flight.done(), in_flight.result()
        assert time.monotonic() < deadline, "the slow query never reached the database"
        time.sleep(0.05)
    database.restart()

    failed = in_flight.result(timeout=LONG_QUERY_SECONDS + 15)
    assert failed.status == 500, failed.body
    assert failed.seconds < LONG_QUERY_SECONDS / 2  # ended by the restart, not by the query
    assert_site_error_page(failed)

    assert_all_threads_serve(fault_server, worker_pid, old_backends=before)
    assert_site_healthy(fault_server)
    assert fault_server.process.poll() is None


def test_database_down_gives_quick_clean_errors_and_the_site_recovers_when_it_returns(
    fault_server, database
):
    worker_pid = json.loads(fault_server.get(SLEEP.format(0)).body)["worker_pid"]
    before = assert_all_threads_serve(fault_server, worker_pid)

    database.stop()

    page = fault_server.get("/sitemap.xml", timeout=10)
    assert page.status in (500, 503), page.body
    assert page.seconds < 5
    assert_site_error_page(page)

    health = fault_server.get("/healthz", timeout=10)
    assert health.status == 503
    assert health.seconds < 5
    checks = json.loads(health.body)
    assert checks.pop("status") == "error"
    assert checks.pop("database") == "error: OperationalError"
    # Without REDIS_URL, production caches in the database (core/checks.py): down with it,
    # read as misses (core.cache_backend.ResilientDatabaseCache).
    assert checks.pop("cache") in ("ok", "error: no value back"), checks
    assert all(value.startswith("ok") for value in checks.values()), checks  # the broker

    robots = fault_server.get("/robots.txt")  # what needs no database still works
    assert robots.status == 200
    assert "Sitemap:" in robots.body

    database.start()

    assert_all_threads_serve(fault_server, worker_pid, old_backends=before)
    assert_site_healthy(fault_server)
    assert fault_server.process.poll() is None
