#!/usr/bin/env python
"""The full local stack: web, Celery worker and beat on PostgreSQL and Redis (`make stack`).

DATABASE_URL and REDIS_URL from the environment are used as they are; without them a private
PostgreSQL cluster and Redis server are started with their data under .stack/. Then the
database is migrated and the demo loaded (idempotent), and runserver, a worker and beat run
with their output prefixed by name. Ctrl-C or SIGTERM stops everything; if one process
exits, the others are stopped and the exit status is non-zero.
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / ".stack"
PYTHON = sys.executable
DB_NAME = DB_USER = "fangzha"
# Task routing (settings CELERY_TASK_ROUTES) sends work to these three queues.
QUEUES = "default,imports,media"
COLOURS = ["36", "33", "32", "35", "34", "31"]


class Stop(Exception):
    """A signal asked the stack to stop."""


def fail(message: str) -> None:
    print(f"stack: {message}", file=sys.stderr)
    sys.exit(1)


class Processes:
    """Children in their own process groups, output prefixed by name (like honcho)."""

    def __init__(self) -> None:
        self.running: list[tuple[str, subprocess.Popen]] = []
        self.lock = threading.Lock()
        self.colours: dict[str, str] | None = None
        if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
            self.colours = {}

    def say(self, name: str, text: str) -> None:
        prefix = f"{name:<8}|"
        if self.colours is not None:
            colour = self.colours.setdefault(name, COLOURS[len(self.colours) % len(COLOURS)])
            prefix = f"\033[{colour}m{prefix}\033[0m"
        with self.lock:
            for line in text.splitlines():
                print(f"{prefix} {line}", flush=True)

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        process = subprocess.Popen(  # noqa: S603 (our own fixed commands)
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches only us; we stop children in order
        )
        self.running.append((name, process))
        threading.Thread(target=self._pipe, args=(name, process), daemon=True).start()
        return process

    def _pipe(self, name: str, process: subprocess.Popen) -> None:
        for raw in process.stdout:
            self.say(name, raw.decode(errors="replace").rstrip())

    def run(self, name: str, command: list[str], env: dict[str, str]) -> None:
        """Run a setup step to the end; a failure stops the stack."""
        process = self.start(name, command, env)
        try:
            process.wait()
        finally:
            if process.poll() is not None:
                self.running.remove((name, process))
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command[1:3])} failed (exit {process.returncode})")

    def exited(self) -> tuple[str, int] | None:
        for name, process in self.running:
            if process.poll() is not None:
                return name, process.returncode
        return None

    def stop(self, names: set[str], sig: int, timeout: float) -> None:
        group = [(n, p) for n, p in self.running if n in names]
        for _, process in group:
            # The whole group: a leader that died may have left children behind.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
        deadline = time.monotonic() + timeout
        for name, process in group:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say("stack", f"{name} did not stop in {timeout:.0f}s; killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            self.running.remove((name, process))

    def stop_all(self) -> None:
        # The app first, while the database and broker are still there; then those.
        self.stop({"web", "worker", "beat"}, signal.SIGTERM, 15)
        self.stop({"postgres"}, signal.SIGINT, 20)  # SIGINT: PostgreSQL's fast shutdown
        self.stop({"redis"}, signal.SIGTERM, 10)
        self.stop({name for name, _ in self.running}, signal.SIGTERM, 5)


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(ready, what: str, process: subprocess.Popen | None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited (code {process.returncode}) while starting")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready after {timeout:.0f}s")
        time.sleep(0.3)


def postgres_binaries() -> Path | None:
    """The newest Debian PostgreSQL (/usr/lib/postgresql/N/bin), else the one on PATH."""
    installed = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "initdb").exists()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if installed:
        return installed[-1]
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("postgres") else None


def as_postgres(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_postgres(procs: Processes, bin_dir: Path, port: int) -> str:
    data, sockets = STACK / "postgres", STACK / "run"
    for folder in (data, sockets):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        procs.run(
            "initdb",
            as_postgres(
                [str(bin_dir / "initdb"), "-D", str(data), "--auth=trust", "--encoding=UTF8"]
                + ["--locale=C.UTF-8", f"--username={DB_USER}"]
            ),
            dict(os.environ),
        )
    process = procs.start(
        "postgres",
        as_postgres(
            [str(bin_dir / "postgres"), "-D", str(data), "-p", str(port)]
            + ["-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={sockets}"]
        ),
        dict(os.environ),
    )

    import psycopg

    def connect():
        return psycopg.connect(
            host="127.0.0.1", port=port, user=DB_USER, dbname="postgres", connect_timeout=2
        )

    def ready() -> bool:
        try:
            connect().close()
            return True
        except psycopg.OperationalError:
            return False

    wait_until(ready, "PostgreSQL", process)
    with connect() as connection:
        connection.autocommit = True
        if not connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]
        ).fetchone():
            connection.execute(f'CREATE DATABASE "{DB_NAME}"')
    return f"postgres://{DB_USER}@127.0.0.1:{port}/{DB_NAME}"


def start_redis(procs: Processes, server: str, port: int) -> str:
    data = STACK / "redis"
    data.mkdir(parents=True, exist_ok=True)
    process = procs.start(
        "redis",
        [server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data)]
        + ["--save", "", "--appendonly", "no", "--daemonize", "no"],
        dict(os.environ),
    )
    url = f"redis://127.0.0.1:{port}/0"

    import redis

    def ready() -> bool:
        try:
            return redis.Redis.from_url(url, socket_timeout=1).ping()
        except redis.RedisError:
            return False

    wait_until(ready, "Redis", process)
    return url


def hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))
    return url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000, help="web port (8000)")
    parser.add_argument("--pg-port", type=int, default=5433, help="private PostgreSQL (5433)")
    parser.add_argument("--redis-port", type=int, default=6380, help="private Redis (6380)")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    pg_bin = None if database_url else postgres_binaries()
    redis_server = None if redis_url else shutil.which("redis-server")
    missing = [
        *(["postgresql"] if not database_url and pg_bin is None else []),
        *(["redis-server"] if not redis_url and redis_server is None else []),
    ]
    if missing:
        fail(
            f"{' and '.join(missing)} not installed: apt-get install {' '.join(missing)} "
            "(or set DATABASE_URL / REDIS_URL to running servers). `make demo` needs neither."
        )
    wanted = [("web", args.port)]
    wanted += [("PostgreSQL", args.pg_port)] if not database_url else []
    wanted += [("Redis", args.redis_port)] if not redis_url else []
    for what, port in wanted:
        if port_in_use(port):
            fail(f"port {port} ({what}) is in use: is a stack already running? See --help.")

    def on_signal(signum, frame):
        raise Stop(signal.Signals(signum).name)

    # SIGINT too: a shell starts background jobs with it ignored, which Python would inherit.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    procs = Processes()
    status = 0
    try:
        STACK.mkdir(exist_ok=True)
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        if not database_url:
            database_url = start_postgres(procs, pg_bin, args.pg_port)
            # Uploads belong with the private database: `rm -rf .stack` resets both.
            env.setdefault("MEDIA_ROOT", str(STACK / "media"))
            env.setdefault("PRIVATE_MEDIA_ROOT", str(STACK / "private_media"))
        if not redis_url:
            redis_url = start_redis(procs, redis_server, args.redis_port)
        env.update(DATABASE_URL=database_url, REDIS_URL=redis_url)
        env.setdefault("WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{args.port}")
        # Celery imports `config` from site/, the source root manage.py puts on sys.path.
        paths = [str(ROOT / "site"), env.get("PYTHONPATH", "")]
        env["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)

        manage = [PYTHON, "manage.py"]
        procs.run("setup", [*manage, "migrate", "--noinput"], env)
        procs.run("setup", [*manage, "compiletranslations"], env)
        procs.run("setup", [*manage, "load_demo", "--host", f"127.0.0.1:{args.port}"], env)
        procs.run("setup", [*manage, "load_campaigns_demo"], env)

        celery = [PYTHON, "-m", "celery", "-A", "config"]
        web = procs.start("web", [*manage, "runserver", f"127.0.0.1:{args.port}"], env)
        procs.start("worker", [*celery, "worker", "-l", "info", "-Q", QUEUES], env)
        schedule = STACK / "celerybeat-schedule"
        procs.start("beat", [*celery, "beat", "-l", "info", "--schedule", str(schedule)], env)

        wait_until(lambda: port_in_use(args.port), "runserver", web, timeout=120)
        url = f"http://127.0.0.1:{args.port}"

        def origin(name: str) -> str:
            return "from the environment" if name in os.environ else "private, in .stack/"

        procs.say(
            "stack",
            f"ready: {url}/  admin {url}/admin/  health {url}/healthz\n"
            f"  database  {hide_password(database_url)} ({origin('DATABASE_URL')})\n"
            f"  redis     {hide_password(redis_url)} ({origin('REDIS_URL')}):"
            " cache, Celery broker and results\n"
            f"  celery    worker on queues {QUEUES}; beat schedule in .stack/\n"
            "  accounts  the demo accounts in the README (admin / fangzha-admin, ...)\n"
            "  Ctrl-C stops everything.",
        )
        while (gone := procs.exited()) is None:
            time.sleep(0.5)
        procs.say("stack", f"{gone[0]} exited with code {gone[1]}; stopping the rest")
        status = 1
    except Stop as stop:
        procs.say("stack", f"{stop}: stopping")
    except (RuntimeError, OSError) as error:
        procs.say("stack", f"error: {error}; stopping")
        status = 1
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)  # finish the shutdown we started
        procs.stop_all()
    procs.say("stack", "stopped")
    return status


if __name__ == "__main__":
    sys.exit(main())
