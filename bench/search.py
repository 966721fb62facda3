"""CPU time of one uncached search on the demo, and the renditions each one makes.

    .venv/bin/python bench/search.py [--query 养老] [--requests 40]

Loads the demo into a temporary SQLite database (test settings: page cache off, local
memory cache), searches once to warm up, then times --requests more searches through
Django's test client in this process: CPU time (time.process_time, so other work on the
machine matters less than to wrk) and wall time per request, and how many renditions were
made and images decoded while doing so (a warm search should make none). It prints the
slowest functions too. This is a benchmark, not a test: record the figures in
docs/benchmarks.md.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--query", default="养老", help="养老: a poster and guides (default)")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="fangzha-search-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'db.sqlite3'}"
    import django

    django.setup()
    import PIL.Image
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from wagtail.images.models import AbstractImage

    settings.MEDIA_ROOT = str(workdir / "media")
    call_command("migrate", verbosity=0)
    call_command("load_demo", "--no-users", "--host=testserver", verbosity=0)

    work = {"renditions": 0, "decodes": 0}
    make, decode = AbstractImage.generate_rendition_file, PIL.Image.open

    def counted_make(self, *a, **kw):
        work["renditions"] += 1
        return make(self, *a, **kw)

    def counted_decode(*a, **kw):
        work["decodes"] += 1
        return decode(*a, **kw)

    AbstractImage.generate_rendition_file = counted_make
    PIL.Image.open = counted_decode

    client = Client()
    url = f"/zh-hans/search/?q={quote(args.query)}"
    first = client.get(url)
    assert first.status_code == 200, first.status_code
    results = first.content.decode().count('class="result"')
    thumbs = first.content.decode().count("result-thumb")
    work.update(renditions=0, decodes=0)

    cpu, wall = [], []
    profile = cProfile.Profile()
    for _ in range(args.requests):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        profile.enable()
        client.get(url)
        profile.disable()
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started_wall) * 1000)

    print(
        f"search {args.query!r}: {results} results, {thumbs} with a thumbnail; "
        f"{args.requests} warm requests, page cache off, load average "
        f"{os.getloadavg()[0]:.2f}"
    )
    print(
        f"CPU per request: median {statistics.median(cpu):.1f} ms, min {min(cpu):.1f} ms; "
        f"wall median {statistics.median(wall):.1f} ms"
    )
    print(
        f"renditions made: {work['renditions'] / args.requests:.1f} a request; "
        f"images decoded: {work['decodes'] / args.requests:.1f} a request"
    )
    pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
