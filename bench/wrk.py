"""Throughput of the public site with wrk: a bare view (the stack's ceiling), the home page,
a guide page and a search with posters among its results, with the page cache on and off,
served like production.

    .venv/bin/python bench/wrk.py [--duration 10] [--connections 16] [--threads 1] [--repeat 3]
    .venv/bin/python bench/wrk.py --pages bare,search --page-cache 0   # uncached search only
    DATABASE_URL=postgres://… .venv/bin/python bench/wrk.py   # on PostgreSQL
    .venv/bin/python bench/wrk.py --max-requests 5000       # with gunicorn.conf.py's recycling

Needs wrk and redis-server (Debian packages). Starts its own Redis on a free loopback port
(the cache, as in production), then serves the demo twice with gunicorn (2 workers,
gunicorn.conf.py without worker recycling, production settings, SQLite in a temporary
folder unless DATABASE_URL is set): once with PAGE_CACHE_SECONDS=0 and once with
PAGE_CACHE_SECONDS=600. Each URL is warmed, checked (size, X-Page-Cache, SQL queries),
then measured --repeat times in rounds, the best run kept (the machine may be busy with
other work). Ratios are to the bare view with the page cache off. wrk sends no
Accept-Encoding, so every response is uncompressed.
This is a benchmark, not a test: record the figures in docs/benchmarks.md.
"""

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _demo_server import demo_server, free_port  # noqa: E402

SETTINGS = "bench.wrk_settings"
BARE = "/bench/bare/"
HOME = "/zh-hans/"
# 养老 ("pension"): a poster (高息养老项目多半是陷阱) and illustrated guides among the results.
SEARCH = "/zh-hans/search/?q=%E5%85%BB%E8%80%81"
PAGES = ("bare", "home", "guide", "search")
GUIDE_PATTERN = re.compile(r"<loc>https?://[^/<]+(/zh-hans/materials/guide-[^<]*)</loc>")
# page cache seconds -> minimum share of the bare view's requests/s for home and guide
TARGETS = {0: 0.05, 600: 0.70}
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@contextlib.contextmanager
def redis_server():
    """Yield the URL of a throwaway Redis (no persistence) on a free loopback port."""
    if not shutil.which("redis-server"):
        sys.exit("redis-server not found: apt-get install -y redis-server")
    workdir = tempfile.mkdtemp(prefix="fangzha-wrk-redis-")
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",  # noqa: S607
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


