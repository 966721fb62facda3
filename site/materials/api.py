"""The public materials API: GET /api/v1/materials/ (config/api.py mounts this router).

Published library materials are public pages, so anyone may list them.
"""

import datetime
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from wagtail.models import Locale

from core.api import ApiError, ErrorOut, QueryText

from .models import MATERIAL_TYPES

MAX_PAGE_SIZE = 100
MAX_OFFSET = 10**9  # far past any library; keeps the SQL OFFSET within a 64-bit integer
MaterialFormat = Literal[tuple(MATERIAL_TYPES.library_keys)]
Language = Literal[tuple(code for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES)]

router = Router(tags=["materials"])


class MaterialsQuery(Schema):
    lang: Language = Field(settings.LANGUAGE_CODE, description="Language of the materials.")
    type: list[MaterialFormat] = Field(
        default_factory=list,
        description="Kinds of material; repeat the parameter for several (any of them).",
    )
    audience: list[QueryText] = Field(
        default_factory=list,
        description="Audience slugs, e.g. elders; repeat for several (any of them).",
    )
    scam_type: list[QueryText] = Field(
        default_factory=list,
        description="Scam type slugs, e.g. impersonating-police; repeat for several.",
    )
    limit: int = Field(
        20, description=f"Page size, 1 to {MAX_PAGE_SIZE}; other values are brought into range."
    )
    offset: int = Field(
        0, description="Materials to skip; out-of-range values are brought into range."
    )


class MaterialOut(Schema):
    id: int
    title: str
    url: str | None
    summary: str
    first_published_at: datetime.datetime | None


class MaterialPageOut(Schema):
    count: int
    limit: int
    offset: int
    results: list[MaterialOut]


@router.get(
    "/materials/",
    response={200: MaterialPageOut, 400: ErrorOut},
    summary="Published materials, newest first",
    operation_id="list_materials",
)
def list_materials(request, params: Query[MaterialsQuery]):
    """Live public library materials of one language matching every given filter."""
    locale = Locale.objects.filter(language_code=params.lang).first()
    if locale is None:
        raise ApiError(
            400,
            "unknown_language",
            _("There are no materials in %(language)s yet.") % {"language": params.lang},
        )
    limit = min(MAX_PAGE_SIZE, max(1, params.limit))
    offset = min(MAX_OFFSET, max(0, params.offset))
    pages = MATERIAL_TYPES.library_queryset(
        locale_id=locale.pk,
        formats=params.type,
        scam_types=params.scam_type,
        audiences=params.audience,
    )
    results = [
        {
            "id": page.pk,
            "title": page.title,
            "url": page.get_full_url(request),
            "summary": page.card_summary or "",
            "first_published_at": page.first_published_at,
        }
        for page in pages[offset : offset + limit]
    ]
    return {"count": pages.count(), "limit": limit, "offset": offset, "results": results}
