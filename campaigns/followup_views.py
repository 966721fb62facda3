"""The completeness view: which teams reported nothing this week or this month."""

from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import followup


def completeness_view(request):
    """For team leads (the teams they lead) and managers (every team)."""
    if not followup.can_see_completeness(request.user):
        raise PermissionDenied
    rows = followup.completeness(user=request.user)
    periods = followup.current_periods()
    return TemplateResponse(
        request,
        "campaigns/admin/completeness.html",
        {
            "page_title": _("Reporting completeness"),
            "rows": rows,
            "periods": periods,
            "silent_week": [row for row in rows if not row["week_events"]],
            "silent_month": [row for row in rows if not row["month_events"]],
        },
    )
