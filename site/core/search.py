"""Searching materials. Kept behind one function so the backend can change underneath."""

import unicodedata

from django.db.models import Q
from wagtail.models import Locale, Page

from materials.models import MATERIAL_MODELS

MAX_QUERY_LENGTH = 200


def normalise_query(raw: str) -> str:
    """What readers typed, made safe to search: no control characters, single spaces,
    full-width letters and digits folded to their usual forms (ＡＢＣ１２３ → ABC123)."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


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
    terms = search_terms(query)
    if not terms:
        return []
    return Page.objects.live().public().filter(condition).search(terms, operator="and")


def search_terms(query: str) -> str:
    """The words of a query, without the punctuation full-text engines read as syntax
    (quotes, brackets, *, ^, :, -): readers type it by accident, never as operators."""
    return " ".join(
        "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in query).split()
    )
