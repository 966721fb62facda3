"""Real components for fault tests: a private PostgreSQL cluster and the site under gunicorn.

The cluster lives in a temporary folder on a free port and is thrown away afterwards; the
tests stop and restart it under a running server. They skip with a reason where the
PostgreSQL binaries or psycopg are missing; CI sets FANGZHA_REQUIRE_SERVICES=1 so that a
missing service fails the run instead.
"""

import concurrent.futures
import contextlib
import glob
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.processes import free_port, serving_gunicorn, site_env

try:
    import psycopg
except ImportError:  # pragma: no cover - the "postgres" extra
    psycopg = None

ROOT = Path(__file__).resolve().parents[2]
DATABASE = "fangzha"
SUPERUSER = "postgres"
THREADS = 4


def _pg_bindir() -> Path | None:
    """The newest Debian PostgreSQL install, else whatever `pg_ctl` is on the PATH."""
    candidates = sorted(
        (Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for bindir in reversed(candidates):
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _missing() -> str | None:
    if psycopg is None:
        return "psycopg is not installed (pip install -e '.[dev,postgres]')"
    if _pg_bindir() is None:
        return (
            "PostgreSQL binaries not found in /usr/lib/postgresql/*/bin or on the PATH"
            " (apt-get install postgresql)"
        )
    if os.geteuid() == 0:
        if not shutil.which("runuser"):
            return "running as root, and `runuser` is missing to run PostgreSQL as another user"
        try:
            import pwd

            pwd.getpwnam(SUPERUSER)
        except KeyError:
            return f"running as root, and there is no `{SUPERUSER}` user to run PostgreSQL as"
    return None


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("FANGZHA_REQUIRE_SERVICES") == "1":
        pytest.fail(
            f"PostgreSQL fault tests are required here (FANGZHA_REQUIRE_SERVICES=1) but {reason}",
            pytrace=False,
        )
    pytest.skip(reason)


def _log_tail(log: Path) -> str:
    return f"--- gunicorn log ---\n{_tail(log)}"


def _tail(path: Path, lines: int = 40) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(line[:400] for line in text.splitlines()[-lines:])


class PostgresCluster:
    """A throwaway cluster: trust authentication, loopback only, no durability needed."""

    def __init__(self, workdir: Path, bindir: Path):
        self.workdir = workdir
        self.bindir = bindir
        self.datadir = workdir / "data"
        self.socketdir = workdir / "sock"
        self.server_log = workdir / "postgres.log"
        self.ctl_log = workdir / "pg_ctl.log"
        self.port = free_port()
        self.url = f"postgres://{SUPERUSER}@127.0.0.1:{self.port}/{DATABASE}"

    @property
    def _options(self) -> str:
        return (
            f"-p {self.port} -k {self.socketdir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )

    def _run(self, program: str, *args: str, timeout: float = 60) -> None:
        command = [str(self.bindir / program), *args]
        if os.geteuid() == 0:  # initdb and pg_ctl refuse to run as root
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        # Output goes to a file, never a pipe: the postmaster inherits it and outlives us.
        with self.ctl_log.open("ab") as log:
            result = subprocess.run(  # noqa: S603
                command, stdout=log, stderr=log, cwd=self.workdir, timeout=timeout, check=False
            )
        if result.returncode:
            raise RuntimeError(
                f"{program} {' '.join(args)} exited with {result.returncode}:\n"
                f"{_tail(self.ctl_log)}\n--- server log ---\n{_tail(self.server_log)}"
            )

    def init(self) -> None:
        self.socketdir.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.workdir, user=SUPERUSER)
            shutil.chown(self.socketdir, user=SUPERUSER)
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            f"--username={SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        self.start()
        with self.connect(dbname="postgres") as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')

    def _pg_ctl(self, action: str, *options: str) -> None:
        """`pg_ctl ACTION` on this cluster, waiting up to 30 s for it to finish."""
        self._run("pg_ctl", "-D", str(self.datadir), *options, "-w", "-t", "30", action)

    def start(self) -> None:
        self._pg_ctl("start", "-l", str(self.server_log), "-o", self._options)

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl("stop", "-m", mode)

    def restart(self) -> None:
        self._pg_ctl("restart", "-l", str(self.server_log), "-o", self._options, "-m", "fast")

    def is_running(self) -> bool:
        return (self.datadir / "postmaster.pid").exists()

    def connect(self, dbname: str = DATABASE):
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=SUPERUSER,
            dbname=dbname,
            autocommit=True,
            connect_timeout=5,
        )

    def client_backends(self, query_like: str = "%") -> set[int]:
        """Process ids of the site's open connections (not this one), optionally by query."""
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s"
                " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                " AND query LIKE %s",
                [DATABASE, query_like],
            ).fetchall()
        return {row[0] for row in rows}


