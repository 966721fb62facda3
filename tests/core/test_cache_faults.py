"""Cache faults: production's shared cache, a hung or dead Redis behind the circuit breaker
(core/cache_backend.py), the cache epoch kept in the database (core/cache_epoch.py),
made-up query strings and worker recycling. Real sockets, no Redis needed: a listener
that accepts and never answers stands for a paused Redis, a closed port for a dead one.
"""

import runpy
import socket
import threading
import time

import pytest
from django.core.cache import cache

from core import cache_backend, cache_epoch
from core.cache_backend import CircuitBreakerRedisCache
from core.checks import shared_cache
from core.models import CacheEpoch
from tests import factories
from tests.processes import ROOT, free_port, run_in_production

TIMEOUT = 0.3  # the socket timeouts these tests give the cache


class HungServer:
    """A TCP listener that accepts every connection and never sends a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held = []
        self.accepted = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)

    def close(self):
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def hung_server():
    server = HungServer()
    yield server
    server.close()


def redis_cache(port: int, open_seconds: float = 30) -> CircuitBreakerRedisCache:
    return CircuitBreakerRedisCache(
        f"redis://127.0.0.1:{port}/0",
        {
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": TIMEOUT,
                "SOCKET_TIMEOUT": TIMEOUT,
                "CIRCUIT_OPEN_SECONDS": open_seconds,
            }
        },
    )


def redis_settings(port: int, open_seconds: float = 30) -> dict:
    return {
        "default": {
            "BACKEND": "core.cache_backend.CircuitBreakerRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": TIMEOUT,
                "SOCKET_TIMEOUT": TIMEOUT,
                "CIRCUIT_OPEN_SECONDS": open_seconds,
            },
        }
    }


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def calls_a_page_makes(backend):
    """A dozen reads and writes, as one page render makes them."""
    backend.get_many(["site:cache-epoch", "page-cache:std:abc"])
    for n in range(5):
        backend.get(f"core:nav:{n}:e1")
        backend.set(f"core:nav:{n}:e1", "value", 60)
    backend.add("site:cache-epoch", 1, None)


# --- The circuit breaker ------------------------------------------------------------


@pytest.mark.parametrize("server", ["hung", "closed"])
def test_an_unreachable_redis_costs_one_short_timeout_then_calls_are_immediate(
    server, hung_server, caplog, db
):
    port = hung_server.port if server == "hung" else free_port()
    backend = redis_cache(port)

    value, first = timed(lambda: backend.get("site:cache-epoch"))
    assert value is None  # a miss, not an error
    assert first < TIMEOUT * 2 + 0.3

    _, page = timed(lambda: calls_a_page_makes(backend))
    assert page < 0.05, f"a page's cache calls took {page:.2f}s with the breaker open"
    _, pages = timed(lambda: [calls_a_page_makes(backend) for _ in range(50)])
    assert pages < 0.2
    assert backend.breaker.is_open
    if server == "hung":
        assert hung_server.accepted == 1  # the skipped calls never touched the network
    # Logged once, without a traceback per call.
    errors = [r for r in caplog.records if r.name == "core.cache_backend"]
    assert len(errors) == 1
    assert errors[0].exc_info is None
    assert "unreachable" in errors[0].getMessage()


def test_the_breaker_probes_again_after_the_interval_and_stays_open_while_redis_is_away(
    hung_server, caplog, db
):
    backend = redis_cache(hung_server.port, open_seconds=0.5)
    backend.get("a")
    assert backend.breaker.is_open
    time.sleep(0.6)
    _, probe = timed(lambda: backend.get("a"))  # one caller tries again, and fails
    assert TIMEOUT * 0.8 < probe < TIMEOUT * 2 + 0.3
    _, skipped = timed(lambda: backend.get("a"))
    assert skipped < 0.01
    assert hung_server.accepted == 2
    assert len([r for r in caplog.records if r.name == "core.cache_backend"]) == 2


def test_the_breaker_is_shared_by_every_thread_of_a_process(hung_server, db):
    first, second = redis_cache(hung_server.port), redis_cache(hung_server.port)
    first.get("a")
    _, took = timed(lambda: second.get("a"))
    assert took < 0.01
    assert second.breaker is first.breaker


class FakeRedisClient:
    """What the reconnect hook is given: django-redis's client, here a dict."""

    def __init__(self, **values):
        self.values = dict(values)

    def get(self, key, default=None):
        return self.values.get(key, default)

    def set(self, key, value, timeout=None):
        self.values[key] = value


class BreakerClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_the_reconnect_hook_runs_first_on_a_process_s_first_call_and_after_an_outage():
    clock = BreakerClock()
    breaker = cache_backend.CircuitBreaker("test", open_seconds=10, clock=clock)
    assert breaker.allow() == (True, True)  # first contact: check first
    assert breaker.allow() == (True, False)
    breaker.failure(ConnectionError("refused"))
    assert breaker.allow() == (False, False)
    clock.now += 10
    assert breaker.allow() == (True, True)  # the probe: check first
    assert breaker.allow() == (False, False)  # the others keep skipping during the probe
    breaker.success()
    assert breaker.allow() == (True, False)


# --- The cache epoch survives an outage --------------------------------------------------


def test_a_bump_that_cannot_reach_redis_is_kept_in_the_database(db, settings, hung_server):
    cache_epoch.bump_epoch()
    before = CacheEpoch.objects.get().value
    settings.CACHES = redis_settings(hung_server.port)

    _, took = timed(cache_epoch.bump_epoch)

    assert CacheEpoch.objects.get().value > before
    assert took < TIMEOUT * 2 + 0.5


def test_redis_coming_back_with_an_older_epoch_gets_the_database_s(db):
    cache_epoch.bump_epoch()
    stored = CacheEpoch.objects.get().value
    client = FakeRedisClient(**{cache_epoch.EPOCH_KEY: stored - 5})

    cache_epoch.restore_epoch(sender=None, client=client)

    assert client.values[cache_epoch.EPOCH_KEY] == stored


def test_a_newer_epoch_in_redis_is_left_alone(db):
    cache_epoch.bump_epoch()
    stored = CacheEpoch.objects.get().value
    client = FakeRedisClient(**{cache_epoch.EPOCH_KEY: stored + 5})
    cache_epoch.restore_epoch(sender=None, client=client)
    assert client.values[cache_epoch.EPOCH_KEY] == stored + 5


