"""Searching the materials: what readers type, matched against what the pages say.

The materials of a language are few (hundreds, a few thousand words each), so they are
searched in memory: an index per language holds each live public material's text by
field (title, topics and audiences, summary, body), rebuilt when the published site
changes (the cache epoch, core.cache_epoch) and shared by the requests of a process.
docs/scaling.md says when to move it to PostgreSQL full text or OpenSearch.

A query is cut into words (core.search.segment: jieba, with the scam vocabulary of the
SearchTerm snippets and the topic names kept whole), stripped of stop words, and each
word widened to its synonyms. Words no page contains are left out, or replaced by the
parts of them that pages do contain (a typo'd 刷单反利 keeps 刷单). A page matches when
it holds most of the query's weight, each word weighing by how rare it is (idf); it
ranks by the words it holds and where (title, topics, summary, body). A pasted message
keeps only its most telling words, and may say the page "这很可能是诈骗".

Editors promote pages for a query (Wagtail's search promotions, 设置 → 推荐搜索结果):
the index keeps, by the query folded as typed (fold_for_matching), the live public
pages of its language that were promoted, or their translations; a promotion of a page
with no live translation shows nothing in that language.
"""

import copy
import functools
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock

from django.db.models import Prefetch
from pypinyin import lazy_pinyin
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Locale, Page

from core.cache_epoch import current_epoch
from core.search import (
    CJK_RUN,
    LATIN_RUN,
    fold,
    fold_for_matching,
    idf,
    latin_stems,
    segment,
    stem,
    telling,
)

from .models import MATERIAL_TYPES, Audience, HelpPage, ScamType, SearchTerm

MAX_RESULTS = 500
# Where a word is found: a page titled with it is about it; its topics say what it covers.
FIELD_WEIGHTS = {"title": 4.0, "topics": 3.0, "summary": 2.0, "body": 1.0}
# A page matches when it holds this share of the query's weight ("most of the words")…
MOST = 0.5
# … and a pasted message (more words than this) is reduced to its MESSAGE_WORDS most
# telling words, of which a page must hold MESSAGE_SHARE: the scam dictionary's terms first
# (安全账户, 洗钱…), then the rarest of the rest. By rarity alone, everyday words that one
# page happens to hold (他人, 指定, 配合) crowd the scam's own terms out.
MESSAGE_LENGTH = 30
MESSAGE_WORDS = 8
MESSAGE_SHARE = 0.3
# A query this long (letters and digits) that holds the scam vocabulary gets the warning.
WARNING_LENGTH = 12


@dataclass
class Document:
    page_id: int
    type_key: str
    audiences: frozenset[str]
    fields: dict[str, str]  # folded text by field
    stems: dict[str, frozenset[str]] = field(default_factory=dict)  # Latin stems by field

    def __post_init__(self):
        self.stems = {name: latin_stems(text) for name, text in self.fields.items()}

    def best_field(self, alternatives: frozenset[str]) -> float:
        """The weight of the best field holding one of `alternatives` (0: none does)."""
        for name, weight in FIELD_WEIGHTS.items():
            if any(self.holds(name, word) for word in alternatives):
                return weight
        return 0.0

    def holds(self, name: str, word: str) -> bool:
        if LATIN_RUN.fullmatch(word):  # a whole word: 110 is not in 96110; scams → scam
            return stem(word) in self.stems[name]
        if " " in word and not CJK_RUN.search(word):  # an English phrase: all its words
            return all(stem(part) in self.stems[name] for part in LATIN_RUN.findall(word))
        return word in self.fields[name]  # Chinese: anywhere, as n-grams would find it


@dataclass
class Vocabulary:
    terms: frozenset[str]  # folded: the scam vocabulary and the topic names
    synonyms: dict[str, frozenset[str]]  # a term → every way of writing it
    signals: dict[str, str]  # a way of writing a term → SearchTerm.scam_signal
    longest: int

    @classmethod
    def load(cls, topic_names) -> "Vocabulary":
        synonyms: dict[str, set[str]] = {}
        signals = {}
        for item in SearchTerm.objects.all():
            group = {fold(item.term), *(fold(word) for word in item.synonym_list())} - {""}
            for word in group:
                synonyms.setdefault(word, set()).update(group)
                if item.scam_signal:
                    signals[word] = item.scam_signal
        terms = frozenset(synonyms) | {fold(name) for name in topic_names}
        return cls(
            terms=terms,
            synonyms={word: frozenset(group) for word, group in synonyms.items()},
            signals=signals,
            longest=max((len(term) for term in terms), default=0),
        )

    def words(self, text: str) -> list[str]:
        return telling(segment(fold(text), self.terms, longest=self.longest), self.terms)