@dataclass
class Response:
    status: int
    body: str
    content_type: str
    seconds: float


class FaultServer:
    """The site in gunicorn: one worker, several threads, persistent database connections."""

    def __init__(self, url: str, process: subprocess.Popen, log: Path, threads: int):
        self.url = url
        self.threads = threads
        self.process = process
        self.log = log

    def get(self, path: str, timeout: float = 15) -> Response:
        """The response, whatever its status; a hang or a dropped connection fails the test."""
        started = time.monotonic()
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:  # noqa: S310
                status, raw, headers = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, headers = error.code, error.read(), error.headers
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, OSError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                raise AssertionError(
                    f"GET {path}: no answer within {timeout}s (hang)\n{self.log_tail()}"
                ) from error
            raise AssertionError(
                f"GET {path}: no HTTP response, the connection failed ({error!r})\n"
                + self.log_tail()
            ) from error
        return Response(
            status=status,
            body=raw.decode("utf-8", errors="replace"),
            content_type=headers.get("Content-Type", ""),
            seconds=time.monotonic() - started,
        )

    def get_in_background(self, path: str, timeout: float = 15) -> concurrent.futures.Future:
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        future = pool.submit(self.get, path, timeout)
        pool.shutdown(wait=False)
        return future

    def get_on_every_thread(self, path: str) -> list[Response]:
        """One request per worker thread, sent at once so that each lands on its own."""
        with concurrent.futures.ThreadPoolExecutor(max_workers=self.threads) as pool:
            return list(pool.map(lambda _: self.get(path), range(self.threads)))

    def log_tail(self) -> str:
        return _log_tail(self.log)


@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL cluster with an empty `fangzha` database, on a free port."""
    reason = _missing()
    if reason:
        _skip_or_fail(reason)
    # Not tmp_path: pytest's base folder is private to the current user, and as root the
    # cluster runs as `postgres`, which must reach its data folder.
    workdir = Path(tempfile.mkdtemp(prefix="fangzha-pg-"))
    cluster = PostgresCluster(workdir, _pg_bindir())
    try:
        cluster.init()
        yield cluster
    finally:
        if cluster.is_running():
            with contextlib.suppress(Exception):
                cluster.stop(mode="immediate")
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def database(postgres):
    """The cluster, running at the start of each test whatever the last one left."""
    if not postgres.is_running():
        postgres.start()
    return postgres


@pytest.fixture(scope="module")
def fault_server(postgres):
    """The migrated site served by gunicorn against the private cluster.

    Production settings (tests/faults/fault_settings.py) with CONN_MAX_AGE=600, so each
    worker thread keeps its connection between requests: after a database restart those
    connections are stale, which is the case worth testing.
    """
    workdir = postgres.workdir / "site"
    (workdir / "static").mkdir(parents=True)
    port = free_port()
    env = site_env(
        workdir,
        "tests.faults.fault_settings",
        postgres.url,
        CONN_MAX_AGE="600",
        PAGE_CACHE_SECONDS="0",  # every request must reach the database
    )
    env.pop("REDIS_URL", None)  # tasks inline, locmem cache: only the database can fail
    migrate = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if migrate.returncode:
        raise RuntimeError(f"migrate failed:\n{migrate.stdout}\n{migrate.stderr}")
    log = workdir / "gunicorn.log"
    options = ("--workers", "1", "--threads", str(THREADS), "--graceful-timeout", "5")
    with serving_gunicorn(port, env, log, *options, describe=lambda: _log_tail(log)) as process:
        yield FaultServer(f"http://127.0.0.1:{port}", process, log, THREADS)
