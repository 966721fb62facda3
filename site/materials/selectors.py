"""Read-side queries for materials. Each returns in a bounded number of SQL queries."""

from collections.abc import Iterable, Sequence

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction

from .models import LIBRARY_MODELS, MATERIAL_MODELS, AlertPage, Audience, ScamType

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


TAXONOMY_CACHE_KEY = "materials:taxonomy:{model}:{locale_id}"


def taxonomy_options(model: type[ScamType] | type[Audience], *, locale_id: int) -> list:
    """The snippets editors created in a locale, in their sort order.

    Every listing shows them, so they are cached; saving or deleting one clears the cache
    (see signals.py).
    """
    key = TAXONOMY_CACHE_KEY.format(model=model._meta.model_name, locale_id=locale_id)
    options = cache.get(key)
    if options is None:
        options = list(model.objects.filter(locale_id=locale_id))
        cache.set(key, options, 60 * 60)
    return options


def material_queryset(
    *,
    locale_id: int,
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
        subquery = model.objects.filter(locale_id=locale_id)
        if scam_types:
            subquery = subquery.filter(scam_types__slug__in=scam_types)
        if audiences:
            subquery = subquery.filter(audiences__slug__in=audiences)
        condition |= Q(pk__in=subquery.values("pk"))
    if not condition:
        return Page.objects.none()
    return with_card_fields(
        Page.objects.live().filter(condition)
        # Materials have no subpages and sit under a public index, so a page is private
        # exactly when it carries a restriction itself: a subquery, not an extra query.
        .exclude(pk__in=PageViewRestriction.objects.values("page_id"))
        .order_by("-first_published_at", "-pk")
    )


def _summary_from_material_tables():
    return Coalesce(*[
        Subquery(model.objects.filter(pk=OuterRef("pk")).values("summary")[:1])
        for model in MATERIAL_MODELS
    ], Value(""), output_field=TextField())


def with_card_fields(queryset: QuerySet) -> QuerySet:
    """Annotate what a card shows (summary, image) straight from each page type's table.

    Listings then need no `.specific()` (one query per page type) to draw their cards.
    """
    image_fields = [
        Subquery(model.objects.filter(pk=OuterRef("pk")).values(
            "image_id" if model.format_key == "poster" else "listing_image_id")[:1])
        for model in MATERIAL_MODELS if model.format_key != "alert"
    ]
    return queryset.annotate(
        card_summary=_summary_from_material_tables(),
        card_image_id=Coalesce(*image_fields),
    )


def _format_key(page: Page) -> str:
    key = getattr(page, "format_key", None)
    if key is None:
        model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        key = getattr(model, "format_key", "")
    return key


def attach_card_images(pages: Iterable[Page], specs: Sequence[str] = CARD_IMAGE_SPECS) -> list:
    """Give each specific page a `card_image_obj` with renditions prefetched (two queries)."""
    pages = list(pages)
    for page in pages:
        if not hasattr(page, "card_image_id"):
            page.card_image_id = (getattr(page, "listing_image_id", None)
                                  or getattr(page, "image_id", None))
        if not hasattr(page, "card_summary"):
            page.card_summary = getattr(page, "summary", "")
    ids = {page.card_image_id for page in pages} - {None}
    images = {}
    if ids:
        images = {
            image.pk: image
            for image in get_image_model().objects.filter(pk__in=ids).prefetch_renditions(*specs)
        }
    for page in pages:
        page.card_image_obj = images.get(page.card_image_id)
        page.format_label = FORMAT_LABELS.get(_format_key(page), "")
    return pages


def latest_alerts(*, locale_id: int, limit: int = 3) -> list[AlertPage]:
    return list(
        AlertPage.objects.live().public().filter(locale_id=locale_id)
        .order_by("-alert_date", "-first_published_at")[:limit]
    )


def specific_in_order(pages: Iterable[Page]) -> list:
    """The specific versions of `pages`, in the same order (one query per page type)."""
    pages = list(pages)
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in pages]).specific()}
    return [by_id[page.pk] for page in pages if page.pk in by_id]


SECTION_CACHE_KEY = "materials:sections:{site_id}:{language}"


def section_urls(request, *, language_code: str) -> dict:
    """URLs of the library ("library") and alert list ("alerts") in one language.

    Shown in every page's navigation, so cached per site and language; publishing,
    moving or deleting a page clears it (see signals.py).
    """
    from wagtail.models import Site

    from .models import AlertIndexPage, MaterialIndexPage

    site = Site.find_for_request(request)
    key = SECTION_CACHE_KEY.format(site_id=getattr(site, "pk", 0), language=language_code)
    urls = cache.get(key)
    if urls is None:
        types = ContentType.objects.get_for_models(MaterialIndexPage, AlertIndexPage)
        pages = Page.objects.live().filter(
            locale__language_code=language_code, content_type__in=types.values()
        ).only("id", "url_path", "content_type_id", "depth", "path")
        urls = {}
        for page in pages:
            key_name = "library" if page.content_type_id == types[MaterialIndexPage].pk else "alerts"
            urls[key_name] = page.get_url(request)
        cache.set(key, urls, 60 * 60)
    return urls


def clear_cached_navigation() -> None:
    """Forget cached section URLs and taxonomy options (cheap: a handful of keys)."""
    from django.conf import settings

    from wagtail.models import Site

    keys = []
    for site_id in [0, *Site.objects.values_list("pk", flat=True)]:
        for language, _name in settings.LANGUAGES:
            keys.append(SECTION_CACHE_KEY.format(site_id=site_id, language=language))
    for locale_id in Locale.objects.values_list("pk", flat=True):
        for model in (ScamType, Audience):
            keys.append(TAXONOMY_CACHE_KEY.format(model=model._meta.model_name,
                                                  locale_id=locale_id))
    cache.delete_many(keys)
