"""Helpers for tests that run the project, or a server it needs, in another process."""

import os
import socket
import subprocess
import sys
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
