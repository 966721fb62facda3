"""Searching materials. Kept behind one function so the backend can change underneath."""

from django.db.models import Q
from wagtail.models import Locale, Page

from materials.models import MATERIAL_MODELS

MAX_QUERY_LENGTH = 200


def search_materials(query: str, *, locale: Locale, formats=(), audiences=()):
    """Live public materials in `locale` that match `query`, best first, as specific pages."""
    condition = Q()
    for model in MATERIAL_MODELS:
        if formats and model.format_key not in formats:
            continue
        subquery = model.objects.filter(locale=locale)
        if audiences:
            subquery = subquery.filter(audiences__slug__in=audiences)
        condition |= Q(pk__in=subquery.values("pk"))
    if not condition:
        return []
    return Page.objects.live().public().filter(condition).search(query, operator="and")
