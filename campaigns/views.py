"""The reach dashboard (admin) and the public tracked-link redirect."""

import datetime
from io import BytesIO

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache

from . import coverage, display, links, permissions, screens, selectors
from .charts import bar_chart, column_chart
from .exporting import dashboard_to_xlsx
from .forms import ReachFilterForm
from .models import EventFormat, EventPhoto, VenueType
from .reach import ReachFilters

AUDIENCE_LABELS = {
    "elders": _lazy("Elders"),
    "students": _lazy("Students"),
    "general_public": _lazy("General public"),
    "unspecified": _lazy("Not broken down"),
}
PACE_LABELS = {
    "ahead": _lazy("Ahead of pace"),
    "on_pace": _lazy("On pace"),
    "behind": _lazy("Behind pace"),
}


def _period_label(filters, months) -> str:
    """The days the figures cover, with the year: the chosen range, else the months
    that have figures."""
    if filters.date_from or filters.date_to:
        start = date_format(filters.date_from, "DATE_FORMAT") if filters.date_from else "…"
        end = date_format(filters.date_to, "DATE_FORMAT") if filters.date_to else "…"
        return f"{start} – {end}"
    if not months:
        return ""
    first, last = (datetime.date.fromisoformat(f"{m}-01") for m in (min(months), max(months)))
    start, end = (date_format(day, "YEAR_MONTH_FORMAT") for day in (first, last))
    return start if start == end else f"{start} – {end}"


def dashboard_figures(user, filters) -> dict:
    """Everything the dashboard, its printable page and its export show: from the
    rollups and a few small tables, in a bounded number of queries."""
    report = selectors.reach_report(user=user, filters=filters)
    progress = selectors.campaign_progress(user=user, filters=filters)
    show_budgets = permissions.can_see_budgets(user)
    if not show_budgets:  # cost per person × people reached would give the budget away
        for item in progress:
            item["cost_per_person"] = None
    targets = selectors.target_progress(user=user, filters=filters)
    for item in targets:
        item["status_label"] = PACE_LABELS[item["status"]]
    venue_labels = dict(VenueType.choices)
    format_labels = dict(EventFormat.choices)
    return {
        "report": report,
        "period": _period_label(filters, report["by_month"]),
        "pending": selectors.pending_events(user=user, filters=filters),
        "charts": [
            {
                "key": "venue_type",
                "title": _("People reached by venue type"),
                **bar_chart(report["by_venue_type"], "attendance", venue_labels),
            },
            {
                "key": "audience",
                "title": _("People reached by audience"),
                **bar_chart(
                    {k: {"attendance": v} for k, v in report["by_audience"].items()},
                    "attendance",
                    AUDIENCE_LABELS,
                ),
            },
            {
                "key": "district",
                "title": _("People reached by district"),
                **bar_chart(report["by_district"], "attendance"),
            },
            {
                "key": "format",
                "title": _("People reached by format"),
                **bar_chart(report["by_format"], "attendance", format_labels),
            },
        ],
        "months": column_chart(report["by_month"], "attendance"),
        "materials": selectors.material_effectiveness(user=user, filters=filters),
        "progress": progress,
        "targets": targets,
        "teams": selectors.team_comparison(user=user, filters=filters),
        "coverage": coverage.venue_coverage(user=user),
        "show_budgets": show_budgets,
        "screens": _screen_figures(user, filters, venue_labels),
    }


def _screen_figures(user, filters, venue_labels) -> dict:
    """Lobby and market screens (campaigns.screens): their own figures, beside events."""
    figures = screens.screen_reach(user=user, filters=filters)
    tables = []
    for title, rows, key, labels in (
        (_("By venue type"), figures["by_venue_type"], "screen__venue__venue_type", venue_labels),
        (_("By district"), figures["by_district"], "screen__venue__district__name", {}),
        (_("By campaign"), figures["by_campaign"], "screen__campaign__name", {}),
        (_("By venue"), figures["by_venue"], "screen__venue__name", {}),
    ):
        tables.append(
            {
                "title": title,
                "rows": [{**row, "label": labels.get(row[key], row[key])} for row in rows],
            }
        )
    return {**figures, "tables": tables}


def _dashboard_form(request):
    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    params = request.GET.copy()
    for name in ("print", "export"):
        params.pop(name, None)
    return ReachFilterForm(params or None, user=request.user)


def _query_string(request) -> str:
    return request.GET.urlencode()


