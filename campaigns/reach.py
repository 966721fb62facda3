"""Reach: the one definition of the figures, and the rollups that keep them.

Every figure the dashboard, big screen, exports, API, weekly summary and reach_report
command show is named here (SUMMED_FIELDS, FIGURES, REPORT_FIGURES) and filtered here
(ReachFilters). The rollups (DailyReach) are kept exact by update_rollups (called from
signals.py), rebuilt from the approved events by rebuild_reach_rollups and checked
nightly by repair_reach_rollups.
"""

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import (
    Campaign,
    CountMethod,
    DailyReach,
    EventFormat,
    EventMaterial,
    EventStatus,
    OutreachEvent,
    ReachDimension,
    Team,
    Venue,
)

logger = logging.getLogger(__name__)

# --- The figures -------------------------------------------------------------------------
# The counts a team's spreadsheet ledger carries (the imports read these columns).
LEDGER_COUNTS = (
    "attendance",
    "elders",
    "students",
    "general_public",
    "materials_distributed",
    "warnings",
)
SUMMED_FIELDS = (*LEDGER_COUNTS, "help_requests", "videos_screened", "staff_count")
METHOD_COLUMNS = {
    CountMethod.HEADCOUNT: "headcount_events",
    CountMethod.SIGN_IN: "sign_in_events",
    CountMethod.ESTIMATE: "estimate_events",
}
# What each rollup row carries (and each breakdown of the dashboard's report).
FIGURES = (
    "events",
    *SUMMED_FIELDS,
    "partner_events",  # events with at least one partner organisation named
    "money_protected_yuan",
    *METHOD_COLUMNS.values(),
)
# What the published report (JSON/CSV/XLSX, the API) carries for every breakdown key.
REPORT_FIGURES = (
    "events",
    "attendance",
    "materials_distributed",
    "warnings",
    "help_requests",
    "videos_screened",
    "staff_count",
    "partner_events",
    "money_protected_yuan",
    "qr_scans",
    "unique_visitors",
)


# Live-stream viewers are counted in an event's attendance, as people in the room are;
# every outlet (dashboard, API, exports, weekly summary) shows the two apart, read from
# the format breakdown of the rollups: attendance = in person + live stream.
LIVE_STREAM_FORMATS = (EventFormat.ONLINE_LIVE,)
ATTENDANCE_SPLIT = ("in_person_attendance", "live_stream_viewers")


def split_attendance(attendance: int, live_stream: int) -> dict[str, int]:
    """Attendance split into people present and live-stream viewers."""
    return {"in_person_attendance": attendance - live_stream, "live_stream_viewers": live_stream}


# What a target's figure (models.TargetFigure) is measured against: a rollup figure, or
# one half of the attendance split.
TARGET_ACTUALS = {
    "events": "events",
    "in_person": "in_person_attendance",
    "live_stream": "live_stream_viewers",
    "materials_distributed": "materials_distributed",
    "warnings": "warnings",
    "money_protected_yuan": "money_protected_yuan",
}
# Within this share of the target of the elapsed share, a target is on pace (持平).
PACE_TOLERANCE = Decimal("0.05")


def pacing(
    *, start: datetime.date, end: datetime.date, today: datetime.date, actual, target
) -> dict:
    """How far a target is against the time gone: the share of the campaign's days
    elapsed (today, the site's day, included) beside the share of the target reached."""
    days = (end - start).days + 1
    elapsed_days = min(max((today - start).days + 1, 0), days)
    elapsed = Decimal(elapsed_days) / Decimal(days)
    reached = Decimal(actual) / Decimal(target) if target else Decimal(0)
    if reached - elapsed > PACE_TOLERANCE:
        status = "ahead"
    elif elapsed - reached > PACE_TOLERANCE:
        status = "behind"
    else:
        status = "on_pace"
    return {
        "elapsed_percent": round(100 * elapsed),
        "reached_percent": round(100 * reached),
        "status": status,
    }


def zero(name: str):
    """The figure's value when nothing counted towards it."""
    return Decimal(0) if name == "money_protected_yuan" else 0


@dataclass(frozen=True)
class ReachFilters:
    """Which part of the reach to show: one campaign, one team, a range of days.

    The one place these four filters are applied, to any queryset: `apply` is told the
    lookups that lead from its rows to the campaign, the team and the day.
    """

    campaign: Campaign | None = None
    team: Team | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None

    @property
    def backwards(self) -> bool:
        """The range of days ends before it starts (refused by the form, API and command)."""
        return bool(self.date_from and self.date_to and self.date_to < self.date_from)

    def apply(self, rows: QuerySet, *, campaign="campaign", team="team", day="day") -> QuerySet:
        if self.campaign:
            rows = rows.filter(**{campaign: self.campaign})
        if self.team:
            rows = rows.filter(**{team: self.team})
        if self.date_from:
            rows = rows.filter(**{f"{day}__gte": self.date_from})
        if self.date_to:
            rows = rows.filter(**{f"{day}__lte": self.date_to})
        return rows


