"""Read-side queries for materials. Each returns in a bounded number of SQL queries."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.images.models import ResponsiveImage
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Locale, Page, PageViewRestriction

from core.content_generation import cached

from .models import LIBRARY_MODELS, MATERIAL_MODELS, AlertPage, Audience, ScamType

FORMAT_LABELS = {
    "poster": _("Poster"),
    "video": _("Video"),
    "guide": _("Guide"),
    "case": _("Case study"),
    "alert": _("Alert"),
}
LIBRARY_FORMATS = [model.format_key for model in LIBRARY_MODELS]


@dataclass(frozen=True)
class ListingImage:
    """How a listing shows each item's image, declared once: the selector prefetches these
    renditions and the template draws the <img> it is handed (`item.card_image_tag`),
    naming no size of its own. A template asking for a size the prefetch did not name
    would make Wagtail decode and resize the original on every request."""

    specs: tuple[str, ...]
    attrs: dict[str, str]

    def image_tag(self, image) -> ResponsiveImage:
        return ResponsiveImage(get_renditions_or_not_found(image, self.specs), dict(self.attrs))


CARD_IMAGE = ListingImage(  # library, landing pages, home page features
    specs=("fill-480x320", "fill-960x640"),
    attrs={
        "sizes": "(min-width: 60em) 20em, (min-width: 40em) 45vw, 100vw",
        "alt": "",
        "loading": "lazy",
    },
)
RESULT_IMAGE = ListingImage(  # search results
    specs=("fill-160x120",), attrs={"alt": "", "loading": "lazy", "class": "result-thumb"}
)


def active_locale_id() -> int | None:
    """The id of the active language's Locale, cached (locales almost never change)."""
    from django.utils import translation

    language = translation.get_language()
    return cached(
        f"materials:locale-id:{language}",
        lambda: Locale.objects.filter(language_code=language).values_list("pk", flat=True).first(),
    )


def page_taxonomies(page, *, preview: bool = False) -> dict[str, list]:
    """The scam types and audiences of a material, named in the active language.

    A translated page keeps pointing at the snippets of the page it was copied from, so
    links are matched by translation key against the (cached) options of the active
    language. The links change only when the page is published, so they are cached too.
    A preview (a draft, a revision, a page in moderation) shows the links the page holds
    in memory instead, which may differ from the published ones.
    """

    def linked_keys():
        parts = []
        for name in ("scam_types", "audiences"):
            field = page._meta.get_field(name)
            parts.append(
                field.remote_field.through.objects.filter(**{field.m2m_field_name(): page.pk})
                .annotate(kind=Value(name))
                .values_list("kind", f"{field.m2m_reverse_field_name()}__translation_key")
            )
        keys: dict[str, set] = {"scam_types": set(), "audiences": set()}
        for kind, translation_key in parts[0].union(parts[1], all=True):
            keys[kind].add(translation_key)
        return keys

    if preview or page.pk is None:
        # modelcluster's in-memory relations: iterate them, never query through them.
        linked = {
            name: {item.translation_key for item in getattr(page, name).all()}
            for name in ("scam_types", "audiences")
        }
    else:
        linked = cached(f"materials:page-taxonomies:{page.pk}", linked_keys)
    locale_id = active_locale_id() or page.locale_id
    return {
        "scam_types": [
            item
            for item in taxonomy_options(ScamType, locale_id=locale_id)
            if item.translation_key in linked["scam_types"]
        ],
        "audiences": [
            item
            for item in taxonomy_options(Audience, locale_id=locale_id)
            if item.translation_key in linked["audiences"]
        ],
    }


def taxonomy_options(model: type[ScamType] | type[Audience], *, locale_id: int) -> list:
    """The snippets editors created in a locale, in their sort order.

    Every listing shows them, so they are cached; saving or deleting one clears the cache
    (see signals.py).
    """
    return cached(
        f"materials:taxonomy:{model._meta.model_name}:{locale_id}",
        lambda: list(model.objects.filter(locale_id=locale_id)),
    )


def material_queryset(
    *,
    locale_id: int,
    formats: Sequence[str] = (),
    scam_types: Sequence[str] = (),
    audiences: Sequence[str] = (),
) -> QuerySet:
    """Live public library materials matching every given dimension (any value within one)."""
    condition = materials_condition(
        LIBRARY_MODELS,
        locale_id=locale_id,
        formats=formats,
        scam_types=scam_types,
        audiences=audiences,
    )
    if not condition:
        return Page.objects.none()
    return with_card_fields(
        exclude_private(Page.objects.live().filter(condition)).order_by(
            "-first_published_at", "-pk"
        )
    )