class MaterialIndex:
    """The live public materials of one language, searchable in memory."""

    def __init__(self, locale_id: int):
        scam_types = {item.translation_key: item for item in ScamType.options(locale_id=locale_id)}
        audiences = {item.translation_key: item for item in Audience.options(locale_id=locale_id)}
        self.vocabulary = Vocabulary.load(
            [item.name for item in (*scam_types.values(), *audiences.values())]
        )
        self.documents: list[Document] = []
        self.pages: dict[int, Page] = {}  # the specific pages, to answer without a query
        self.texts: dict[int, str] = {}  # their search_text(), for the results' excerpts
        for material_type in MATERIAL_TYPES:
            pages = (
                material_type.model.objects.live()
                .public()
                .filter(locale_id=locale_id)
                .prefetch_related(
                    Prefetch("scam_types", ScamType.objects.only("translation_key")),
                    Prefetch("audiences", Audience.objects.only("translation_key")),
                )
            )
            for page in pages:
                self.pages[page.pk] = page
                self.texts[page.pk] = page.search_text()
                topics = [scam_types.get(item.translation_key) for item in page.scam_types.all()]
                readers = [audiences.get(item.translation_key) for item in page.audiences.all()]
                self.documents.append(
                    Document(
                        page_id=page.pk,
                        type_key=material_type.key,
                        audiences=frozenset(item.slug for item in readers if item),
                        fields={
                            "title": fold(page.title),
                            "topics": fold(" / ".join(i.name for i in topics + readers if i)),
                            "summary": fold(page.summary),
                            "body": fold(self.texts[page.pk]),
                        },
                    )
                )
        self.help_page = HelpPage.objects.live().public().filter(locale_id=locale_id).first()
        self.promotions = promotions_in(locale_id)
        self.document_frequency: dict[frozenset[str], int] = {}
        self._pinyin: dict[str, str] | None = None

    def frequency(self, alternatives: frozenset[str]) -> int:
        if alternatives not in self.document_frequency:
            self.document_frequency[alternatives] = sum(
                1 for document in self.documents if document.best_field(alternatives)
            )
        return self.document_frequency[alternatives]

    def alternatives(self, word: str) -> frozenset[str]:
        return self.vocabulary.synonyms.get(word, frozenset({word}))

    def query_words(self, query: str) -> list[tuple[frozenset[str], float]]:
        """The query's words the materials contain, each with its synonyms and weight."""
        words = self.vocabulary.words(query)
        if words and all(LATIN_RUN.fullmatch(word) for word in words):
            words = self.from_pinyin(words) or words
        found: list[tuple[frozenset[str], float]] = []
        for word in words:
            alternatives = self.alternatives(word)
            matching = self.frequency(alternatives)
            if matching:
                found.append((alternatives, self.weight(alternatives, matching)))
            elif len(word) > 2 and CJK_RUN.fullmatch(word):
                # Unknown as a whole (a typo, a rare compound): its known pairs count.
                for pair in dict.fromkeys(word[i : i + 2] for i in range(len(word) - 1)):
                    alternatives = self.alternatives(pair)
                    matching = self.frequency(alternatives)
                    if matching and len(segment(pair)) == 1:
                        found.append((alternatives, self.weight(alternatives, matching) / 2))
        unique = list(OrderedDict((alternatives, weight) for alternatives, weight in found).items())
        if len(fold_for_matching(query)) > MESSAGE_LENGTH:
            terms = self.vocabulary.terms
            unique = sorted(unique, key=lambda item: (not item[0] & terms, -item[1]))
            unique = unique[:MESSAGE_WORDS]
        return unique

    def weight(self, alternatives: frozenset[str], matching: int) -> float:
        bonus = 1.5 if alternatives & self.vocabulary.terms else 1.0
        return idf(matching, len(self.documents)) * bonus

    def from_pinyin(self, words: list[str]) -> list[str]:
        """Chinese words whose pinyin readers typed (yanglao → 养老), if every word is one."""
        if self._pinyin is None:
            self._pinyin = {}
            texts = [text for document in self.documents for text in document.fields.values()]
            for run in CJK_RUN.findall(" ".join(texts)):
                for word in segment(run, self.vocabulary.terms, longest=self.vocabulary.longest):
                    if len(word) > 1:
                        self._pinyin.setdefault("".join(lazy_pinyin(word)), word)
            for term in self.vocabulary.terms:
                if CJK_RUN.fullmatch(term):
                    self._pinyin.setdefault("".join(lazy_pinyin(term)), term)
        if (joined := "".join(words)) in self._pinyin:
            return [self._pinyin[joined]]
        chinese = [self._pinyin.get(word) for word in words]
        return chinese if all(chinese) else []

    def search(self, query: str, *, formats=(), audiences=()) -> list[int]:
        """Ids of the matching pages, best first."""
        words = self.query_words(query)
        total = sum(weight for _, weight in words)
        if not total:
            return []
        share = MOST if len(fold_for_matching(query)) <= MESSAGE_LENGTH else MESSAGE_SHARE
        needle = fold(query)
        scored = []
        for document in self.documents:
            if formats and document.type_key not in formats:
                continue
            if audiences and not document.audiences & set(audiences):
                continue
            held = score = 0.0
            for alternatives, weight in words:
                where = document.best_field(alternatives)
                if where:
                    held += weight
                    score += weight * where
            if held >= share * total - 1e-9:
                title_bonus = 2.0 if needle and needle in document.fields["title"] else 1.0
                scored.append((score * held / total * title_bonus, document.page_id))
        scored.sort(key=lambda item: (-item[0], item[1]))
        return [page_id for _, page_id in scored[:MAX_RESULTS]]

    def says_scam(self, query: str) -> bool:
        """Whether a pasted message holds the scam vocabulary: one term that is a sign on
        its own (安全账户, 屏幕共享, 刷单…), or two that are together (验证码 + 转账)."""
        if len(fold_for_matching(query)) < WARNING_LENGTH:
            return False
        signals = self.vocabulary.signals
        found = {}
        for word in self.vocabulary.words(query):
            if word in signals:
                found[min(self.alternatives(word))] = signals[word]
        alone = sum(1 for signal in found.values() if signal == SearchTerm.SIGN_ALONE)
        return alone >= 1 or len(found) >= 2


