"""How materials are declared and listed: the shape of the type registry, the filters and
the card fields. It imports no materials model, so the page models may use it; the one
registry, MATERIAL_TYPES, is declared at the foot of models.py."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce
from wagtail.images import get_image_model
from wagtail.images.models import ResponsiveImage
from wagtail.images.shortcuts import get_renditions_or_not_found
from wagtail.models import Page

from core.cache_epoch import cached
from core.pages import exclude_private


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

    def whole(self) -> "ListingImage":
        """The same box showing the whole image, letterboxed: for artwork whose words must
        not be cut (a poster's headline), where a fill would crop across the text."""
        classes = " ".join(filter(None, [self.attrs.get("class", ""), "fit-whole"]))
        return ListingImage(
            specs=tuple(spec.replace("fill-", "max-", 1) for spec in self.specs),
            attrs={**self.attrs, "class": classes},
        )


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


@dataclass(frozen=True)
class MaterialType:
    """One kind of material: its key (the `type` filter in addresses and the API), page
    model, label on cards and filters, the field holding its card image (None: no image),
    and whether the library and its API list it (search, sitemap and feeds list every
    live material)."""

    key: str
    model: type
    label: str
    image_field: str | None = "listing_image"
    in_library: bool = True
    whole_image: bool = False  # cards letterbox the image instead of cropping it
    plural_label: str = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "plural_label", self.model._meta.verbose_name_plural)


class MaterialTypes:
    """The registry of material types, in the order filters show them."""

    def __init__(self, *types: MaterialType):
        self.types = types
        self.by_key = {item.key: item for item in types}
        self.by_model = {item.model: item for item in types}

    def __iter__(self):
        return iter(self.types)

    @property
    def models(self) -> tuple:
        return tuple(item.model for item in self.types)

    @property
    def library(self) -> tuple[MaterialType, ...]:
        return tuple(item for item in self.types if item.in_library)

    @property
    def library_keys(self) -> list[str]:
        return [item.key for item in self.library]

    def options(self, types: Iterable[MaterialType] | None = None) -> list[tuple[str, str]]:
        """(key, label) pairs for a filter."""
        return [(item.key, item.label) for item in (self.types if types is None else types)]

    def for_page(self, page: Page) -> MaterialType | None:
        model = type(page)
        if model not in self.by_model:  # a base Page: its content type names the model
            model = ContentType.objects.get_for_id(page.content_type_id).model_class()
        return self.by_model.get(model)

    def condition(
        self,
        types: Iterable[MaterialType],
        *,
        locale_id: int,
        formats: Sequence[str] = (),
        scam_types: Sequence[str] = (),
        audiences: Sequence[str] = (),
    ) -> Q:
        """A Page filter for materials of the given types matching every given dimension.

        Each page type keeps its own many-to-many tables, so the match is one subquery per
        type joined by OR: a single SQL statement however many types are involved. Empty
        when no type is left.
        """
        condition = Q()
        for item in types:
            if formats and item.key not in formats:
                continue
            subquery = item.model.objects.filter(locale_id=locale_id)
            if scam_types:
                subquery = subquery.filter(scam_types__slug__in=scam_types)
            if audiences:
                subquery = subquery.filter(audiences__slug__in=audiences)
            condition |= Q(pk__in=subquery.values("pk"))
        return condition

    def library_queryset(
        self,
        *,
        locale_id: int,
        formats: Sequence[str] = (),
        scam_types: Sequence[str] = (),
        audiences: Sequence[str] = (),
    ) -> QuerySet:
        """Live public library materials matching every given dimension (any value within
        one), newest first, with their card fields."""
        condition = self.condition(
            self.library,
            locale_id=locale_id,
            formats=formats,
            scam_types=scam_types,
            audiences=audiences,
        )
        if not condition:
            return Page.objects.none()
        return self.with_card_fields(
            exclude_private(Page.objects.live().filter(condition)).order_by(
                "-first_published_at", "-pk"
            )
        )

    def facets(self, *, locale_id: int) -> dict[str, set[str]]:
        """The formats ("type"), scam types and audiences (slugs) that the live public
        library materials of a locale have: the filters worth offering in that language.

        One UNION query over the page types' tables, kept until the next publish.
        """

        def compute():
            def pairs(queryset, kind, value):
                return queryset.annotate(
                    kind=Value(kind, output_field=CharField()), value=value
                ).values_list("kind", "value")

            parts = []
            for item in self.library:
                pages = exclude_private(
                    item.model.objects.live().filter(locale_id=locale_id)
                ).order_by()
                parts.append(pairs(pages, "type", Value(item.key, output_field=CharField())))
                for kind, field_name in (("scam_type", "scam_types"), ("audience", "audiences")):
                    used = pages.filter(**{f"{field_name}__isnull": False})
                    parts.append(pairs(used, kind, F(f"{field_name}__slug")))
            found: dict[str, set[str]] = {"type": set(), "scam_type": set(), "audience": set()}
            for kind, value in parts[0].union(*parts[1:]):
                found[kind].add(value)
            return found

        return cached(f"materials:library-facets:{locale_id}", compute)

    def with_card_fields(self, queryset: QuerySet) -> QuerySet:
        """Annotate what a card shows (summary, image) straight from each page type's table.

        Listings then need no `.specific()` (one query per page type) to draw their cards.
        """

        def from_type_tables(name_of):
            return [
                Subquery(item.model.objects.filter(pk=OuterRef("pk")).values(name_of(item))[:1])
                for item in self.types
                if name_of(item)
            ]

        return queryset.annotate(
            card_summary=Coalesce(
                *from_type_tables(lambda item: "summary"), Value(""), output_field=TextField()
            ),
            card_image_id=Coalesce(
                *from_type_tables(lambda item: item.image_field and f"{item.image_field}_id")
            ),
        )

    def attach_card_images(self, pages: Iterable[Page], shown_as: ListingImage = CARD_IMAGE):
        """Give each page its `card_image_tag`, drawn as `shown_as` says, and its type's
        `format_label` (two queries: the images and their renditions; none more once the
        renditions exist)."""
        pages = list(pages)
        for page in pages:
            if not hasattr(page, "card_image_id"):
                page.card_image_id = getattr(page, "listing_image_id", None) or getattr(
                    page, "image_id", None
                )
            if not hasattr(page, "card_summary"):
                page.card_summary = getattr(page, "summary", "")
        ids = {page.card_image_id for page in pages} - {None}
        whole = shown_as.whole()
        images = {}
        if ids:
            images = {
                image.pk: image
                for image in get_image_model()
                .objects.filter(pk__in=ids)
                .prefetch_renditions(*shown_as.specs, *whole.specs)
            }
        for page in pages:
            image = images.get(page.card_image_id)
            material_type = self.for_page(page)
            shape = whole if material_type and material_type.whole_image else shown_as
            page.card_image_tag = shape.image_tag(image) if image else None
            page.format_label = material_type.label if material_type else ""
        return pages