def test_a_worker_that_missed_the_outage_catches_up_within_the_check_interval(
    db, settings, monkeypatch
):
    """Another worker bumped the epoch while Redis was away; this one made no cache call
    then, so no reconnect hook runs here. Its periodic check against the database puts
    the bump into the cache: pages cached under the old epoch are not served."""
    from django.core.cache import cache

    cache_epoch.bump_epoch()
    stale = cache.get(cache_epoch.EPOCH_KEY)
    CacheEpoch.objects.filter(pk=1).update(value=stale + 100)  # the bump Redis never saw
    settings.CACHE_EPOCH_CHECK_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(cache_epoch.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(cache_epoch, "_last_database_check", [clock[0]])

    assert cache_epoch.current_epoch() == stale  # within the interval: not checked yet
    clock[0] += 10
    assert cache_epoch.current_epoch() == stale + 100
    assert cache.get(cache_epoch.EPOCH_KEY) == stale + 100


def test_a_publish_by_another_process_retires_cached_pages_within_the_check_interval(
    client, settings, site_tree, monkeypatch
):
    """The beat task (publish_scheduled) or a cron job publishes in its own process. Where
    the processes share no cache (the demo's per-process memory cache) its bump reaches
    only the database; the server's page cache must still stop serving copies from before
    it once CACHE_EPOCH_CHECK_SECONDS have passed, also when the copy is a cache hit."""
    settings.PAGE_CACHE_SECONDS = 600
    settings.CACHE_EPOCH_CHECK_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(cache_epoch.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(cache_epoch, "_last_database_check", [clock[0]])
    cache_epoch.bump_epoch()
    library = site_tree["library"].url
    assert client.get(library)["X-Page-Cache"] == "miss"
    assert client.get(library)["X-Page-Cache"] == "hit"

    other_process = CacheEpoch.objects.get().value + 100
    CacheEpoch.objects.filter(pk=1).update(value=other_process)  # its bump, not in our cache

    assert client.get(library)["X-Page-Cache"] == "hit"  # within the interval
    clock[0] += 10
    assert client.get(library)["X-Page-Cache"] == "miss"
    assert cache.get(cache_epoch.EPOCH_KEY) == other_process


def test_unpublishing_while_redis_is_away_retires_the_cached_page_when_it_returns(
    client, settings, site_tree
):
    """The page cache's copy, made before the unpublish, is never served afterwards:
    the epoch Redis kept is older than the database's, and the reconnect hook runs
    before the page cache's first read."""
    settings.PAGE_CACHE_SECONDS = 600
    guide = factories.GuidePageFactory(parent=site_tree["library"], title="冒充公检法的电话")
    assert client.get(guide.url)["X-Page-Cache"] == "miss"
    assert client.get(guide.url)["X-Page-Cache"] == "hit"
    kept = dict(cache._cache)  # what Redis holds when it is paused (locmem's own store)

    guide.unpublish()  # Redis away: the bump reaches only the database
    cache._cache.clear()
    cache._cache.update(kept)
    cache._expire_info.update({k: None for k in kept})

    # Redis answers again: the hook runs before the first call (as the breaker does).
    cache_epoch.restore_epoch(sender=None, client=cache)
    response = client.get(guide.url)
    assert response.status_code == 404


# --- Health --------------------------------------------------------------------------


def test_healthz_answers_quickly_and_reports_a_hung_cache(client, db, settings, hung_server):
    settings.CACHES = redis_settings(hung_server.port)
    for _ in range(3):
        response, took = timed(lambda: client.get("/healthz"))
        assert took < 2
        assert response.status_code == 503
        assert response.json()["cache"].startswith("error")
        assert response.json()["database"] == "ok"


# --- Made-up query strings ---------------------------------------------------------------


def test_made_up_query_parameters_are_served_uncached(client, settings, site_tree):
    settings.PAGE_CACHE_SECONDS = 600
    guide = factories.GuidePageFactory(parent=site_tree["library"], title="刷单返利")
    library = site_tree["library"].url
    for n in range(5):
        response = client.get(f"{guide.url}?x={n}abc")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response  # neither looked up nor stored
        response = client.get(f"{library}?utm_source=wechat{n}")
        assert "X-Page-Cache" not in response
    assert not [key for key in cache._cache if "page-cache" in key]
    # The parameters the views read are cached as before.
    assert client.get(f"{library}?page=1")["X-Page-Cache"] == "miss"
    assert client.get(f"{library}?page=1")["X-Page-Cache"] == "hit"
    assert client.get("/zh-hans/search/?q=刷单")["X-Page-Cache"] == "miss"
    assert client.get("/zh-hans/search/?q=刷单")["X-Page-Cache"] == "hit"


# --- Production's cache ------------------------------------------------------------------


PRINT_CACHES = (
    "import django, json; django.setup(); from django.conf import settings; "
    "print(json.dumps(settings.CACHES))"
)


@pytest.mark.processes
def test_production_without_redis_caches_in_the_database_and_check_deploy_says_so():
    result = run_in_production("-c", PRINT_CACHES, PYTHONPATH=f"{ROOT}:{ROOT / 'site'}")
    assert result.returncode == 0, result.stderr
    assert '"BACKEND": "core.cache_backend.ResilientDatabaseCache"' in result.stdout

    check = run_in_production(
        str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"
    )
    output = check.stdout + check.stderr
    assert check.returncode == 0, output
    assert "core.I001" in output
    assert "The 'default' cache is core.cache_backend.ResilientDatabaseCache" in output


@pytest.mark.processes
def test_production_with_redis_uses_the_circuit_breaker_backend():
    result = run_in_production(
        "-c", PRINT_CACHES, PYTHONPATH=f"{ROOT}:{ROOT / 'site'}", REDIS_URL="redis://h:1/0"
    )
    assert result.returncode == 0, result.stderr
    assert "core.cache_backend.CircuitBreakerRedisCache" in result.stdout


def test_check_deploy_refuses_a_per_process_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    messages = shared_cache(None)
    assert [m.id for m in messages] == ["core.E001"]
    assert messages[0].is_serious()
    assert "LocMemCache" in messages[0].msg


# --- Worker recycling ------------------------------------------------------------------


def test_gunicorn_recycles_workers_rarely_enough_for_the_throughput():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    # At 2,000 requests a second over 2 × cores workers, 5,000 meant a recycle every few
    # seconds; 10,000 + jitter keeps it to a few a minute at that peak.
    assert config["max_requests"] >= 10_000
    assert config["max_requests_jitter"] >= config["max_requests"] // 10


def test_the_database_cache_reads_an_unreachable_database_as_misses(db):
    """Production without Redis caches in the database; when that cannot answer (here:
    a missing table), the cache misses instead of failing the request."""
    from core.cache_backend import ResilientDatabaseCache

    broken = ResilientDatabaseCache("no_such_cache_table", {})
    assert broken.get("key", "fallback") == "fallback"
    assert broken.add("key", 1) is False
    assert broken.set("key", 1) is None
    assert broken.get_many(["a", "b"]) == {}
