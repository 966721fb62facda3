"""Reads for campaigns: reach figures from the rollups, scoped to what the user may see.

Every figure comes from aggregate queries over DailyReach (a few thousand rows) or small
tables; nothing loops over events in Python.
"""

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from wagtail.models import Page

from . import permissions
from .models import (
    CampaignTarget,
    CountMethod,
    DailyReach,
    EventStatus,
    LinkVisit,
    OutreachEvent,
    ReachDimension,
)
from .reach import (
    ATTENDANCE_SPLIT,
    FIGURES,
    LIVE_STREAM_FORMATS,
    REPORT_FIGURES,
    TARGET_ACTUALS,
    ReachFilters,
    pacing,
    split_attendance,
    zero,
)

EVERYTHING = ReachFilters()  # no filter: all the user may see


def _sums(*names):
    return {name: Sum(name) for name in names}


def _zero(row: dict) -> dict:
    return {name: row.get(name) or zero(name) for name in FIGURES}


def rollups_for(*, user, filters: ReachFilters) -> QuerySet:
    rows = DailyReach.objects.all()
    if not permissions.is_manager(user):
        rows = rows.filter(team__in=permissions.teams_of(user).values("pk"))
    return filters.apply(rows)


def visits_for(*, user, filters: ReachFilters) -> QuerySet:
    visits = LinkVisit.objects.all()
    if not permissions.is_manager(user):
        # A subquery, not a join through the campaign's teams: a user in two teams of one
        # campaign would count each scan of a campaign-wide link twice.
        visits = visits.filter(link__in=permissions.visible_links(user).values("pk"))
    return filters.apply(visits, campaign="link__campaign", team="link__event__team")


def reach_breakdown(rows: QuerySet, dimension: str) -> dict[str, dict]:
    grouped = (
        rows.filter(dimension=dimension)
        .values("key")
        .annotate(**_sums(*FIGURES))
        .order_by("-attendance", "key")
    )
    return {row["key"]: _zero(row) for row in grouped}


def _live_stream_rows(rows: QuerySet) -> QuerySet:
    return rows.filter(dimension=ReachDimension.FORMAT, key__in=LIVE_STREAM_FORMATS)


def reach_by_month(rows: QuerySet) -> dict[str, dict]:
    grouped = (
        rows.filter(dimension=ReachDimension.TOTAL)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(**_sums(*FIGURES))
        .order_by("month")
    )
    live = dict(
        _live_stream_rows(rows)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(n=Sum("attendance"))
        .order_by()
        .values_list("month", "n")
    )
    return {
        row["month"].strftime("%Y-%m"): _zero(row)
        | split_attendance(row["attendance"] or 0, live.get(row["month"]) or 0)
        for row in grouped
    }


def reach_report(*, user, filters: ReachFilters = EVERYTHING) -> dict:
    """Official reach (approved events only) with breakdowns, plus online reach beside it."""
    rows = rollups_for(user=user, filters=filters)
    totals = _zero(rows.filter(dimension=ReachDimension.TOTAL).aggregate(**_sums(*FIGURES)))
    visits = visits_for(user=user, filters=filters).aggregate(
        qr_scans=Sum("scans"), unique_visitors=Count("pk")
    )
    totals["qr_scans"] = visits["qr_scans"] or 0
    totals["unique_visitors"] = visits["unique_visitors"] or 0
    by_format = reach_breakdown(rows, ReachDimension.FORMAT)
    live = sum(by_format[key]["attendance"] for key in LIVE_STREAM_FORMATS if key in by_format)
    totals |= split_attendance(totals["attendance"], live)
    return {
        "totals": totals,
        "by_venue_type": reach_breakdown(rows, ReachDimension.VENUE_TYPE),
        "by_district": reach_breakdown(rows, ReachDimension.DISTRICT),
        "by_format": by_format,
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
        "by_month": reach_by_month(rows),
        "count_methods": {
            CountMethod.HEADCOUNT: totals["headcount_events"],
            CountMethod.SIGN_IN: totals["sign_in_events"],
            CountMethod.ESTIMATE: totals["estimate_events"],
        },
    }


