"""Reach dashboard on a million events: the whole dashboard as a request, against a
hand-written SQL GROUP BY scan of the same figures, checking both agree.

    .venv/bin/python bench/dashboard.py [--events 1000000] [--repeat 5]
    DATABASE_URL=postgres://… .venv/bin/python bench/dashboard.py   # on PostgreSQL

Generates the events deterministically in a fresh database (SQLite file in a temporary
folder unless DATABASE_URL is set), builds the rollups once, then measures.
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
WORKDIR = Path(tempfile.mkdtemp(prefix="fangzha-dashboard-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(WORKDIR / "media"))


def generate(total: int) -> None:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from campaigns import reach
    from campaigns.models import (
        Campaign,
        CampaignTarget,
        CountMethod,
        EventFormat,
        EventStatus,
        OutreachEvent,
        Team,
        Venue,
        VenueType,
    )

    rng = random.Random(2026)  # noqa: S311 - benchmark data
    tz = timezone.get_current_timezone()
    start = datetime.date(2025, 12, 1)
    teams = [Team.objects.create(name=f"Team {i}", district=f"District {i}") for i in range(6)]
    campaigns = []
    for i in range(3):
        campaign = Campaign.objects.create(
            name=f"Campaign {i}",
            slug=f"campaign-{i}",
            start_date=start,
            end_date=start + datetime.timedelta(days=364),
            target_events=100_000,
            target_people=10_000_000,
            target_materials=5_000_000,
        )
        campaign.teams.set(teams)
        campaigns.append(campaign)
        CampaignTarget.objects.bulk_create(
            [CampaignTarget(campaign=campaign, figure="in_person", value=10_000_000)]
            + [
                CampaignTarget(campaign=campaign, team=team, figure="events", value=20_000)
                for team in teams
            ]
        )
    venues = [
        Venue.objects.create(
            name=f"Venue {i}", venue_type=rng.choice(VenueType.values), district=f"District {i % 8}"
        )
        for i in range(400)
    ]
    statuses = [EventStatus.APPROVED] * 19 + [EventStatus.SUBMITTED]
    formats, methods = EventFormat.values, CountMethod.values
    batch = []
    for index in range(total):
        day = start + datetime.timedelta(days=rng.randrange(365))
        starts = datetime.datetime.combine(day, datetime.time(rng.randrange(8, 18)), tz)
        attendance = rng.randrange(10, 500)
        elders = rng.randrange(0, attendance // 2 + 1)
        batch.append(
            OutreachEvent(
                campaign=rng.choice(campaigns),
                team=rng.choice(teams),
                venue=rng.choice(venues),
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=2),
                format=rng.choice(formats),
                attendance=attendance,
                elders=elders,
                students=rng.randrange(0, attendance - elders + 1) // 2,
                attendance_method=rng.choice(methods),
                materials_distributed=rng.randrange(0, 200),
                warnings=rng.randrange(0, 4),
                status=rng.choice(statuses),
            )
        )
        if len(batch) == 20_000:
            OutreachEvent.objects.bulk_create(batch)
            batch = []
            print(f"\r  generated {index + 1:,} events", end="", flush=True)
    OutreachEvent.objects.bulk_create(batch)
    print()
    began = time.perf_counter()
    rows = reach.rebuild_reach_rollups()
    print(f"  rollups rebuilt: {rows:,} rows in {time.perf_counter() - began:.1f} s")
    get_user_model().objects.create_superuser("bench", password="bench")  # noqa: S106


HAND_WRITTEN = {
    "totals": """SELECT 'all', COUNT(*), SUM(attendance), SUM(materials_distributed), SUM(warnings)
                 FROM campaigns_outreachevent WHERE status = 'approved'""",
    "by_venue_type": """SELECT v.venue_type, COUNT(*), SUM(e.attendance),
                        SUM(e.materials_distributed), SUM(e.warnings)
                        FROM campaigns_outreachevent e JOIN campaigns_venue v ON v.id = e.venue_id
                        WHERE e.status = 'approved' GROUP BY v.venue_type""",
    "by_district": """SELECT v.district, COUNT(*), SUM(e.attendance),
                      SUM(e.materials_distributed), SUM(e.warnings)
                      FROM campaigns_outreachevent e JOIN campaigns_venue v ON v.id = e.venue_id
                      WHERE e.status = 'approved' GROUP BY v.district""",
    "by_format": """SELECT format, COUNT(*), SUM(attendance), SUM(materials_distributed),
                    SUM(warnings) FROM campaigns_outreachevent
                    WHERE status = 'approved' GROUP BY format""",
}


def month_sql(vendor: str) -> str:
    # Months in local time (Asia/Shanghai, UTC+8, no daylight saving).
    if vendor == "postgresql":
        month = "to_char(starts_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
    else:
        month = "strftime('%Y-%m', starts_at, '+8 hours')"
    return (
        f"SELECT {month}, COUNT(*), SUM(attendance), SUM(materials_distributed), "
        f"SUM(warnings) FROM campaigns_outreachevent WHERE status = 'approved' "
        f"GROUP BY 1"
    )


def hand_written_scan() -> dict:
    from django.db import connection

    queries = {**HAND_WRITTEN, "by_month": month_sql(connection.vendor)}
    result = {}
    with connection.cursor() as cursor:
        for name, sql in queries.items():
            cursor.execute(sql)
            result[name] = {
                str(row[0]): tuple(int(v or 0) for v in row[1:]) for row in cursor.fetchall()
            }
    return result


def from_report(report: dict) -> dict:
    def figures(row):
        return (row["events"], row["attendance"], row["materials_distributed"], row["warnings"])

    result = {"totals": {"all": figures(report["totals"])}}
    for name in ("by_venue_type", "by_district", "by_format", "by_month"):
        result[name] = {key: figures(row) for key, row in report[name].items()}
    return result


def timed(function, repeat: int) -> tuple[float, object]:
    timings, value = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        value = function()
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    from campaigns import selectors

    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']})")
    call_command("migrate", verbosity=0)
    generate(args.events)
    user = get_user_model().objects.get(username="bench")
    client = Client()
    client.force_login(user)

    def dashboard_request():
        response = client.get("/admin/campaigns/reach/")
        assert response.status_code == 200
        return response

    def export_request():
        response = client.get("/admin/campaigns/reach/export.xlsx")
        assert response.status_code == 200
        return response

    dashboard_request()  # warm up: templates, content types
    dashboard_ms, _ = timed(dashboard_request, args.repeat)
    export_request()
    export_ms, _ = timed(export_request, args.repeat)
    scan_ms, scanned = timed(hand_written_scan, args.repeat)
    report = selectors.reach_report(user=user)
    agree = from_report(report) == scanned
    print(f"events: {args.events:,}  approved: {report['totals']['events']:,}")
    print(f"whole dashboard (request, median of {args.repeat}): {dashboard_ms:8.1f} ms")
    print(f"XLSX export (request, median of {args.repeat}):    {export_ms:8.1f} ms")
    print(f"hand-written GROUP BY scan (median of {args.repeat}): {scan_ms:8.1f} ms")
    print(f"figures agree: {'yes' if agree else 'NO'}")
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
