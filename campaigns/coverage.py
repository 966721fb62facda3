"""Coverage: venues and districts where no approved event was held lately, by venue type.

A planning table for the dashboard. The district a venue belongs to is read through
``DISTRICT`` and ``district_name`` only, so that when Venue.district becomes a District
model this module is the one place to change.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from . import permissions
from .models import EventStatus, VenueType

COVERAGE_DAYS = 90
# The lookup from a venue to its district's key and name (a text field today).
DISTRICT = "district"


def district_name(value) -> str:
    """The district as the dashboard names it."""
    return " ".join(str(value or "").split()) or "—"


def coverage_since(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    return today - datetime.timedelta(days=COVERAGE_DAYS - 1)


def _venues_with_recency(*, user, since: datetime.date) -> QuerySet:
    """Venues, each marked ``recent`` if one of the user's visible approved events was
    held there since ``since`` (the site's days)."""
    start = datetime.datetime.combine(since, datetime.time(), timezone.get_default_timezone())
    recent = permissions.visible_events(user).filter(
        venue=OuterRef("pk"), status=EventStatus.APPROVED, starts_at__gte=start
    )
    return permissions.visible_venues(user).annotate(recent=Exists(recent))


def venue_coverage(*, user, today: datetime.date | None = None, limit: int = 200) -> dict:
    """By venue type: venues, those with no approved event in the last COVERAGE_DAYS days
    (names listed, up to ``limit`` in all) and the districts where none of that type's
    venues had one; and the districts with no approved event at any venue.

    For managers every team's events count; for other roles their own teams' events
    (the venues are a shared directory). Two queries."""
    since = coverage_since(today)
    venues = _venues_with_recency(user=user, since=since)
    grouped = (
        venues.values("venue_type", DISTRICT)
        .annotate(total=Count("pk"), covered=Count("pk", filter=Q(recent=True)))
        .order_by()
    )
    labels = dict(VenueType.choices)
    by_type: dict[str, dict] = {}
    district_covered: dict[str, bool] = {}
    for row in grouped:
        district = district_name(row[DISTRICT])
        item = by_type.setdefault(
            row["venue_type"],
            {
                "venue_type": row["venue_type"],
                "label": str(labels.get(row["venue_type"], row["venue_type"])),
                "venues": 0,
                "uncovered": 0,
                "districts": {},
                "uncovered_venues": [],
            },
        )
        item["venues"] += row["total"]
        item["uncovered"] += row["total"] - row["covered"]
        item["districts"][district] = item["districts"].get(district) or bool(row["covered"])
        district_covered[district] = district_covered.get(district, False) or bool(row["covered"])
    uncovered = venues.filter(recent=False).order_by("venue_type", DISTRICT, "name")
    for venue_type, name, district in uncovered.values_list("venue_type", "name", DISTRICT)[:limit]:
        by_type[venue_type]["uncovered_venues"].append(f"{name}（{district_name(district)}）")
    rows = sorted(by_type.values(), key=lambda item: (-item["uncovered"], item["label"]))
    for item in rows:
        districts = item.pop("districts")
        item["uncovered_districts"] = sorted(d for d, covered in districts.items() if not covered)
    return {
        "since": since,
        "days": COVERAGE_DAYS,
        "by_venue_type": rows,
        "uncovered_districts": sorted(d for d, covered in district_covered.items() if not covered),
        "truncated": sum(item["uncovered"] for item in rows) > limit,
    }