def pending_events(*, user, filters: ReachFilters = EVERYTHING) -> dict[str, int]:
    """Events not (yet) in the official figures, by status."""
    events = events_for(user=user, filters=filters).exclude(status=EventStatus.APPROVED)
    counts = {row["status"]: row["n"] for row in events.values("status").annotate(n=Count("pk"))}
    return {
        status: counts.get(status, 0)
        for status in (EventStatus.DRAFT, EventStatus.SUBMITTED, EventStatus.RETURNED)
    }


def events_for(*, user, filters: ReachFilters = EVERYTHING) -> QuerySet:
    # The site's days (a __date lookup would use the time zone the user's admin shows).
    site_day = TruncDate("starts_at", tzinfo=timezone.get_default_timezone())
    events = permissions.events_visible_to(user).annotate(site_day=site_day)
    return filters.apply(events, day="site_day")


def material_effectiveness(*, user, filters: ReachFilters = EVERYTHING, limit: int = 10):
    """Per material: events that used it, copies handed out, and QR scans it brought back."""
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


def campaign_progress(*, user, filters: ReachFilters = EVERYTHING) -> list[dict]:
    """Targets against approved figures for each visible campaign; cost per person reached."""
    campaigns = permissions.visible_campaigns(user)
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
        .select_related("venue", "venue__district", "team", "campaign")
        .order_by("-starts_at")[:limit]
    )


_VISIT_KEYS = {
    "by_venue_type": "link__event__venue__venue_type",
    "by_district": "link__event__venue__district__name",
    "by_format": "link__event__format",
}


def reach_report_document(*, user, filters: ReachFilters = EVERYTHING) -> dict:
    """The reach report as published (JSON/CSV/XLSX, API): approved events only.

    Every breakdown maps a key to the same figures (reach.REPORT_FIGURES), money
    protected (避免损失) among them. Scans are attributed to a venue
    type, district or format only through links printed for a particular event; scans of
    campaign-wide links appear in the totals and by month. Audience segments split
    attendance only, so their other figures are 0.
    """
    report = reach_report(user=user, filters=filters)
    visits = visits_for(user=user, filters=filters)

    def figures(row, scans=0, visitors=0):
        values = {name: row.get(name) or zero(name) for name in REPORT_FIGURES}
        return values | {"qr_scans": scans, "unique_visitors": visitors}

    def split(row):  # totals and months carry attendance split (reach.ATTENDANCE_SPLIT)
        return {name: row.get(name) or 0 for name in ATTENDANCE_SPLIT}

    document = {
        "totals": figures(
            report["totals"], report["totals"]["qr_scans"], report["totals"]["unique_visitors"]
        )
        | split(report["totals"])
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
        | split(report["by_month"].get(month, {}))
        for month in months
    }
    return document


def approved_events_by_team_at(*, venue) -> list[tuple[str, int]]:
    """(team name, approved events) held at a venue: whose official figures a change of
    its type or district moves."""
    return list(
        OutreachEvent.objects.filter(venue=venue, status=EventStatus.APPROVED)
        .values("team__name")
        .annotate(n=Count("pk"))
        .order_by("team__name")
        .values_list("team__name", "n")
    )


_TEAM_FIGURES = (
    "events",
    "attendance",
    "materials_distributed",
    "warnings",
    "money_protected_yuan",
)


