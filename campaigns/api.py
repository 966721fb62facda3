"""A small read-only JSON API: reach figures (campaign staff only) and published materials.

Plain Django views: the payloads are the same documents the reports use, so a framework
would add weight without adding anything. The OpenAPI description is at /api/v1/schema.json.
"""

import base64
import binascii
import datetime
from functools import wraps

from django.contrib.auth import authenticate
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import permissions
from .selectors import ReachFilters, reach_report_document

MAX_PAGE_SIZE = 100


def _error(status: int, message: str, **extra) -> JsonResponse:
    response = JsonResponse({"error": message, **extra}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="fangzha"'
    return response


def _basic_auth_user(request):
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Basic "):
        return None
    try:
        username, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return authenticate(request, username=username, password=password)


def campaign_staff_only(view):
    """Session or HTTP Basic authentication; the user must hold a campaign role."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else _basic_auth_user(request)
        if user is None:
            return _error(401, "Authentication required.")
        if not permissions.has_campaign_role(user):
            return _error(403, "Your account has no access to campaign data.")
        request.api_user = user
        return view(request, *args, **kwargs)

    return wrapper


def _parse_date(value: str | None, name: str):
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be a date like 2026-05-01, not {value!r}") from None


@require_GET
@never_cache
@campaign_staff_only
def reach(request):
    """Reach figures of approved events, limited to the user's teams."""
    user = request.api_user
    try:
        date_from = _parse_date(request.GET.get("from"), "from")
        date_to = _parse_date(request.GET.get("to"), "to")
    except ValueError as error:
        return _error(400, str(error))
    campaign = team = None
    if slug := request.GET.get("campaign"):
        from .selectors import campaigns_visible_to

        campaign = campaigns_visible_to(user).filter(slug=slug).first()
        if campaign is None:
            return _error(400, f"No campaign {slug!r} you can see.")
    if name := request.GET.get("team"):
        team = permissions.teams_of(user).filter(name=name).first()
        if team is None:
            return _error(400, f"No team {name!r} you can see.")
    filters = ReachFilters(campaign=campaign, team=team, date_from=date_from, date_to=date_to)
    document = reach_report_document(user=user, filters=filters)
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@require_GET
def materials(request):
    """Published materials of one language, newest first (public: they are public pages)."""
    from wagtail.models import Locale

    from materials.selectors import LIBRARY_FORMATS, material_queryset

    language = request.GET.get("lang", "zh-hans")
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None:
        return _error(400, f"Unknown language {language!r}; use zh-hans or en.")
    try:
        limit = min(MAX_PAGE_SIZE, max(1, int(request.GET.get("limit", 20))))
        offset = max(0, int(request.GET.get("offset", 0)))
    except ValueError:
        return _error(400, "limit and offset must be whole numbers.")
    formats = [f for f in request.GET.getlist("type") if f in LIBRARY_FORMATS]
    pages = material_queryset(
        locale_id=locale.pk,
        formats=formats,
        scam_types=request.GET.getlist("scam_type"),
        audiences=request.GET.getlist("audience"),
    )
    total = pages.count()
    items = [
        {
            "id": page.pk,
            "title": page.title,
            "url": page.get_full_url(request),
            "summary": page.card_summary,
            "first_published_at": page.first_published_at.isoformat()
            if page.first_published_at
            else None,
        }
        for page in pages[offset : offset + limit]
    ]
    return JsonResponse(
        {"count": total, "limit": limit, "offset": offset, "results": items},
        json_dumps_params={"ensure_ascii": False},
    )


FIGURES_SCHEMA = {
    "type": "object",
    "properties": {
        name: {"type": "integer"}
        for name in (
            "events",
            "attendance",
            "materials_distributed",
            "warnings",
            "qr_scans",
            "unique_visitors",
        )
    },
}
BREAKDOWN_SCHEMA = {"type": "object", "additionalProperties": FIGURES_SCHEMA}


def openapi_schema() -> dict:
    error = {
        "description": "Error",
        "content": {
            "application/json": {
                "schema": {"type": "object", "properties": {"error": {"type": "string"}}}
            }
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Fangzha API",
            "version": "1",
            "description": "Read-only reach figures and published anti-fraud materials.",
        },
        "components": {
            "securitySchemes": {
                "basic": {"type": "http", "scheme": "basic"},
                "session": {"type": "apiKey", "in": "cookie", "name": "sessionid"},
            },
            "schemas": {"Figures": FIGURES_SCHEMA},
        },
        "paths": {
            "/api/v1/reach/": {
                "get": {
                    "summary": "Reach of approved outreach events, for the caller's teams",
                    "security": [{"basic": []}, {"session": []}],
                    "parameters": [
                        {
                            "name": "campaign",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "campaign slug",
                        },
                        {
                            "name": "team",
                            "in": "query",
                            "schema": {"type": "string"},
                            "description": "team name",
                        },
                        {
                            "name": "from",
                            "in": "query",
                            "schema": {"type": "string", "format": "date"},
                        },
                        {
                            "name": "to",
                            "in": "query",
                            "schema": {"type": "string", "format": "date"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Reach report",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "totals": {"$ref": "#/components/schemas/Figures"},
                                            **{
                                                name: BREAKDOWN_SCHEMA
                                                for name in (
                                                    "by_venue_type",
                                                    "by_audience",
                                                    "by_district",
                                                    "by_format",
                                                    "by_month",
                                                )
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": error,
                        "401": error,
                        "403": error,
                    },
                }
            },
            "/api/v1/materials/": {
                "get": {
                    "summary": "Published materials, newest first",
                    "parameters": [
                        {
                            "name": "lang",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["zh-hans", "en"]},
                        },
                        {
                            "name": "type",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": ["poster", "video", "guide", "case"],
                            },
                        },
                        {"name": "audience", "in": "query", "schema": {"type": "string"}},
                        {"name": "scam_type", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "maximum": MAX_PAGE_SIZE},
                        },
                        {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "A page of materials",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "count": {"type": "integer"},
                                            "limit": {"type": "integer"},
                                            "offset": {"type": "integer"},
                                            "results": {
                                                "type": "array",
                                                "items": {
                                                    "type": "object",
                                                    "properties": {
                                                        "id": {"type": "integer"},
                                                        "title": {"type": "string"},
                                                        "url": {"type": "string"},
                                                        "summary": {"type": "string"},
                                                        "first_published_at": {
                                                            "type": "string",
                                                            "nullable": True,
                                                        },
                                                    },
                                                },
                                            },
                                        },
                                    }
                                }
                            },
                        },
                        "400": error,
                    },
                }
            },
        },
    }


@require_GET
def schema(request):
    return JsonResponse(openapi_schema())
