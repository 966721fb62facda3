"""Helpers for tests that run the project, or a server it needs, in another process."""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nothing listens on (free again once this returns)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**extra: str) -> dict:
    """A production environment as the README documents it, without the test run's own
    database, Redis or async flag."""
    inherited = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **{k: v for k, v in os.environ.items() if k not in inherited},
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnop",
        "ALLOWED_HOSTS": "fangzha.example",
        **extra,
    }


def run_in_production(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run `python ARGS…` from the project root with production_env(**env)."""
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], capture_output=True, text=True, cwd=ROOT, env=production_env(**env)
    )


def build_demo(env: dict, port: int, *, users: bool = True, collectstatic: bool = False) -> None:
    """Build the README's demo into env's database, for a server on 127.0.0.1:PORT:
    migrate, compile the translations, (collect the static files,) load the pages, images
    and (unless users=False) demo accounts, then the campaigns."""
    commands = [["migrate", "--noinput"], ["compiletranslations"]]
    if collectstatic:
        commands.append(["collectstatic", "--noinput"])
    commands += [
        ["load_demo", *([] if users else ["--no-users"]), f"--host=127.0.0.1:{port}"],
        ["load_campaigns_demo"],
    ]
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in commands:
        subprocess.run([*manage, *command, "-v0"], env=env, check=True, cwd=ROOT)  # noqa: S603


def gunicorn_command(port: int, *options: str) -> list[str]:
    """The command that serves config.wsgi with gunicorn on 127.0.0.1:PORT, logging
    warnings and worse; OPTIONS (e.g. "--workers", "2") are passed on."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--pythonpath",
        str(ROOT / "site"),
        *options,
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]


@contextlib.contextmanager
def serving_gunicorn(
    port: int, env: dict, log: Path, *options: str, describe: Callable[[], str], timeout=30
) -> Iterator[subprocess.Popen]:
    """gunicorn_command(PORT, *OPTIONS) in ENV, its output appended to LOG; yields the
    process once /robots.txt answers (a RuntimeError with describe(), e.g. the log's tail,
    if it exits or stays silent for TIMEOUT seconds), and stops it afterwards (terminated,
    killed if still there after 10 s)."""
    with log.open("ab") as log_file:
        process = subprocess.Popen(  # noqa: S603
            gunicorn_command(port, *options), env=env, cwd=ROOT, stdout=log_file, stderr=log_file
        )
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {process.returncode}\n{describe()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer\n{describe()}") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def redis_server_command(port: int, workdir, *options: str) -> list[str]:
    """A throwaway redis-server on 127.0.0.1:PORT that writes nothing to disk (files, if
    any, in WORKDIR); OPTIONS (e.g. "--maxmemory", "64mb") are passed on."""
    return [
        shutil.which("redis-server"),
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(workdir),
        *options,
    ]


def site_env(workdir: Path, settings: str, database_url: str, **extra: str) -> dict:
    """The environment of a site served from WORKDIR (media, static and private files
    there) with SETTINGS against DATABASE_URL, as a fault test runs it; EXTRA on top."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        "DJANGO_SETTINGS_MODULE": settings,
        "SECRET_KEY": "fault-test-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "LOG_LEVEL": "WARNING",
        **extra,
    }
