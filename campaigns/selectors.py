"""Reads for campaigns: reach figures from the rollups, scoped to what the user may see.

Every figure comes from aggregate queries over DailyReach (a few thousand rows) or small
tables; nothing loops over events in Python.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from . import permissions
from .models import (
    Campaign,
    CountMethod,
    DailyReach,
    EventMaterial,
    EventStatus,
    LinkVisit,
    OutreachEvent,
    ReachDimension,
    Team,
)
from .services import SUMMED_FIELDS

FIGURES = (
    "events",
    "attendance",
    "elders",
    "students",
    "general_public",
    "materials_distributed",
    "warnings",
    "help_requests",
    "money_protected_yuan",
    "headcount_events",
    "sign_in_events",
    "estimate_events",
)


@dataclass(frozen=True)
class ReachFilters:
    campaign: Campaign | None = None
    team: Team | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def _sums(*names):
    return {name: Sum(name) for name in names}


def _zero(row: dict) -> dict:
    return {
        name: (row.get(name) or (Decimal(0) if name == "money_protected_yuan" else 0))
        for name in FIGURES
    }


def campaigns_visible_to(user) -> QuerySet:
    """The campaigns the user may see: campaigns.permissions.visible_campaigns."""
    return permissions.visible_campaigns(user)


def rollups_for(*, user, filters: ReachFilters) -> QuerySet:
    rows = DailyReach.objects.all()
    if not permissions.is_manager(user):
        rows = rows.filter(team__in=permissions.teams_of(user).values("pk"))
    if filters.campaign:
        rows = rows.filter(campaign=filters.campaign)
    if filters.team:
        rows = rows.filter(team=filters.team)
    if filters.date_from:
        rows = rows.filter(day__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(day__lte=filters.date_to)
    return rows


def visits_for(*, user, filters: ReachFilters) -> QuerySet:
    visits = LinkVisit.objects.all()
    if not permissions.is_manager(user):
        teams = permissions.teams_of(user).values("pk")
        visits = visits.filter(
            Q(link__event__team__in=teams)
            | Q(link__event__isnull=True, link__campaign__teams__in=teams)
        )
    if filters.campaign:
        visits = visits.filter(link__campaign=filters.campaign)
    if filters.team:
        visits = visits.filter(link__event__team=filters.team)
    if filters.date_from:
        visits = visits.filter(day__gte=filters.date_from)
    if filters.date_to:
        visits = visits.filter(day__lte=filters.date_to)
    return visits


def reach_breakdown(rows: QuerySet, dimension: str) -> dict[str, dict]:
    grouped = (
        rows.filter(dimension=dimension)
        .values("key")
        .annotate(**_sums(*FIGURES))
        .order_by("-attendance", "key")
    )
    return {row["key"]: _zero(row) for row in grouped}


def reach_over_time(rows: QuerySet, *, by: str = "month") -> dict[str, dict]:
    trunc = TruncMonth("day") if by == "month" else TruncWeek("day")
    grouped = (
        rows.filter(dimension=ReachDimension.TOTAL)
        .annotate(period=trunc)
        .values("period")
        .annotate(**_sums(*FIGURES))
        .order_by("period")
    )
    fmt = "%Y-%m" if by == "month" else "%Y-%m-%d"
    return {row["period"].strftime(fmt): _zero(row) for row in grouped}


def reach_report(*, user, filters: ReachFilters = ReachFilters()) -> dict:
    """Official reach (approved events only) with breakdowns, plus online reach beside it."""
    rows = rollups_for(user=user, filters=filters)
    totals = _zero(rows.filter(dimension=ReachDimension.TOTAL).aggregate(**_sums(*FIGURES)))
    visits = visits_for(user=user, filters=filters).aggregate(
        qr_scans=Sum("scans"), unique_visitors=Count("pk")
    )
    totals["qr_scans"] = visits["qr_scans"] or 0
    totals["unique_visitors"] = visits["unique_visitors"] or 0
    return {
        "totals": totals,
        "by_venue_type": reach_breakdown(rows, ReachDimension.VENUE_TYPE),
        "by_district": reach_breakdown(rows, ReachDimension.DISTRICT),
        "by_format": reach_breakdown(rows, ReachDimension.FORMAT),
        "by_audience": {
            "elders": totals["elders"],
            "students": totals["students"],
            "general_public": totals["general_public"],
            "unspecified": max(
                0,
                totals["attendance"]
                - totals["elders"]
                - totals["students"]
                - totals["general_public"],
            ),
        },
        "by_month": reach_over_time(rows, by="month"),
        "by_week": reach_over_time(rows, by="week"),
        "count_methods": {
            CountMethod.HEADCOUNT: totals["headcount_events"],
            CountMethod.SIGN_IN: totals["sign_in_events"],
            CountMethod.ESTIMATE: totals["estimate_events"],
        },
    }


def pending_events(*, user, filters: ReachFilters = ReachFilters()) -> dict[str, int]:
    """Events not (yet) in the official figures, by status."""
    events = events_for(user=user, filters=filters).exclude(status=EventStatus.APPROVED)
    counts = {row["status"]: row["n"] for row in events.values("status").annotate(n=Count("pk"))}
    return {
        status: counts.get(status, 0)
        for status in (EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.RETURNED)
    }


def events_for(*, user, filters: ReachFilters = ReachFilters()) -> QuerySet:
    events = permissions.events_visible_to(user)
    if filters.campaign:
        events = events.filter(campaign=filters.campaign)
    if filters.team:
        events = events.filter(team=filters.team)
    if filters.date_from:
        events = events.filter(starts_at__date__gte=filters.date_from)
    if filters.date_to:
        events = events.filter(starts_at__date__lte=filters.date_to)
    return events


def material_effectiveness(*, user, filters: ReachFilters = ReachFilters(), limit: int = 10):
    """Per material: events that used it, copies handed out, and QR scans it brought back."""
    from wagtail.models import Page

    rows = list(
        rollups_for(user=user, filters=filters)
        .filter(dimension=ReachDimension.MATERIAL)
        .values("key")
        .annotate(events=Sum("events"), copies=Sum("materials_distributed"))
        .order_by("-copies")[:limit]
    )
    ids = [int(row["key"]) for row in rows]
    titles = dict(Page.objects.filter(pk__in=ids).values_list("pk", "title"))
    scans = dict(
        visits_for(user=user, filters=filters)
        .filter(link__target_id__in=ids)
        .values("link__target_id")
        .annotate(n=Sum("scans"))
        .values_list("link__target_id", "n")
    )
    result = []
    for row in rows:
        material_id = int(row["key"])
        copies, scan_count = row["copies"] or 0, scans.get(material_id, 0)
        result.append(
            {
                "material_id": material_id,
                "title": titles.get(material_id, "?"),
                "events": row["events"] or 0,
                "copies": copies,
                "scans": scan_count,
                "scans_per_100_copies": round(100 * scan_count / copies, 1) if copies else None,
            }
        )
    return result


def campaign_progress(*, user, filters: ReachFilters = ReachFilters()) -> list[dict]:
    """Targets against approved figures for each visible campaign; cost per person reached."""
    campaigns = campaigns_visible_to(user)
    if filters.campaign:
        campaigns = campaigns.filter(pk=filters.campaign.pk)
    actual = {
        row["campaign_id"]: row
        for row in rollups_for(user=user, filters=filters)
        .filter(dimension=ReachDimension.TOTAL)
        .values("campaign_id")
        .annotate(**_sums("events", "attendance", "materials_distributed"))
    }
    progress = []
    for campaign in campaigns.order_by("-start_date"):
        row = actual.get(campaign.pk, {})
        figures = {
            name: row.get(name) or 0 for name in ("events", "attendance", "materials_distributed")
        }
        targets = {
            "events": campaign.target_events,
            "attendance": campaign.target_people,
            "materials_distributed": campaign.target_materials,
        }
        progress.append(
            {
                "campaign": campaign,
                "figures": figures,
                "targets": targets,
                "percent": {
                    name: (
                        min(999, round(100 * figures[name] / targets[name]))
                        if targets[name]
                        else None
                    )
                    for name in targets
                },
                "cost_per_person": (
                    (campaign.budget_yuan / figures["attendance"]).quantize(Decimal("0.01"))
                    if campaign.budget_yuan and figures["attendance"]
                    else None
                ),
            }
        )
    return progress


def latest_approved_events(*, user, limit: int = 8) -> QuerySet:
    return (
        permissions.events_visible_to(user)
        .filter(status=EventStatus.APPROVED)
        .select_related("venue", "team", "campaign")
        .order_by("-starts_at")[:limit]
    )


def rollup_rows_from_events() -> list[DailyReach]:
    """DailyReach rows computed straight from approved events (for rebuilds and checks)."""
    tz = timezone.get_current_timezone()
    approved = OutreachEvent.objects.filter(status=EventStatus.APPROVED)
    day = TruncDate("starts_at", tzinfo=tz)
    sums = {
        **_sums(*SUMMED_FIELDS, "money_protected_yuan"),
        "events": Count("pk"),
        "headcount_events": Count("pk", filter=Q(attendance_method=CountMethod.HEADCOUNT)),
        "sign_in_events": Count("pk", filter=Q(attendance_method=CountMethod.SIGN_IN)),
        "estimate_events": Count("pk", filter=Q(attendance_method=CountMethod.ESTIMATE)),
    }
    keys = {
        ReachDimension.TOTAL: None,
        ReachDimension.VENUE_TYPE: F("venue__venue_type"),
        ReachDimension.DISTRICT: F("venue__district"),
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


REPORT_FIGURES = (
    "events",
    "attendance",
    "materials_distributed",
    "warnings",
    "qr_scans",
    "unique_visitors",
)
_VISIT_KEYS = {
    "by_venue_type": "link__event__venue__venue_type",
    "by_district": "link__event__venue__district",
    "by_format": "link__event__format",
}


def reach_report_document(*, user, filters: ReachFilters = ReachFilters()) -> dict:
    """The reach report as published (JSON/CSV/XLSX, API): approved events only.

    Every breakdown maps a key to the same six figures. Scans are attributed to a venue
    type, district or format only through links printed for a particular event; scans of
    campaign-wide links appear in the totals and by month. Audience segments split
    attendance only, so their other figures are 0.
    """
    report = reach_report(user=user, filters=filters)
    visits = visits_for(user=user, filters=filters)

    def figures(row, scans=0, visitors=0):
        return {
            "events": row.get("events", 0),
            "attendance": row.get("attendance", 0),
            "materials_distributed": row.get("materials_distributed", 0),
            "warnings": row.get("warnings", 0),
            "qr_scans": scans,
            "unique_visitors": visitors,
        }

    document = {
        "totals": figures(
            report["totals"], report["totals"]["qr_scans"], report["totals"]["unique_visitors"]
        )
    }
    for name, lookup in _VISIT_KEYS.items():
        scanned = {
            row[lookup]: (row["scans"], row["visitors"])
            for row in visits.filter(**{f"{lookup}__isnull": False})
            .values(lookup)
            .annotate(scans=Sum("scans"), visitors=Count("pk"))
            .order_by()
        }
        document[name] = {
            key: figures(row, *scanned.get(key, (0, 0))) for key, row in report[name].items()
        }
    document["by_audience"] = {
        key: figures({"attendance": value}) for key, value in report["by_audience"].items()
    }
    monthly_visits = {
        row["month"].strftime("%Y-%m"): (row["scans"], row["visitors"])
        for row in visits.annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(scans=Sum("scans"), visitors=Count("pk"))
        .order_by()
    }
    months = sorted(set(report["by_month"]) | set(monthly_visits))
    document["by_month"] = {
        month: figures(report["by_month"].get(month, {}), *monthly_visits.get(month, (0, 0)))
        for month in months
    }
    return document