# --- Keeping the rollups -----------------------------------------------------------------
@dataclass(frozen=True)
class Contribution:
    """What one approved event adds to the rollups."""

    day: datetime.date
    campaign_id: int
    team_id: int
    keys: tuple[tuple[str, str], ...]
    values: tuple[tuple[str, object], ...] = field(default=())


def contribution_of(
    *,
    status,
    starts_at,
    campaign_id,
    team_id,
    venue_id,
    format,
    attendance_method,
    money_protected_yuan,
    partners="",
    venue=None,
    materials=None,
    **values,
):
    if status != EventStatus.APPROVED:
        return None
    if venue is None:
        venue = Venue.objects.select_related("district").get(pk=venue_id)
    material_keys = tuple(
        (ReachDimension.MATERIAL, f"{material_id}:{quantity}")
        for material_id, quantity in sorted(materials or ())
    )
    numbers = {name: values[name] or 0 for name in SUMMED_FIELDS}
    numbers["events"] = 1
    numbers["partner_events"] = 1 if (partners or "").strip() else 0
    numbers["money_protected_yuan"] = money_protected_yuan or Decimal(0)
    numbers[METHOD_COLUMNS[attendance_method]] = 1
    return Contribution(
        day=timezone.localtime(starts_at, timezone.get_default_timezone()).date(),
        campaign_id=campaign_id,
        team_id=team_id,
        keys=(
            (ReachDimension.TOTAL, "all"),
            (ReachDimension.VENUE_TYPE, venue.venue_type),
            (ReachDimension.DISTRICT, venue.district.name),  # the key is the name
            (ReachDimension.FORMAT, format),
            *material_keys,
        ),
        values=tuple(sorted(numbers.items())),
    )


ROLLUP_SOURCE_FIELDS = (
    "status",
    "starts_at",
    "campaign_id",
    "team_id",
    "venue_id",
    "format",
    "attendance_method",
    "money_protected_yuan",
    "partners",
    *SUMMED_FIELDS,
)


def event_state(event: OutreachEvent) -> dict:
    """The fields the rollups depend on, with the event's material lines as stored."""
    state = {name: getattr(event, name) for name in ROLLUP_SOURCE_FIELDS}
    state["materials"] = (
        tuple(event.material_lines.values_list("material_id", "quantity"))
        if event.pk and event.status == EventStatus.APPROVED
        else ()
    )
    return state


def _apply(contribution: Contribution | None, sign: int) -> None:
    if contribution is None:
        return
    for dimension, key in contribution.keys:
        values = dict(contribution.values)
        if dimension == ReachDimension.MATERIAL:
            # One row per material: its copies and the events that handed it out.
            key, quantity = key.split(":")
            values = {"events": 1, "materials_distributed": int(quantity)}
        lookup = {
            "dimension": dimension,
            "key": key,
            "day": contribution.day,
            "campaign_id": contribution.campaign_id,
            "team_id": contribution.team_id,
        }
        changes = {name: F(name) + sign * value for name, value in values.items()}
        if DailyReach.objects.filter(**lookup).update(**changes):
            continue
        if sign < 0:  # pragma: no cover - only if rollups were edited by hand
            raise RuntimeError(f"reach rollup row missing for {lookup}")
        try:
            with transaction.atomic():
                DailyReach.objects.create(**lookup, **values)
        except IntegrityError:  # created concurrently: add to it instead
            DailyReach.objects.filter(**lookup).update(**changes)


def update_rollups(before: dict | None, after: dict | None, *, venue=None) -> None:
    """Move an event's figures in the rollups from its old state to its new one."""
    old = contribution_of(**before) if before else None
    new = contribution_of(**after, venue=venue) if after else None
    if old == new:
        return
    with transaction.atomic():
        _apply(old, -1)
        _apply(new, +1)


ROLLUP_KEY = ("dimension", "key", "day", "campaign_id", "team_id")


