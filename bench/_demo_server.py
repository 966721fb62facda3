"""Serve the demo with gunicorn and production settings on a free loopback port (benchmarks)."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The demo is built and served as the tests' own server processes are (tests/processes.py).
sys.path.insert(0, str(ROOT))
from tests.processes import build_demo, free_port, gunicorn_command  # noqa: E402


@contextlib.contextmanager
def demo_server(*, workers: int = 2, extra_env: dict | None = None):
    """Yield the base URL of a production-configured demo served by gunicorn."""
    workdir = Path(tempfile.mkdtemp(prefix="fangzha-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "benchmark-only-secret-key-not-for-production-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SERVE_MEDIA": "1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{workdir / 'db.sqlite3'}"),
        "MEDIA_ROOT": str(workdir / "media"),
        "STATIC_ROOT": str(workdir / "static"),
        "LOG_LEVEL": "WARNING",
        **(extra_env or {}),
    }
    build_demo(env, port, users=False, collectstatic=True)
    server = subprocess.Popen(  # noqa: S603
        gunicorn_command(port, "--workers", str(workers)),
        env=env,
        cwd=ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=2)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the demo server did not start") from None
                time.sleep(0.3)
        # Visit the pages once so first-view work (renditions) is not measured.
        for path in ("/zh-hans/", "/zh-hans/materials/", "/en/"):
            urllib.request.urlopen(url + path, timeout=30).read()  # noqa: S310
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