def reach_dashboard(request):
    """Headline figures, targets, trends and breakdowns of approved events, for the
    user's teams. A filter that does not make sense (a range ending before it starts, a
    date that is not one) is shown with its error and no figures."""
    form = _dashboard_form(request)
    context = {"page_title": _("Reach"), "form": form, "query": _query_string(request)}
    if form.is_bound and not form.is_valid():
        return TemplateResponse(request, "campaigns/admin/dashboard.html", context)
    context |= dashboard_figures(request.user, form.filters())
    context["latest"] = selectors.latest_approved_events(user=request.user)
    return TemplateResponse(request, "campaigns/admin/dashboard.html", context)


def reach_dashboard_print(request):
    """The dashboard as a printable A4 page, for the monthly report upwards."""
    form = _dashboard_form(request)
    context = {"page_title": _("Reach"), "form": form, "printed_at": timezone.localtime()}
    if form.is_bound and not form.is_valid():
        return TemplateResponse(
            request, "campaigns/admin/dashboard_print.html", context, status=400
        )
    context |= dashboard_figures(request.user, form.filters())
    context["filter_summary"] = [
        (form.fields[name].label, value)
        for name, value in (form.cleaned_data.items() if form.is_bound else ())
        if value
    ]
    return TemplateResponse(request, "campaigns/admin/dashboard_print.html", context)


def reach_dashboard_export(request):
    """The dashboard's figures, tables and charts as an XLSX workbook."""
    form = _dashboard_form(request)
    if form.is_bound and not form.is_valid():
        context = {"page_title": _("Reach"), "form": form, "query": _query_string(request)}
        return TemplateResponse(request, "campaigns/admin/dashboard.html", context, status=400)
    figures = dashboard_figures(request.user, form.filters())
    content = dashboard_to_xlsx(dashboard_tables(figures))
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    day = timezone.localdate(timezone=timezone.get_default_timezone())
    response["Content-Disposition"] = f'attachment; filename="reach-{day:%Y-%m-%d}.xlsx"'
    return response


def dashboard_tables(figures: dict) -> list[dict]:
    """The dashboard as tables of typed cells, one per sheet (Chinese sheet names),
    with the column a bar chart draws."""
    totals = figures["report"]["totals"]
    yuan, count = "#,##0.00", "#,##0"
    headline = [
        (_("Events"), totals["events"], count),
        (_("People reached in person"), totals["in_person_attendance"], count),
        (_("Live-stream viewers"), totals["live_stream_viewers"], count),
        (_("Online: QR scans"), totals["qr_scans"], count),
        (_("Unique visitors a day, summed"), totals["unique_visitors"], count),
        (_("Materials distributed"), totals["materials_distributed"], count),
        (_("People warned off a scam"), totals["warnings"], count),
        (_("Money protected (yuan)"), totals["money_protected_yuan"], yuan),
        (_("People who asked for help"), totals["help_requests"], count),
        (_("Videos screened"), totals["videos_screened"], count),
        (_("Staff deployed"), totals["staff_count"], count),
    ]
    tables = [
        {
            "sheet": _("Overview"),
            "title": _("Official reach (approved events)") + " " + figures["period"],
            "headers": [_("Figure"), _("Value")],
            "rows": [[label, value] for label, value, _format in headline],
            "formats": [None, count],
            "row_formats": [fmt for _label, _value, fmt in headline],
        },
        {
            "sheet": _("By month"),
            "title": _("People reached per month"),
            "headers": [
                _("Month"),
                _("Events"),
                _("People reached in person"),
                _("Live-stream viewers"),
                _("Materials distributed"),
            ],
            "rows": [
                [
                    month,
                    row["events"],
                    row["in_person_attendance"],
                    row["live_stream_viewers"],
                    row["materials_distributed"],
                ]
                for month, row in figures["report"]["by_month"].items()
            ],
            "formats": [None, count, count, count, count],
            "chart": {"title": _("People reached per month"), "columns": [3, 4]},
        },
    ]
    sheet_names = {
        "venue_type": _("By venue type"),
        "audience": _("By audience"),
        "district": _("By district"),
        "format": _("By format"),
    }
    for chart in figures["charts"]:
        tables.append(
            {
                "sheet": sheet_names[chart["key"]],
                "title": chart["title"],
                "headers": [_("Breakdown"), _("People reached")],
                "rows": [[row["label"], row["value"]] for row in chart["rows"]],
                "formats": [None, count],
                "chart": {"title": chart["title"], "columns": [2]},
            }
        )
    tables.append(
        {
            "sheet": _("Target progress"),
            "title": _("Targets and pacing"),
            "headers": [
                _("Campaign"),
                _("Team"),
                _("Figure"),
                _("Target"),
                _("Reached"),
                _("Share of the target reached (%)"),
                _("Share of the period elapsed (%)"),
                _("Pace"),
            ],
            "rows": [
                [
                    item["campaign"].name,
                    item["team"].name if item["team"] else _("Whole campaign"),
                    item["label"],
                    item["value"],
                    item["actual"],
                    item["reached_percent"],
                    item["elapsed_percent"],
                    item["status_label"],
                ]
                for item in figures["targets"]
            ],
            "formats": [None, None, None, count, count, "0", "0", None],
            "chart": {"title": _("Targets and pacing"), "columns": [6, 7]},
        }
    )
    tables.append(
        {
            "sheet": _("Team comparison"),
            "title": _("Team comparison"),
            "headers": [
                _("Team"),
                _("Events"),
                _("People reached in person"),
                _("Live-stream viewers"),
                _("Materials distributed"),
                _("People warned off a scam"),
                _("Money protected (yuan)"),
                _("Share of in-person attendance (%)"),
            ],
            "rows": [
                [
                    row["team"],
                    row["events"],
                    row["in_person_attendance"],
                    row["live_stream_viewers"],
                    row["materials_distributed"],
                    row["warnings"],
                    row["money_protected_yuan"],
                    row["share_percent"],
                ]
                for row in figures["teams"]
            ],
            "formats": [None, count, count, count, count, count, yuan, "0"],
            "chart": {"title": _("Team comparison"), "columns": [3, 4]},
        }
    )
    coverage_data = figures["coverage"]
    tables.append(
        {
            "sheet": _("Coverage"),
            "title": _("No approved event in the last %(days)s days")
            % {"days": coverage_data["days"]},
            "headers": [
                _("Venue type"),
                _("Venues"),
                _("Venues without an event"),
                _("Districts without an event of this type"),
                _("Venues without an event (names)"),
            ],
            "rows": [
                [
                    item["label"],
                    item["venues"],
                    item["uncovered"],
                    "、".join(item["uncovered_districts"]),
                    "、".join(item["uncovered_venues"]),
                ]
                for item in coverage_data["by_venue_type"]
            ]
            + [
                [
                    _("Districts with no approved event at all"),
                    None,
                    None,
                    "、".join(coverage_data["uncovered_districts"]),
                    "",
                ]
            ],
            "formats": [None, count, count, None, None],
        }
    )
    return tables