def _lock_rollups() -> None:
    # On PostgreSQL, approvals (which update rollups) wait until the rebuild commits, and
    # the rebuild reads only approvals committed before it: none is lost or counted twice.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {DailyReach._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def rebuild_reach_rollups() -> int:
    """Recompute every rollup row from the approved events (one GROUP BY per dimension)."""
    with transaction.atomic():
        _lock_rollups()
        DailyReach.objects.all().delete()
        rows = rollup_rows_from_events()
        DailyReach.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def repair_reach_rollups() -> int:
    """Compare the rollups with the approved events; rebuild them if any figure differs.

    Returns how many rollup rows were wrong (0 when all agree). The signals keep them
    exact, so anything else means a write bypassed them (a raw SQL fix, a restored backup).
    """

    def figures(values: dict) -> tuple:
        return tuple(values.get(name) or 0 for name in FIGURES)

    with transaction.atomic():
        _lock_rollups()
        expected = {
            tuple(getattr(row, name) for name in ROLLUP_KEY): figures(row.__dict__)
            for row in rollup_rows_from_events()
        }
        stored = {
            tuple(row[name] for name in ROLLUP_KEY): figures(row)
            for row in DailyReach.objects.values(*ROLLUP_KEY, *FIGURES)
        }
        empty = figures({})
        wrong = sum(
            1
            for key in expected.keys() | stored.keys()
            if expected.get(key, empty) != stored.get(key, empty)
        )
        if wrong:
            logger.warning("reach rollups: %s rows disagreed with the events; rebuilt", wrong)
            rebuild_reach_rollups()
    return wrong


def venue_changed(venue: Venue, before: dict) -> None:
    """A venue's type or district moved: move its approved events' figures with it."""
    if before == {"venue_type": venue.venue_type, "district_id": venue.district_id}:
        return
    old_venue = Venue(pk=venue.pk, **before)
    for event in OutreachEvent.objects.filter(venue=venue, status=EventStatus.APPROVED):
        state = event_state(event)
        with transaction.atomic():
            _apply(contribution_of(**state, venue=old_venue), -1)
            _apply(contribution_of(**state, venue=venue), +1)


def district_renamed(old: str, new: str) -> None:
    """The rollups key districts by name: a renamed district keeps its figures."""
    if old != new:
        DailyReach.objects.filter(dimension=ReachDimension.DISTRICT, key=old).update(key=new)


def rollup_rows_from_events() -> list[DailyReach]:
    """DailyReach rows computed straight from approved events (for rebuilds and checks)."""
    tz = timezone.get_default_timezone()  # the site's days, not the admin user's
    approved = OutreachEvent.objects.filter(status=EventStatus.APPROVED)
    day = TruncDate("starts_at", tzinfo=tz)
    sums = {
        **{name: Sum(name) for name in (*SUMMED_FIELDS, "money_protected_yuan")},
        "events": Count("pk"),
        "partner_events": Count("pk", filter=~Q(partners__regex=r"^\s*$")),
        "headcount_events": Count("pk", filter=Q(attendance_method=CountMethod.HEADCOUNT)),
        "sign_in_events": Count("pk", filter=Q(attendance_method=CountMethod.SIGN_IN)),
        "estimate_events": Count("pk", filter=Q(attendance_method=CountMethod.ESTIMATE)),
    }
    keys = {
        ReachDimension.TOTAL: None,
        ReachDimension.VENUE_TYPE: F("venue__venue_type"),
        ReachDimension.DISTRICT: F("venue__district__name"),
        ReachDimension.FORMAT: F("format"),
    }
    rows = []
    for dimension, key in keys.items():
        grouped = approved.annotate(d=day).values("d", "campaign_id", "team_id")
        if key is not None:
            grouped = grouped.annotate(k=key).values("d", "campaign_id", "team_id", "k")
        for row in grouped.annotate(**sums).order_by():
            values = {name: row[name] or 0 for name in sums}
            rows.append(
                DailyReach(
                    day=row["d"],
                    campaign_id=row["campaign_id"],
                    team_id=row["team_id"],
                    dimension=dimension,
                    key=row.get("k") or "all",
                    **values,
                )
            )
    lines = (
        EventMaterial.objects.filter(event__status=EventStatus.APPROVED)
        .annotate(d=TruncDate("event__starts_at", tzinfo=tz))
        .values("d", "event__campaign_id", "event__team_id", "material_id")
        .annotate(events=Count("event_id"), copies=Sum("quantity"))
        .order_by()
    )
    for row in lines:
        rows.append(
            DailyReach(
                day=row["d"],
                campaign_id=row["event__campaign_id"],
                team_id=row["event__team_id"],
                dimension=ReachDimension.MATERIAL,
                key=str(row["material_id"]),
                events=row["events"],
                materials_distributed=row["copies"],
            )
        )
    return rows