def fetch(url: str, headers: dict | None = None) -> tuple[bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.read(), {k.lower(): v for k, v in response.headers.items()}


def guide_path(base: str) -> str:
    sitemap, _ = fetch(base + "/sitemap.xml")
    found = GUIDE_PATTERN.findall(sitemap.decode())
    if not found:
        raise RuntimeError("no /zh-hans/ guide page in the sitemap")
    return sorted(found)[0]


def wrk(url: str, *, threads: int, connections: int, duration: int) -> dict:
    output = subprocess.run(  # noqa: S603
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percent in ("50", "99"):
        value, unit = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M).groups()
        result[f"p{percent}"] = float(value) * UNITS[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    result["problems"] = ", ".join(
        text
        for text in (
            bad and f"{bad.group(1)} non-2xx/3xx responses",
            errors and f"socket errors: {errors.group(1)}",
        )
        if text
    )
    return result


def check(url: str, seconds: int) -> dict:
    """Size, X-Page-Cache and SQL queries of one (warm) response."""
    body, headers = fetch(url, {"X-Bench-Queries": "1"})
    state = headers.get("x-page-cache", "—")
    if seconds and "/bench/" not in url and state != "hit":
        print(
            f"WARNING: {url} with PAGE_CACHE_SECONDS={seconds} answered X-Page-Cache: "
            f"{state}: the page cache is not active.",
            file=sys.stderr,
        )
    return {"bytes": len(body), "cache": state, "queries": int(headers.get("x-bench-queries", -1))}


def measure_server(seconds: int, redis_url: str, args: argparse.Namespace) -> list[dict]:
    """Serve the demo with PAGE_CACHE_SECONDS=seconds; the best of args.repeat runs per page."""
    env = {
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PAGE_CACHE_SECONDS": str(seconds),
        # Read by gunicorn after gunicorn.conf.py, whose worker recycling (every ~5,000
        # requests) would otherwise restart each worker every few seconds at these rates.
        "GUNICORN_CMD_ARGS": f"{os.environ.get('GUNICORN_CMD_ARGS', '')} "
        f"--max-requests {args.max_requests}".strip(),
    }
    with demo_server(workers=2, extra_env={**env, "REDIS_URL": redis_url}) as base:
        pages = {"bare": BARE, "home": HOME, "search": SEARCH}
        if "guide" in args.pages:
            pages["guide"] = guide_path(base)
        pages = {name: pages[name] for name in PAGES if name in args.pages}
        rows = {}
        for name, path in pages.items():
            # Warm both workers (templates, renditions, the page cache), then check the page.
            wrk(base + path, threads=args.threads, connections=args.connections, duration=2)
            rows[name] = {"page": name, "path": path, "seconds": seconds, "runs": []}
            rows[name].update(check(base + path, seconds))
        # Rounds over the pages, so a burst of other work on the machine hits one run of
        # each page rather than all runs of one page.
        for _ in range(args.repeat):
            for name, path in pages.items():
                result = wrk(
                    base + path,
                    threads=args.threads,
                    connections=args.connections,
                    duration=args.duration,
                )
                rows[name]["runs"].append(result)
                print(
                    f"  page cache {seconds:>3} s  {name:<6} {result['rps']:>7,.0f} req/s  {path}",
                    file=sys.stderr,
                )
    for row in rows.values():
        row.update(max(row["runs"], key=lambda run: run["rps"]))
    return list(rows.values())


def judge(rows: list[dict]) -> None:
    """Ratios to the bare view with the page cache off (the ceiling), against the targets.

    With the page cache on, every anonymous GET, the bare view's included, pays a cache
    lookup: the second ratio is to the bare view of the same server.
    """
    bare = {row["seconds"]: row["rps"] for row in rows if row["page"] == "bare"}
    for row in rows:
        seconds = row["seconds"]
        row["ratio"] = row["rps"] / bare[min(bare)]
        row["same"] = row["rps"] / bare[seconds]
        if row["page"] == "bare":
            row["target"], row["ok"] = ("ceiling" if not seconds else "—"), None
            continue
        row["target"] = f"≥ {TARGETS[seconds]:.0%}" + (", hit, 0 queries" if seconds else "")
        row["ok"] = row["ratio"] >= TARGETS[seconds] and (
            not seconds or (row["cache"] == "hit" and row["queries"] == 0)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL (10)")
    parser.add_argument("--connections", type=int, default=16, help="open connections (16)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (1: 2-core machine)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page, best kept (3)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=0,
        help="gunicorn worker recycling (0: off; gunicorn.conf.py says 5000)",
    )
    parser.add_argument(
        "--pages", default=",".join(PAGES), help=f"which pages, of {','.join(PAGES)} (all)"
    )
    parser.add_argument(
        "--page-cache", default="0,600", help="PAGE_CACHE_SECONDS values to serve with (0,600)"
    )
    args = parser.parse_args()
    args.pages = {"bare", *args.pages.split(",")}  # the bare view is every ratio's reference
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install -y wrk")

    load_before = os.getloadavg()[0]
    rows = []
    for seconds in (int(value) for value in args.page_cache.split(",")):
        with redis_server() as redis_url:  # a fresh, empty cache for each server
            rows += measure_server(seconds, redis_url, args)
    judge(rows)

    database = os.environ.get("DATABASE_URL", "sqlite").split(":")[0]
    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency, best of "
        f"{args.repeat}; gunicorn 2 sync workers (--max-requests {args.max_requests}), "
        f"production settings, {database}, Redis; "
        f"uncompressed; {os.cpu_count()} CPUs, 1-minute load average {load_before:.2f} before"
    )
    header = (
        "page",
        "page cache",
        "bytes",
        "X-Page-Cache",
        "queries",
        "req/s",
        "p50",
        "p99",
        "vs bare",
        "vs bare, same server",
        "target",
        "result",
        "all runs, req/s",
    )
    print("\n| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        cells = (
            row["page"],
            f"{row['seconds']} s" if row["seconds"] else "off",
            f"{row['bytes']:,}",
            row["cache"],
            str(row["queries"]),
            f"{row['rps']:,.0f}",
            f"{row['p50']:.1f} ms",
            f"{row['p99']:.1f} ms",
            f"{row['ratio']:.0%}",
            f"{row['same']:.0%}",
            row["target"],
            "—" if row["ok"] is None else ("pass" if row["ok"] else "FAIL"),
            " / ".join(f"{run['rps']:,.0f}" for run in row["runs"]),
        )
        print("| " + " | ".join(cells) + " |")
    for row in rows:
        for problem in sorted({run["problems"] for run in row["runs"]} - {""}):
            print(f"{row['page']}, page cache {row['seconds']} s: {problem}")


if __name__ == "__main__":
    main()