def materials_condition(models, *, locale_id: int, formats=(), scam_types=(), audiences=()) -> Q:
    """A Page filter for materials of the given kinds matching every given dimension.

    Each page type keeps its own many-to-many tables, so the match is one subquery per type
    joined by OR: a single SQL statement however many types are involved. Empty when no
    type is left.
    """
    condition = Q()
    for model in models:
        if formats and model.format_key not in formats:
            continue
        subquery = model.objects.filter(locale_id=locale_id)
        if scam_types:
            subquery = subquery.filter(scam_types__slug__in=scam_types)
        if audiences:
            subquery = subquery.filter(audiences__slug__in=audiences)
        condition |= Q(pk__in=subquery.values("pk"))
    return condition


def exclude_private(queryset: QuerySet) -> QuerySet:
    """Drop pages under a view restriction (on themselves or an ancestor).

    Wagtail's `.public()` first loads every restriction in a separate query; this is the
    same test as a correlated subquery: a restricted page's path is a prefix of ours.
    """
    restricted = PageViewRestriction.objects.filter(
        page__path=Substr(OuterRef("path"), 1, Length("page__path"))
    )
    return queryset.exclude(Exists(restricted))


def _summary_from_material_tables():
    return Coalesce(
        *[
            Subquery(model.objects.filter(pk=OuterRef("pk")).values("summary")[:1])
            for model in MATERIAL_MODELS
        ],
        Value(""),
        output_field=TextField(),
    )


def with_card_fields(queryset: QuerySet) -> QuerySet:
    """Annotate what a card shows (summary, image) straight from each page type's table.

    Listings then need no `.specific()` (one query per page type) to draw their cards.
    """
    image_fields = [
        Subquery(
            model.objects.filter(pk=OuterRef("pk")).values(
                "image_id" if model.format_key == "poster" else "listing_image_id"
            )[:1]
        )
        for model in MATERIAL_MODELS
        if model.format_key != "alert"
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


def attach_card_images(pages: Iterable[Page], shown_as: ListingImage = CARD_IMAGE) -> list:
    """Give each page its `card_image_tag`, drawn as `shown_as` says (two queries: the images
    and their renditions; none more once the renditions exist)."""
    pages = list(pages)
    for page in pages:
        if not hasattr(page, "card_image_id"):
            page.card_image_id = getattr(page, "listing_image_id", None) or getattr(
                page, "image_id", None
            )
        if not hasattr(page, "card_summary"):
            page.card_summary = getattr(page, "summary", "")
    ids = {page.card_image_id for page in pages} - {None}
    images = {}
    if ids:
        images = {
            image.pk: image
            for image in get_image_model()
            .objects.filter(pk__in=ids)
            .prefetch_renditions(*shown_as.specs)
        }
    for page in pages:
        image = images.get(page.card_image_id)
        page.card_image_tag = shown_as.image_tag(image) if image else None
        page.format_label = FORMAT_LABELS.get(_format_key(page), "")
    return pages


def latest_alerts(*, locale_id: int, limit: int = 3) -> list[AlertPage]:
    return list(
        exclude_private(AlertPage.objects.live().filter(locale_id=locale_id)).order_by(
            "-alert_date", "-first_published_at"
        )[:limit]
    )


def specific_in_order(pages: Iterable[Page]) -> list:
    """The specific versions of `pages`, in the same order (one query per page type)."""
    pages = list(pages)
    by_id = {page.pk: page for page in Page.objects.filter(pk__in=[p.pk for p in pages]).specific()}
    return [by_id[page.pk] for page in pages if page.pk in by_id]


def section_urls(request, *, language_code: str) -> dict:
    """URLs of the library ("library") and alert list ("alerts") in one language.

    Shown in every page's navigation, so cached per site and language.
    """
    from wagtail.models import Site

    from .models import AlertIndexPage, MaterialIndexPage

    def compute():
        types = ContentType.objects.get_for_models(MaterialIndexPage, AlertIndexPage)
        pages = (
            Page.objects.live()
            .filter(locale__language_code=language_code, content_type__in=types.values())
            .only("id", "url_path", "content_type_id", "depth", "path")
        )
        return {
            "library"
            if page.content_type_id == types[MaterialIndexPage].pk
            else "alerts": page.get_url(request)
            for page in pages
        }

    site = Site.find_for_request(request)
    return cached(f"materials:sections:{getattr(site, 'pk', 0)}:{language_code}", compute)


def featured_materials(home) -> list:
    """The home page's featured materials, in the editor's order, ready for cards."""
    from core.models import HomeFeaturedItem

    order = HomeFeaturedItem.objects.filter(home=home, page=OuterRef("pk")).values("sort_order")
    pages = with_card_fields(
        exclude_private(Page.objects.live().filter(pk__in=home.featured_items.values("page_id")))
        .annotate(featured_order=Subquery(order[:1]))
        .order_by("featured_order")
    )
    return attach_card_images(pages)


def translated_urls(page: Page, request) -> dict[str, str]:
    """{language code: URL} of the live versions of `page`, cached per translation group."""
    return cached(
        f"materials:translations:{page.translation_key}",
        lambda: {
            version.locale.language_code: version.get_url(request)
            for version in page.get_translations(inclusive=True).live().select_related("locale")
        },
    )
