"""Read-side queries for the site's chrome and home page. Each returns in a bounded number
of SQL queries. The library's own queries are the material type registry's
(listing.MaterialTypes, models.MATERIAL_TYPES)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from wagtail.models import Page, Site

from core.cache_epoch import cached
from core.models import HomeFeaturedItem
from core.pages import exclude_private

from .models import (
    MATERIAL_TYPES,
    AlertIndexPage,
    AlertPage,
    AudienceLandingPage,
    HelpPage,
    InformationPage,
    MaterialIndexPage,
)


def latest_alerts(*, locale_id: int, limit: int = 3) -> list[AlertPage]:
    return list(
        exclude_private(AlertPage.objects.live().filter(locale_id=locale_id)).order_by(
            "-alert_date", "-first_published_at"
        )[:limit]
    )


def section_urls(request, *, language_code: str) -> dict:
    """URLs of the library ("library"), alert list ("alerts") and help page ("help",
    被骗了怎么办) in one language; its audience landing pages ("landings": title, intro,
    URL and audience slug, in the editors' order; "for": {audience slug: URL}) and the
    information pages shown in menus ("info": about, contact, privacy; title and URL).

    Shown in every page's navigation, so cached per site and language.
    """

    def compute():
        names = {MaterialIndexPage: "library", AlertIndexPage: "alerts", HelpPage: "help"}
        types = ContentType.objects.get_for_models(*names)
        name_of = {types[model].pk: name for model, name in names.items()}
        pages = (
            Page.objects.live()
            .filter(locale__language_code=language_code, content_type__in=types.values())
            .only("id", "url_path", "content_type_id", "depth", "path")
        )
        urls = {name_of[page.content_type_id]: page.get_url(request) for page in pages}
        in_language = {"live": True, "locale__language_code": language_code}
        landings = exclude_private(
            AudienceLandingPage.objects.filter(**in_language).select_related("audience")
        ).order_by("path")
        urls["landings"] = [
            {
                "title": page.title,
                "intro": page.intro,
                "url": page.get_url(request),
                "audience": page.audience.slug,
            }
            for page in landings
        ]
        urls["for"] = {}
        for landing in urls["landings"]:
            urls["for"].setdefault(landing["audience"], landing["url"])
        info = exclude_private(
            InformationPage.objects.filter(show_in_menus=True, **in_language)
        ).order_by("path")
        urls["info"] = [{"title": page.title, "url": page.get_url(request)} for page in info]
        return urls

    site = Site.find_for_request(request)
    return cached(f"materials:sections:{getattr(site, 'pk', 0)}:{language_code}", compute)


def featured_materials(home) -> list:
    """The home page's featured materials, in the editor's order, ready for cards."""
    order = HomeFeaturedItem.objects.filter(home=home, page=OuterRef("pk")).values("sort_order")
    pages = MATERIAL_TYPES.with_card_fields(
        exclude_private(Page.objects.live().filter(pk__in=home.featured_items.values("page_id")))
        .annotate(featured_order=Subquery(order[:1]))
        .order_by("featured_order")
    )
    return MATERIAL_TYPES.attach_card_images(pages)


def translated_urls(page: Page, request) -> dict[str, str]:
    """{language code: URL} of the live versions of `page`, cached per page and epoch.

    An alias stands for the page it shows: a Chinese alias of a translated guide leads to
    that guide's English version. An alias is never a version itself: in the English tree,
    an alias of a Chinese page shows the Chinese text, so it is no English version.
    """

    def compute():
        shown = page.alias_of if page.alias_of_id else page
        versions = (
            Page.objects.live()
            .filter(translation_key=shown.translation_key, alias_of__isnull=True)
            .select_related("locale")
        )
        return {version.locale.language_code: version.get_url(request) for version in versions}

    return cached(f"materials:translations:{page.pk}", compute)
