"""Searching the materials (core.search tokenises the Chinese)."""

from wagtail.models import Locale, Page

from core.search import query_tokens

from .models import MATERIAL_TYPES, HelpPage

MAX_RESULTS = 500


def search_materials(query: str, *, locale: Locale, formats=(), audiences=()) -> list[Page]:
    """Live public materials in `locale` matching every word of `query`.

    Pages whose title contains the query come first, then the engine's ranking.
    """
    condition = MATERIAL_TYPES.condition(
        MATERIAL_TYPES, locale_id=locale.pk, formats=formats, audiences=audiences
    )
    tokens = query_tokens(query)
    if not condition or not tokens:
        return []
    # The search backends translate only simple filters, so privacy is Wagtail's .public().
    pages = Page.objects.live().public().filter(condition)
    results = list(pages.search(" ".join(tokens), operator="and")[:MAX_RESULTS])
    needle = query.casefold()
    words = [word.casefold() for word in query.split()]
    results.sort(key=lambda page: _title_rank(page.title.casefold(), needle, words))
    return results


def _title_rank(title: str, needle: str, words: list[str]) -> int:
    if needle in title:
        return 0
    if all(word in title for word in words):
        return 1
    return 2


def help_page_for(*, locale: Locale) -> HelpPage | None:
    """The live public help page ("被骗了怎么办") in `locale`, if there is one."""
    return HelpPage.objects.live().public().filter(locale=locale).first()


def promoted_help_page(query: str, *, locale: Locale) -> HelpPage | None:
    """The help page when the query contains one of its trigger phrases (被骗了, 转错账…):
    the reader who types that needs it before any material."""
    page = help_page_for(locale=locale)
    return page if page is not None and page.matches(query) else None
