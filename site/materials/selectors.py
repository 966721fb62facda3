"""Read-side queries for materials. Each returns in a bounded number of SQL queries."""

from collections.abc import Iterable, Sequence

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from .models import LIBRARY_MODELS, AlertPage, Audience, ScamType

FORMAT_LABELS = {
    "poster": _("Poster"),
    "video": _("Video"),
    "guide": _("Guide"),
    "case": _("Case study"),
    "alert": _("Alert"),
}
LIBRARY_FORMATS = [model.format_key for model in LIBRARY_MODELS]
CARD_IMAGE_SPECS = ("fill-480x320", "fill-960x640")


def localized_taxonomies(linked: QuerySet) -> list:
    """The active-locale versions of the snippets in `linked` (one query).

    Translated pages keep pointing at the snippets of the page they were copied from, so
    the names shown must be looked up by translation key; untranslated ones fall back.
    """
    model = linked.model
    active = Locale.get_active()
    chosen: dict = {}
    rows = model.objects.filter(
        translation_key__in=linked.values("translation_key")
    ).select_related("locale")
    for row in rows:
        current = chosen.get(row.translation_key)
        if current is None or row.locale_id == active.pk:
            chosen[row.translation_key] = row
    return sorted(chosen.values(), key=lambda item: (item.sort_order, item.name))


def taxonomy_options(model: type[ScamType] | type[Audience], *, locale: Locale) -> list:
    """The snippets editors created in `locale`, in their sort order."""
    return list(model.objects.filter(locale=locale))


def material_queryset(
    *,
    locale: Locale,
    formats: Sequence[str] = (),
    scam_types: Sequence[str] = (),
    audiences: Sequence[str] = (),
) -> QuerySet:
    """Live public library materials matching every given dimension (any value within one).

    Each page type keeps its own many-to-many tables, so the match is one subquery per type
    joined by OR: a single SQL statement however many types are involved.
    """
    condition = Q()
    for model in LIBRARY_MODELS:
        if formats and model.format_key not in formats:
            continue
        subquery = model.objects.filter(locale=locale)
        if scam_types:
            subquery = subquery.filter(scam_types__slug__in=scam_types)
        if audiences:
            subquery = subquery.filter(audiences__slug__in=audiences)
        condition |= Q(pk__in=subquery.values("pk"))
    if not condition:
        return Page.objects.none()
    return (
        Page.objects.live().public().filter(condition)
        .order_by("-first_published_at", "-pk")
    )


def attach_card_images(pages: Iterable[Page], specs: Sequence[str] = CARD_IMAGE_SPECS) -> list:
    """Give each specific page a `card_image_obj` with renditions prefetched (two queries)."""
    pages = list(pages)
    ids = {getattr(page, "listing_image_id", None) or getattr(page, "image_id", None)
           for page in pages} - {None}
    images = {}
    if ids:
        images = {
            image.pk: image
            for image in get_image_model().objects.filter(pk__in=ids).prefetch_renditions(*specs)
        }
    for page in pages:
        image_id = getattr(page, "listing_image_id", None) or getattr(page, "image_id", None)
        page.card_image_obj = images.get(image_id)
        page.format_label = FORMAT_LABELS.get(getattr(page, "format_key", ""), "")
    return pages


def latest_alerts(*, locale: Locale, limit: int = 3) -> list[AlertPage]:
    return list(
        AlertPage.objects.live().public().filter(locale=locale)
        .order_by("-alert_date", "-first_published_at")[:limit]
    )


def specific_in_order(pages: Iterable[Page]) -> list:
    """The specific versions of `pages`, in the same order (one query per page type)."""
    pages = list(pages)
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in pages]).specific()}
    return [by_id[page.pk] for page in pages if page.pk in by_id]
