"""A real Redis and real Celery worker processes, sharing the test database.

The worker is a separate process, so it can only see what the tests commit: these tests
need PostgreSQL (DATABASE_URL=postgres://…, as CI's second pass) and redis-server. They
skip with the reason otherwise; with FANGZHA_REQUIRE_SERVICES=1 (CI) they fail instead.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.celery_broker import restore_broker, use_broker
from tests.processes import free_port, redis_server_command

ROOT = Path(__file__).resolve().parents[2]
QUEUES = "default,imports,media"


def _missing() -> str | None:
    if connection.vendor != "postgresql":
        return (
            "a worker process cannot see an SQLite test database; run with "
            "DATABASE_URL=postgres://… (CI's PostgreSQL pass does)"
        )
    if not shutil.which("redis-server") and not os.environ.get("REDIS_URL"):
        return "redis-server is not installed (apt-get install redis-server)"
    return None


@pytest.fixture(scope="session")
def redis_url():
    """The Redis in REDIS_URL (database 15, emptied first) if it answers, else a private
    redis-server on a free port."""
    reason = _missing()
    if reason:
        if os.environ.get("FANGZHA_REQUIRE_SERVICES") == "1":
            pytest.fail(f"worker tests are required here but {reason}", pytrace=False)
        pytest.skip(reason)
    given = os.environ.get("REDIS_URL")
    if given:
        import redis

        test_url = urlunsplit(urlsplit(given)._replace(path="/15"))
        try:
            redis.Redis.from_url(test_url, socket_connect_timeout=1).flushdb()
        except redis.RedisError as error:
            pytest.fail(f"REDIS_URL={given} does not answer: {error}", pytrace=False)
        yield test_url
        return
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="fangzha-redis-")
    server = subprocess.Popen(  # noqa: S603
        redis_server_command(port, workdir),
        stdout=subprocess.DEVNULL,
    )
    _wait_for_port(port, server)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def real_queue(redis_url, settings, monkeypatch):
    """This process sends tasks to Redis and reads progress from it, as the web app does."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": redis_url}
    }
    settings.TASKS = {"default": {"BACKEND": "core.task_backend.CeleryTaskBackend"}}
    use_broker(monkeypatch, redis_url, result_backend=redis_url)
    caches["default"].clear()
    yield redis_url
    caches["default"].clear()
    monkeypatch.undo()
    restore_broker()


class Worker:
    """`celery worker` in its own process group, so it can be killed like a crashed host."""

    def __init__(self, redis_url: str, settings, visibility_timeout: int):
        db = connection.settings_dict
        self.log = tempfile.NamedTemporaryFile(prefix="fangzha-worker-", suffix=".log")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.workers.worker_settings",
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
            "REDIS_URL": redis_url,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}"
            ),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "CELERY_VISIBILITY_TIMEOUT": str(visibility_timeout),
        }
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                QUEUES,
                "--pool",
                "solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
            ],
            env=env,
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL, no warning: what a power cut or the OOM killer does."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


@pytest.fixture
def start_worker(real_queue, settings):
    workers = []

    def start(visibility_timeout: int = 3600) -> Worker:
        worker = Worker(real_queue, settings, visibility_timeout)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def wait_until(condition, *, timeout: float, worker: Worker | None = None, what: str = ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.output()}")
        time.sleep(0.2)
    log = worker.output() if worker else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what}\n{log}")


def _wait_for_port(port: int, process, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("redis-server exited")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("redis-server did not start")
