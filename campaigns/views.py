"""The reach dashboard (admin) and the public tracked-link redirect."""

from io import BytesIO

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import display, links, permissions, selectors
from .charts import bar_rows, column_rows
from .forms import ReachFilterForm
from .models import EventFormat, EventPhoto, VenueType
from .reach import ReachFilters


def reach_dashboard(request):
    """Headline figures, trends and breakdowns of approved events, for the user's teams."""
    if not permissions.has_campaign_role(request.user):
        raise PermissionDenied
    form = ReachFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    report = selectors.reach_report(user=request.user, filters=filters)
    progress = selectors.campaign_progress(user=request.user, filters=filters)
    show_budgets = permissions.can_see_budgets(request.user)
    if not show_budgets:  # cost per person × people reached would give the budget away
        for item in progress:
            item["cost_per_person"] = None
    venue_labels = dict(VenueType.choices)
    format_labels = dict(EventFormat.choices)
    audience_labels = {
        "elders": _("Elders"),
        "students": _("Students"),
        "general_public": _("General public"),
        "unspecified": _("Not broken down"),
    }
    return TemplateResponse(
        request,
        "campaigns/admin/dashboard.html",
        {
            "page_title": _("Reach"),
            "form": form,
            "report": report,
            "pending": selectors.pending_events(user=request.user, filters=filters),
            "charts": [
                {
                    "title": _("People reached by venue type"),
                    "rows": bar_rows(report["by_venue_type"], "attendance", venue_labels),
                },
                {
                    "title": _("People reached by audience"),
                    "rows": bar_rows(
                        {k: {"attendance": v} for k, v in report["by_audience"].items()},
                        "attendance",
                        audience_labels,
                    ),
                },
                {
                    "title": _("People reached by district"),
                    "rows": bar_rows(report["by_district"], "attendance"),
                },
                {
                    "title": _("People reached by format"),
                    "rows": bar_rows(report["by_format"], "attendance", format_labels),
                },
            ],
            "months": column_rows(report["by_month"], "attendance"),
            "materials": selectors.material_effectiveness(user=request.user, filters=filters),
            "progress": progress,
            "show_budgets": show_budgets,
            "latest": selectors.latest_approved_events(user=request.user),
        },
    )


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