def _figures_by_campaign_team(rows: QuerySet) -> dict[tuple[int, int], dict]:
    """Approved figures per (campaign, team), attendance split: two grouped queries."""
    totals = (
        rows.filter(dimension=ReachDimension.TOTAL)
        .values("campaign_id", "team_id")
        .annotate(**_sums(*_TEAM_FIGURES))
        .order_by()
    )
    live = {
        (row["campaign_id"], row["team_id"]): row["n"] or 0
        for row in _live_stream_rows(rows)
        .values("campaign_id", "team_id")
        .annotate(n=Sum("attendance"))
        .order_by()
    }
    result = {}
    for row in totals:
        key = (row["campaign_id"], row["team_id"])
        figures = {name: row[name] or zero(name) for name in _TEAM_FIGURES}
        result[key] = figures | split_attendance(figures["attendance"], live.get(key, 0))
    return result


def target_progress(*, user, filters: ReachFilters = EVERYTHING, today=None) -> list[dict]:
    """Each visible target against the approved figures of the campaign's whole period
    (the dashboard's date range does not apply), with its pacing.

    Team targets are shown for the user's teams; campaign-wide targets, whose progress
    counts every team, to managers only. Three queries whatever the number of targets.
    """
    today = today or timezone.localdate(timezone=timezone.get_default_timezone())
    targets = CampaignTarget.objects.filter(
        campaign__in=permissions.visible_campaigns(user).values("pk")
    )
    if not permissions.is_manager(user):
        targets = targets.filter(team__in=permissions.visible_teams(user).values("pk"))
    if filters.campaign:
        targets = targets.filter(campaign=filters.campaign)
    if filters.team:
        targets = targets.filter(team=filters.team)
    targets = list(
        targets.select_related("campaign", "team").order_by(
            "-campaign__start_date", "campaign__name", "team__name", "figure"
        )
    )
    if not targets:
        return []
    scope = ReachFilters()  # the whole period of each campaign
    rows = rollups_for(user=user, filters=scope).filter(
        campaign_id__in={target.campaign_id for target in targets}
    )
    figures = _figures_by_campaign_team(rows)
    progress = []
    for target in targets:
        measure = TARGET_ACTUALS[target.figure]
        actual = sum(
            (
                values[measure]
                for (campaign_id, team_id), values in figures.items()
                if campaign_id == target.campaign_id
                and (target.team_id is None or team_id == target.team_id)
            ),
            zero(measure),
        )
        campaign = target.campaign
        progress.append(
            {
                "target": target,
                "campaign": campaign,
                "team": target.team,
                "figure": target.figure,
                "label": target.get_figure_display(),
                "value": target.value if measure == "money_protected_yuan" else int(target.value),
                "actual": actual,
                "money": measure == "money_protected_yuan",
                **pacing(
                    start=campaign.start_date,
                    end=campaign.end_date,
                    today=today,
                    actual=actual,
                    target=target.value,
                ),
            }
        )
    return progress


def team_comparison(*, user, filters: ReachFilters = EVERYTHING) -> list[dict]:
    """One row per visible team (in the chosen campaign): its approved figures in the
    chosen range and its share of the in-person attendance shown. Three queries."""
    teams = permissions.visible_teams(user)
    if filters.team:
        teams = teams.filter(pk=filters.team.pk)
    if filters.campaign:
        teams = teams.filter(campaigns=filters.campaign)
    names = list(teams.order_by("name").values_list("pk", "name"))
    by_team: dict[int, dict] = {}
    for (_campaign_id, team_id), values in _figures_by_campaign_team(
        rollups_for(user=user, filters=filters)
    ).items():
        row = by_team.setdefault(team_id, {})
        for name, value in values.items():
            row[name] = row.get(name, zero(name)) + value
    rows = []
    for team_id, name in names:
        values = by_team.get(team_id, {})
        rows.append(
            {"team_id": team_id, "team": name}
            | {
                measure: values.get(measure, zero(measure))
                for measure in (*_TEAM_FIGURES, *ATTENDANCE_SPLIT)
            }
        )
    total = sum(row["in_person_attendance"] for row in rows)
    for row in rows:
        row["share_percent"] = round(100 * row["in_person_attendance"] / total) if total else 0
    rows.sort(key=lambda row: (-row["in_person_attendance"], row["team"]))
    return rows
