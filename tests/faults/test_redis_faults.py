"""Redis paused (SIGSTOP: accepts, never answers) or killed under a running site (real
redis-server, real PostgreSQL, real gunicorn with the page cache on).

The first request pays one short timeout, then the circuit breaker (core/cache_backend.py)
skips Redis and pages come from the database: no 500, p99 under a second, /healthz
within 2 s reporting the cache down, publishing works. A page unpublished while Redis was
away is not served from a copy Redis kept once it answers again: the cache epoch was
bumped in the database, and put back into Redis before anything else is read
(core/cache_epoch.py). Skips where redis-server or PostgreSQL is missing, fails instead
with FANGZHA_REQUIRE_SERVICES=1 (CI's PostgreSQL + Redis lane).
"""

import contextlib
import json
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.faults.conftest import ROOT, _skip_or_fail, _tail
from tests.processes import free_port, redis_server_command, serving_gunicorn, site_env

pytestmark = pytest.mark.postgres

THREADS = 4
OPEN_SECONDS = 1  # the breaker's interval in this server (CACHE_CIRCUIT_OPEN_SECONDS)
PAGES = ("{guide}", "/zh-hans/", "/zh-hans/materials/", "/zh-hans/search/?q=电话", "/sitemap.xml")

SETUP = """
from tests import factories
from tests.site_tree import build_site_tree, site_tree_objects
build_site_tree()
library = site_tree_objects()["library"]
guide = factories.GuidePageFactory(parent=library, title="冒充公检法的电话", slug="police-call")
print(guide.pk, guide.url)
"""


class RedisServer:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            redis_server_command(
                self.port, self.workdir, "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while (
            subprocess.run(  # noqa: S603
                [shutil.which("redis-cli"), "-p", str(self.port), "ping"],
                capture_output=True,
                check=False,
            ).stdout.strip()
            != b"PONG"
        ):
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.1)

    def pause(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.resume()
            self.kill()


class Site:
    def __init__(self, url, process, log, guide_id, guide_url):
        self.url = url
        self.process = process
        self.log = log
        self.guide_id = guide_id
        self.guide_url = guide_url

    def get(self, path, method="GET", timeout=15):
        """(status, X-Page-Cache header, body, seconds); a hang fails the test."""
        started = time.monotonic()
        url = self.url + urllib.parse.quote(path, safe="/?=&")
        request = urllib.request.Request(url, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        except OSError as error:
            raise AssertionError(f"{method} {path}: no answer ({error!r})\n{self.tail()}") from None
        return status, headers.get("X-Page-Cache"), body.decode(), time.monotonic() - started

    def publish(self, live: bool):
        return self.get(
            f"/faults/{'publish' if live else 'unpublish'}/{self.guide_id}/", method="POST"
        )

    def tail(self):
        return _log_report(self.log)


def _log_report(log):
    """The log's last lines, and the end of the last traceback logged."""
    last_error = ""
    for line in log.read_text(errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            last_error = json.loads(line).get("exception", "")[-1500:] or last_error
    return f"--- gunicorn log ---\n{_tail(log)}\n--- last traceback ---\n{last_error}"


@pytest.fixture(scope="module")
def redis(postgres):
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        _skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(postgres.workdir)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(postgres, redis):
    workdir = postgres.workdir / "redis-site"
    (workdir / "static").mkdir(parents=True)
    port = free_port()
    env = site_env(
        workdir,
        "tests.faults.redis_fault_settings",
        postgres.url,
        REDIS_URL=redis.url,
        PAGE_CACHE_SECONDS="600",
        CACHE_CIRCUIT_OPEN_SECONDS=str(OPEN_SECONDS),
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    setup = (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"])
    for command in (*setup, ["shell", "-c", SETUP]):
        done = subprocess.run(  # noqa: S603
            [*manage, *command], env=env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        if done.returncode:
            raise RuntimeError(f"{command[0]} failed:\n{done.stdout}\n{done.stderr}")
    guide_id, guide_url = done.stdout.split()[-2:]
    guide_url = "/" + guide_url.split("/", 3)[-1] if "://" in guide_url else guide_url
    log = workdir / "gunicorn.log"
    options = ("--workers", "1", "--threads", str(THREADS))
    with serving_gunicorn(port, env, log, *options, describe=lambda: _log_report(log)) as process:
        yield Site(f"http://127.0.0.1:{port}", process, log, int(guide_id), guide_url)


def p99(seconds):
    ordered = sorted(seconds)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def browse(site, rounds=8):
    """Every page `rounds` times; returns the timings, asserting none failed."""
    timings = []
    for _ in range(rounds):
        for page in PAGES:
            path = page.format(guide=site.guide_url)
            status, _, body, seconds = site.get(path)
            assert status < 500, f"{path}: {status}\n{site.tail()}"
            timings.append(seconds)
    return timings


def warm_and_cached(site):
    status, _, _, _ = site.publish(live=True)
    assert status == 200, site.tail()
    site.get(site.guide_url)
    status, cached, body, _ = site.get(site.guide_url)
    assert status == 200 and cached == "hit", site.tail()
    assert "冒充公检法的电话" in body


def cache_log_lines(site):
    return [
        line
        for line in site.log.read_text(errors="replace").splitlines()
        if "core.cache_backend" in line or "Cache redis" in line
    ]


@contextlib.contextmanager
def paused(redis):
    redis.pause()
    try:
        yield
    finally:
        redis.resume()


def test_a_paused_redis_costs_one_short_timeout_and_no_stale_page_after_it_resumes(site, redis):
    warm_and_cached(site)
    logged_before = len(cache_log_lines(site))

    with paused(redis):
        timings = browse(site)
        assert p99(timings) < 1, sorted(timings)[-5:]

        status, _, body, seconds = site.get("/healthz")
        assert seconds < 2
        assert status == 503
        assert json.loads(body)["cache"].startswith("error")

        status, _, _, seconds = site.publish(live=False)
        assert status == 200, site.tail()
        assert seconds < 5
        status, _, _, _ = site.get(site.guide_url)
        assert status == 404  # from the database, while Redis is away

    time.sleep(OPEN_SECONDS + 0.5)
    # Redis kept the page and the old epoch; the database's epoch is put back first.
    for _ in range(3):
        status, _, _, _ = site.get(site.guide_url)
        assert status == 404, "the page unpublished while Redis was paused is served again"
    assert site.get("/healthz")[0] == 200

    logged = cache_log_lines(site)[logged_before:]
    assert 1 <= len(logged) <= 10, logged  # once per interval, not per call
    assert "Traceback" not in site.log.read_text(errors="replace")


def test_a_killed_redis_costs_one_short_timeout_and_publishing_still_works(site, redis):
    warm_and_cached(site)

    redis.kill()
    try:
        timings = browse(site)
        assert p99(timings) < 1, sorted(timings)[-5:]
        status, _, _, seconds = site.publish(live=False)
        assert status == 200 and seconds < 5, site.tail()
        assert site.get(site.guide_url)[0] == 404
        health = site.get("/healthz")
        assert health[0] == 503 and health[3] < 2
    finally:
        redis.start()

    time.sleep(OPEN_SECONDS + 0.5)
    assert site.get(site.guide_url)[0] == 404
    warm_and_cached(site)  # Redis is used again