def promotions_in(locale_id: int) -> dict[str, list[Page]]:
    """The promoted pages by query (folded as typed), in the editors' order, as the live
    public pages of the locale that are, or translate, the promoted ones (two queries)."""
    promotions = list(
        SearchPromotion.objects.filter(page__isnull=False)
        .select_related("query")
        .order_by("query_id", "sort_order", "pk")
        .values_list("query__query_string", "page__translation_key")
    )
    if not promotions:
        return {}
    pages = {
        page.translation_key: page
        for page in Page.objects.live()
        .public()
        .filter(locale_id=locale_id, translation_key__in={key for _, key in promotions})
        .specific()
    }
    promoted: dict[str, list[Page]] = {}
    for query_string, translation_key in promotions:
        page = pages.get(translation_key)
        chosen = promoted.setdefault(fold_for_matching(query_string), [])
        if page is not None and page not in chosen:
            chosen.append(page)
    return {query: chosen for query, chosen in promoted.items() if chosen}


_indexes: OrderedDict[tuple, MaterialIndex] = OrderedDict()
_indexes_lock = Lock()


def material_index(locale: Locale) -> MaterialIndex:
    """The index of `locale`'s materials as published now: built on the first search
    after a change (the cache epoch moved), then shared by this process's requests."""
    key = (locale.pk, current_epoch())
    with _indexes_lock:
        index = _indexes.get(key)
        if index is not None:
            _indexes.move_to_end(key)
            return index
    index = MaterialIndex(locale.pk)
    with _indexes_lock:
        _indexes[key] = index
        while len(_indexes) > 8:  # a few languages, a change or two behind
            _indexes.popitem(last=False)
    return index


def search_materials(query: str, *, locale: Locale, formats=(), audiences=()) -> list[Page]:
    """Live public materials in `locale` that hold most of the words of `query`, best
    first (the module docstring says how), as specific pages.

    They come from the index, without a query: publishing, unpublishing, moving or
    deleting a page and changing a view restriction move the cache epoch
    (core.signals), which retires the index. Each is a shallow copy, so what a request
    attaches to it (an excerpt, a card image) stays with that request; its
    search_text() answers with the text the index holds instead of walking its fields
    again."""
    index = material_index(locale)
    pages = []
    for page_id in index.search(query, formats=formats, audiences=audiences):
        page = copy.copy(index.pages[page_id])
        page.search_text = functools.partial(str, index.texts[page_id])
        pages.append(page)
    return pages


def says_scam(query: str, *, locale: Locale) -> bool:
    """Whether a pasted message looks like a scam by its words (see MaterialIndex.says_scam)."""
    return bool(query) and material_index(locale).says_scam(query)


def help_page_for(*, locale: Locale) -> HelpPage | None:
    """The live public help page ("被骗了怎么办") in `locale`, if there is one (kept with
    the index, so retired with it when the published site changes)."""
    return material_index(locale).help_page


def promoted_pages(query: str, *, locale: Locale, formats=(), audiences=()) -> list[Page]:
    """The pages editors promoted for `query` (spaces, width, case and punctuation aside),
    live and public in `locale`, in their order; each a shallow copy for the request.
    A reader who narrowed the search by format or audience gets only the promoted
    materials that fit it."""
    if not (folded := fold_for_matching(query)):
        return []
    index = material_index(locale)
    pages = index.promotions.get(folded, [])
    if formats or audiences:
        documents = {document.page_id: document for document in index.documents}
        pages = [
            page
            for page in pages
            if (document := documents.get(page.pk)) is not None
            and (not formats or document.type_key in formats)
            and (not audiences or document.audiences & set(audiences))
        ]
    return [copy.copy(page) for page in pages]


def promoted_help_page(query: str, *, locale: Locale) -> HelpPage | None:
    """The help page when the query contains one of its trigger phrases (被骗了, 转错账…):
    the reader who types that needs it before any material."""
    page = help_page_for(locale=locale)
    return page if page is not None and page.matches(query) else None
