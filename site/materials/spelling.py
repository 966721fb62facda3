"""What a reader meant: typos, pinyin and the other language's site, for the search page.

The words come from the live public materials of the reader's locale (titles and topic
names weigh more than bodies), read by core.spelling. The table is cached under the cache
epoch, so a publish, unpublish or snippet edit retires it and the next search that needs
it rebuilds it (one query per material type).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import translate_url
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext
from wagtail.models import Locale

from core.cache_epoch import cached
from core.search import CJK_RUN
from core.spelling import LATIN_WORD, Vocabulary

from .models import MATERIAL_TYPES, Audience, ScamType

NAME_WEIGHT = 5  # a title or a topic's name is a word readers look for
VOCABULARY_TIMEOUT = 24 * 60 * 60
# "Did you mean" is offered over results only when they are this few and the suggestion
# finds at least twice as many (and two more): a much better search, not a quibble.
TYPED_CHECKED = 20  # results looked at for the query as typed
FEW_RESULTS = 3


def _texts(locale: Locale):
    for model in (ScamType, Audience):
        for item in model.options(locale_id=locale.pk):
            yield item.name, NAME_WEIGHT
    for material_type in MATERIAL_TYPES:
        for page in material_type.model.objects.live().public().filter(locale=locale):
            yield page.title, NAME_WEIGHT
            yield page.search_text(), 1


def vocabulary(*, locale: Locale) -> Vocabulary:
    """The words of the live public materials in `locale`, by sound and spelling."""
    return cached(
        f"materials:spelling:{locale.pk}",
        lambda: Vocabulary.build(_texts(locale)),
        VOCABULARY_TIMEOUT,
    )


@dataclass(frozen=True)
class Respelling:
    """What the reader typed, what they probably meant, and which one the results are for
    (`shown`: the results are the suggestion's, the original one click away)."""

    original: str
    suggestion: str
    shown: bool


def search_respelled(
    query: str, *, locale: Locale, search: Callable[[str], list], exact: bool = False
) -> tuple[list, Respelling | None]:
    """search(query), or search() of what the reader meant:

    - a query in pinyin (shuadan) is searched as its Chinese (刷单);
    - a query no page holds as typed is searched as its correction (养老骗据 → 养老骗局);
    - one that finds a few results gets a "did you mean" when the correction finds many more.

    `exact` (the reader clicked "search instead for …") searches the query as typed."""
    if exact:
        return search(query), None
    words = vocabulary(locale=locale)
    if not words:
        return search(query), None
    chinese = words.from_pinyin(query)
    if chinese:
        found = search(chinese)
        if found:
            return found, Respelling(query, chinese, shown=True)
    found = search(query)
    suggestion = words.corrected(query)
    if not suggestion:
        return found, None
    # The search finds a typo's pages by their known character pairs too (materials.search),
    # often many: unless one of the first results holds the query as typed, show the
    # correction's results, the query as typed one tap away.
    typed = query.casefold()
    if any(typed in page.search_text().casefold() for page in found[:TYPED_CHECKED]):
        if len(found) <= FEW_RESULTS:
            better = search(suggestion)
            if len(better) >= 2 * len(found) + 2:
                return found, Respelling(query, suggestion, shown=False)
        return found, None
    better = search(suggestion)
    if better:
        return better, Respelling(query, suggestion, shown=True)
    return found, None


def search_link(query_dict, query: str, *, exact: bool = False) -> str:
    """The search page's address (relative) with `query` for q, the filters kept."""
    params = query_dict.copy()
    params.pop("page", None)
    params.pop("exact", None)
    params["q"] = query
    if exact:
        params["exact"] = "1"
    return "?" + params.urlencode()


def other_language_search(request, query: str, *, words: Vocabulary | None = None):
    """The same search on the other language's site, when the query is written in that
    language: English words on the Chinese site (words the Chinese pages do not use, so
    not "App" or "QQ"), Chinese on the English site. Its label is in that language, as
    the language switch's notes are: the reader who types English reads English."""
    current = translation.get_language()
    has_chinese = bool(CJK_RUN.search(query))
    if current == "zh-hans" and not has_chinese:
        latin = [w.casefold() for w in LATIN_WORD.findall(query) if len(w) >= 2]
        known = words.latin if words is not None else {}
        if not latin or all(word in known for word in latin):
            return None
        target = "en"
    elif current != "zh-hans" and has_chinese:
        target = "zh-hans"
    else:
        return None
    url = translate_url(request.path, target)
    if url == request.path:
        return None
    with translation.override(target):
        if target == "en":
            label = gettext("Search “%(query)s” on the English site")
        else:
            label = gettext("Search “%(query)s” on the Chinese site")
    return {
        "url": f"{url}?{urlencode({'q': query})}",
        "label": label % {"query": query},
        "code": "zh-Hans" if target == "zh-hans" else target,
    }


def reader_hints(request, query: str, respelling: Respelling | None, *, locale: Locale) -> dict:
    """The search page's hints: the respelling's two links and the other language's site."""
    shown = respelling is not None and respelling.shown
    hints = {
        "respelling": respelling,
        "searched": respelling.suggestion if shown else query,  # what the results are for
        "other_language": None,
    }
    if respelling is not None:
        hints["suggestion_url"] = search_link(request.GET, respelling.suggestion)
        hints["original_url"] = search_link(request.GET, respelling.original, exact=True)
    if query and not shown:
        hints["other_language"] = other_language_search(
            request, query, words=vocabulary(locale=locale)
        )
    return hints
