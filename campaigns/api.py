"""The reach API: GET /api/v1/reach/ (config/api.py mounts this router).

Session or HTTP Basic authentication; the caller must hold a campaign role and sees only
their teams' figures (campaigns/permissions.py). The payload is the published reach report
(selectors.reach_report_document), money protected (避免损失) included in every figure set
as the dashboard shows it, written as a decimal string.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.security import HttpBasicAuth, SessionAuth

from core.api import ApiError, ErrorOut, QueryText
from core.second_factor import needs_second_factor

from . import permissions
from .reach import ReachFilters
from .selectors import reach_report_document

CENTS = Decimal("0.01")


def _with_campaign_role(user):
    """The user, if they hold a campaign role; a 403 otherwise (site editors, readers)."""
    if not permissions.has_campaign_role(user):
        raise ApiError(403, "no_campaign_role", _("Your account has no access to campaign data."))
    return user


class CampaignSession(SessionAuth):
    """Signed in to the admin in this browser."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return _with_campaign_role(user) if user else None


class CampaignBasic(HttpBasicAuth):
    """User name and password on each request (scripts, the big screen's clients).
    Not for accounts that need a second factor: a password alone does not let them in."""

    def authenticate(self, request, username, password):
        user = authenticate(request, username=username, password=password)
        if user is None or needs_second_factor(user):
            return None
        return _with_campaign_role(user)


router = Router(tags=["campaigns"], auth=[CampaignSession(), CampaignBasic()])


class ReachQuery(Schema):
    campaign: QueryText | None = Field(None, description="Campaign slug.")
    team: QueryText | None = Field(None, description="Team name.")
    date_from: datetime.date | None = Field(None, alias="from", description="First day.")
    date_to: datetime.date | None = Field(None, alias="to", description="Last day.")


MONEY = Field(
    description="Money protected (避免损失) in yuan, a decimal string with two places.",
    pattern=r"^-?\d+\.\d{2}$",
    json_schema_extra={"format": "decimal"},
)


class Figures(Schema):
    events: int
    attendance: int
    materials_distributed: int
    warnings: int
    help_requests: int = Field(description="People who asked for help (求助).")
    videos_screened: int
    staff_count: int = Field(description="Staff deployed, summed over events.")
    partner_events: int = Field(description="Events run with partner organisations.")
    qr_scans: int
    unique_visitors: int
    money_protected_yuan: str = MONEY


class SplitFigures(Figures):
    """Totals and months also split attendance: people present and live-stream viewers."""

    in_person_attendance: int = Field(description="People reached in person (现场).")
    live_stream_viewers: int = Field(
        description="Viewers of online live streams; attendance = in person + live stream."
    )


class ReachOut(Schema):
    totals: SplitFigures
    by_venue_type: dict[str, Figures]
    by_audience: dict[str, Figures] = Field(
        description="Attendance by audience; the other figures are 0 here."
    )
    by_district: dict[str, Figures]
    by_format: dict[str, Figures]
    by_month: dict[str, SplitFigures] = Field(description="Keyed by month, e.g. 2026-05.")


def _filters(user, query: ReachQuery) -> ReachFilters:
    campaign = team = None
    if query.campaign:
        campaign = permissions.visible_campaigns(user).filter(slug=query.campaign).first()
        if campaign is None:
            raise ApiError(
                400,
                "unknown_campaign",
                _("No campaign %(slug)s that you can see.") % {"slug": query.campaign},
            )
    if query.team:
        team = permissions.visible_teams(user).filter(name=query.team).first()
        if team is None:
            raise ApiError(
                400, "unknown_team", _("No team %(name)s that you can see.") % {"name": query.team}
            )
    filters = ReachFilters(
        campaign=campaign, team=team, date_from=query.date_from, date_to=query.date_to
    )
    if filters.backwards:
        raise ApiError(400, "backwards_range", _("The end date is before the start date."))
    return filters


def _yuan(amount: Decimal) -> str:
    return str(Decimal(amount).quantize(CENTS))


@router.get(
    "/reach/",
    response={200: ReachOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="Reach of approved outreach events, for the caller's teams",
    operation_id="get_reach",
)
@decorate_view(never_cache)
def get_reach(request, query: Query[ReachQuery]):
    """Official reach (approved events only) with breakdowns, online scans beside it."""
    user = request.auth
    filters = _filters(user, query)
    document = reach_report_document(user=user, filters=filters)
    for figures in _figure_sets(document):
        figures["money_protected_yuan"] = _yuan(figures["money_protected_yuan"])
    return document


def _figure_sets(document: dict):
    yield document["totals"]
    for name in ("by_venue_type", "by_district", "by_format", "by_month", "by_audience"):
        yield from document[name].values()
