"""Event import speed: the users' code path against plain bulk_create, and a re-import of a
corrected file against bulk_create(update_conflicts=True). Reports rows/s, ratios and the
process's peak memory (RSS).

    .venv/bin/python bench/import.py [--rows 100000]
"""

import argparse
import datetime
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
WORKDIR = Path(tempfile.mkdtemp(prefix="fangzha-import-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORKDIR / 'bench.sqlite3'}")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def csv_bytes(rows: int, bump: int = 0) -> bytes:
    """A ledger as teams keep it: a title and a note row above everyday headers (the
    tolerant header matching and title-row search in the measured path), a money column
    written with a unit, a 合计 row at the bottom. Each venue has at most one event a day
    (days from 1 January 2026), so no row is a possible duplicate of another."""
    lines = [
        "江南区反诈中心 2026年宣传台账",
        "填表说明：人数只写数字",
        "编号,活动名称,活动日期,地点,场所类型,所属区,活动形式,覆盖人数,老年人数,避免损失(元),单位",
    ]
    for i in range(rows):
        lines.append(
            f"X{i},《Bench》,{day(i).isoformat()},Venue {i % 500},"
            f"菜市场,District {i % 500 % 8},摆摊,{i % 300 + 10 + bump},{i % 10},{i % 7 * 100},Team"
        )
    lines.append("合计,,,,,,,,,,")
    return ("\n".join(lines) + "\n").encode()


def day(i: int) -> datetime.date:
    """Row i's day: 500 venues, one event each a day (100,000 rows span 200 days)."""
    return datetime.date(2026, 1, 1) + datetime.timedelta(days=i // 500)


def timed(label, function):
    began = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - began
    print(f"  {label:<44} {seconds:7.2f} s   peak RSS {peak_mb():6.0f} MB")
    return seconds, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    rows = parser.parse_args().rows

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from campaigns.imports.service import import_events
    from campaigns.models import Campaign, District, OutreachEvent, Team, Venue

    call_command("migrate", verbosity=0)
    District.objects.bulk_create(District(name=f"District {n}") for n in range(8))
    team = Team.objects.create(name="Team", district="District 0")
    campaign = Campaign.objects.create(
        name="Bench",
        slug="bench",
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    campaign.teams.set([team])
    first, corrected = csv_bytes(rows), csv_bytes(rows, bump=1)
    print(f"{rows:,} rows, database {WORKDIR / 'bench.sqlite3'}")

    dry, report = timed(
        "dry run (users' path)",
        lambda: import_events(content=first, filename="events.csv", dry_run=True),
    )
    assert report.new == rows and not report.saved
    imported, report = timed(
        "first import (users' path)", lambda: import_events(content=first, filename="events.csv")
    )
    assert report.saved and report.new == rows
    reimported, report = timed(
        "re-import, every row corrected (users' path)",
        lambda: import_events(content=corrected, filename="events.csv"),
    )
    assert report.saved and report.updated == rows
    import_peak = peak_mb()  # the users' path, before the baselines run

    # The same rows straight into the table, as fast as Django goes.
    venues = {v.name: v for v in Venue.objects.all()}
    tz = timezone.get_current_timezone()

    def objects(bump):
        for i in range(rows):
            start = datetime.datetime.combine(day(i), datetime.time(9), tzinfo=tz)
            yield OutreachEvent(
                external_id=f"Y{i}",
                campaign=campaign,
                team=team,
                venue=venues[f"Venue {i % 500}"],
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2),
                format="booth",
                attendance=i % 300 + 10 + bump,
                elders=i % 10,
            )

    bulk, _ = timed(
        "bulk_create", lambda: OutreachEvent.objects.bulk_create(objects(0), batch_size=2000)
    )
    upsert, _ = timed(
        "bulk_create(update_conflicts=True)",
        lambda: OutreachEvent.objects.bulk_create(
            list(objects(1)),
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["external_id"],
            update_fields=["attendance"],
        ),
    )
    print(f"  first import: {rows / imported:,.0f} rows/s, {imported / bulk:.1f}x bulk_create")
    print(
        f"  re-import:    {rows / reimported:,.0f} rows/s, {reimported / upsert:.1f}x bulk upsert"
    )
    print(f"  dry run:      {rows / dry:,.0f} rows/s")
    print(f"  peak memory of the users' path (dry run, import, re-import): {import_peak:.0f} MB")


if __name__ == "__main__":
    main()