@never_cache
def follow_tracked_link(request, code: str):
    """Count a scan and send the reader to the material. Only ever to a page of this site."""
    found = links.open_link(code)
    if found is None:
        return TemplateResponse(request, "campaigns/link_unavailable.html", status=404)
    link, target = found
    links.record_scan(link=link, request=request)
    return HttpResponseRedirect(links.target_url(target, request))


def tracked_link_qr(request, pk: int, fmt: str):
    """The QR code of a tracked link, for printing (campaign staff only)."""
    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    link = get_object_or_404(
        permissions.visible_links(request.user).select_related("target"), pk=pk
    )
    buffer = BytesIO()
    code = segno.make(links.public_url(link), error="m", micro=False)
    if fmt == "svg":
        code.save(buffer, kind="svg", scale=10, border=4, xmldecl=True)
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    else:
        code.save(buffer, kind="png", scale=12, border=4)
        response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="qr-{link.code}.{fmt}"'
    return response


def evidence_photo(request, name: str):
    """An event's evidence photo, for users who may see that event (else 404)."""
    if "\x00" in name:  # PostgreSQL refuses NUL in a string: no such file either way
        raise Http404
    photo = get_object_or_404(
        EventPhoto, image=name, event__in=permissions.visible_events(request.user)
    )
    response = FileResponse(photo.image.open("rb"))
    response["Cache-Control"] = "private, max-age=3600"
    return response


def big_screen(request):
    """The centre's big screen, for campaign staff: headline figures (money protected
    among them), the trend, breakdowns and the latest approved events, of one campaign
    (?campaign=) or all. Fits a 1920×1080 screen; refreshes every minute."""
    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    form = ReachFilterForm(request.GET or None, user=request.user)
    context = display.screen_context(user=request.user, filters=form.filters())
    return TemplateResponse(request, "campaigns/big_screen.html", {**context, "form": form})


@never_cache
def display_screen(request, token: str):
    """The big screen on a wall display, by a manager's read-only link: no sign-in, the
    link's own campaign filter, nothing else reachable from it. Revoked: 410; unknown: 404."""
    link = display.find_link(token)
    reason = "unknown" if link is None else display.refusal(link)
    with translation.override(settings.LANGUAGE_CODE):
        if reason:
            display.log_refused(token, reason)
            response = TemplateResponse(
                request,
                "campaigns/big_screen_refused.html",
                {"reason": reason},
                status=404 if reason == "unknown" else 410,
            )
        else:
            display.mark_seen(link)
            context = display.screen_context(
                user=link.created_by, filters=ReachFilters(campaign=link.campaign)
            )
            response = TemplateResponse(request, "campaigns/big_screen.html", context)
        response.render()
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
