"""Fifty lobby screens reporting their plays every minute: what it costs the server.

    .venv/bin/python bench/screens.py [--screens 50] [--minutes 20] [--plays 4]
    DATABASE_URL=postgres://… .venv/bin/python bench/screens.py   # on PostgreSQL

Each simulated player sends what a real one sends: one report a minute of the plays it
made (a playlist of 15-second items: 4 plays), with fresh ids, and every fifth minute
fetches its manifest. The requests go through the whole Django stack in this process
(middleware, URL routing, the view, the database: a fresh SQLite file unless
DATABASE_URL is set), and the process's CPU time is measured around them. The test
client's own work is counted too, so the figure is an upper bound for the server.

Extrapolation: CPU seconds per simulated minute of all screens / 60 s = share of a core.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
# DEBUG off, as in production (dev settings keep every query in memory), locmem cache.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
WORKDIR = Path(tempfile.mkdtemp(prefix="fangzha-screens-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(WORKDIR / "media"))


def world(count: int):
    from campaigns.models import Campaign, District, Screen, Team, Venue
    from materials.models import Playlist, PlaylistItem

    district = District.objects.create(name="江南区")
    team = Team.objects.create(name="江南区反诈中心", district="江南区")
    today = datetime.date.today()
    campaign = Campaign.objects.create(
        name="网点屏幕宣传",
        slug="wangdian",
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=30),
    )
    campaign.teams.add(team)
    playlist = Playlist.objects.create(name="银行大厅轮播")
    items = [
        PlaylistItem.objects.create(
            playlist=playlist, title=f"提示{i}", advice="转账前先核实。", sort_order=i
        )
        for i in range(8)
    ]
    screens = []
    for i in range(count):
        venue = Venue.objects.create(name=f"银行网点{i}", venue_type="bank", district=district)
        screens.append(
            Screen.objects.create(
                name=f"大厅屏{i}", team=team, venue=venue, campaign=campaign, playlist=playlist
            )
        )
    return screens, items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screens", type=int, default=50)
    parser.add_argument("--minutes", type=int, default=20)
    parser.add_argument("--plays", type=int, default=4, help="plays per report")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    screens, items = world(args.screens)
    client = Client(REMOTE_ADDR="10.0.0.1")
    report_cpu, manifest_cpu, per_minute = [], [], []
    position = 0
    for minute in range(args.minutes):
        minute_cpu = 0.0
        for index, screen in enumerate(screens):
            # Each screen behind its own address, as in the field.
            client.defaults["REMOTE_ADDR"] = f"10.0.{index // 250}.{index % 250 + 1}"
            now = timezone.now()
            plays = []
            for n in range(args.plays):
                item = items[position % len(items)]
                position += 1
                started = now - datetime.timedelta(seconds=60 - 15 * n)
                plays.append(
                    {
                        "id": uuid.uuid4().hex,
                        "item": item.pk,
                        "at": started.isoformat(),
                        "seconds": 15,
                    }
                )
            body = json.dumps({"plays": plays})
            start = time.process_time()
            response = client.post(
                f"/player/{screen.token}/plays/", data=body, content_type="application/json"
            )
            spent = time.process_time() - start
            assert response.status_code == 200, response.content
            assert response.json()["stored"] == args.plays
            report_cpu.append(spent)
            minute_cpu += spent
            if (minute + index) % 5 == 0:  # a manifest every five minutes, spread out
                start = time.process_time()
                response = client.get(f"/player/{screen.token}/manifest.json")
                spent = time.process_time() - start
                assert response.status_code == 200
                manifest_cpu.append(spent)
                minute_cpu += spent
        per_minute.append(minute_cpu)

    from django.db.models import Sum

    from campaigns.models import ScreenPlays

    stored = ScreenPlays.objects.aggregate(plays=Sum("plays"))["plays"]
    assert stored == args.screens * args.minutes * args.plays, stored
    steady = per_minute[1:] or per_minute  # the first minute warms caches up
    worst = max(steady)
    print(f"database: {connection.vendor}; {args.screens} screens × {args.minutes} minutes")
    print(
        f"report: median {statistics.median(report_cpu) * 1000:.2f} ms CPU, "
        f"p95 {sorted(report_cpu)[int(len(report_cpu) * 0.95)] * 1000:.2f} ms "
        f"({len(report_cpu)} reports, {args.plays} plays each)"
    )
    if manifest_cpu:
        print(
            f"manifest: median {statistics.median(manifest_cpu) * 1000:.2f} ms CPU "
            f"({len(manifest_cpu)} fetches)"
        )
    print(
        f"CPU per simulated minute of all screens: median {statistics.median(steady):.3f} s, "
        f"worst {worst:.3f} s"
    )
    print(
        f"share of one core: median {statistics.median(steady) / 60 * 100:.2f} %, "
        f"worst minute {worst / 60 * 100:.2f} %"
    )
    print(f"plays stored: {stored} (each once)")


if __name__ == "__main__":
    main()
