"""Wagtail's database search backend, tokenising Chinese as the public search does.

Wagtail's admin (page search, the explorer's search box, the page, image and document
choosers) queries the search backend directly: it never passes through
materials.search. The database backends split text at spaces, so 老人防骗指南 is one
word and 防骗 is found only where a title starts with it. This backend adds to every
indexed text the n-gram tokens of core.search (and the Latin words a Chinese run
hides: AI换脸 → AI) and turns every query into the same tokens, so whatever searches
(public or admin, search or autocomplete) finds a Chinese word anywhere in a title or
body, on SQLite and PostgreSQL alike.

Configured as ``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "core.search_backend"}}``.
After switching to it, ``manage.py update_index`` re-indexes what was indexed before.
"""

import copy

from django.db.models import Manager
from wagtail.search.backends.base import BaseIndex
from wagtail.search.backends.database import SearchBackend as database_search_backend
from wagtail.search.index import AutocompleteField, RelatedFields, SearchField
from wagtail.search.query import And, Not, Or, Phrase, PlainText

from .search import CJK_RUN, cjk_ngrams, plain_text, query_tokens


def indexed_text(value):
    """`value` as a search field gives it, plus the tokens that make its Chinese findable."""
    if not value:
        return value
    text = plain_text([value]) if isinstance(value, list | tuple) else str(value)
    ngrams = cjk_ngrams(text)
    if not ngrams:
        return value
    latin = " ".join(CJK_RUN.sub(" ", text).split())
    extra = " ".join([latin, *ngrams])
    return [*value, extra] if isinstance(value, list | tuple) else f"{text} {extra}"


def _tokenised_field(field):
    """A copy of a search field whose values carry the Chinese tokens."""
    field = copy.copy(field)
    if isinstance(field, RelatedFields):
        field.fields = [_tokenised_field(sub_field) for sub_field in field.fields]
        return field
    get_value = field.get_value
    field.get_value = lambda obj: indexed_text(get_value(obj))
    return field


def _body_texts(fields, obj) -> list:
    """The values of `obj`'s search fields other than the title, related objects' too."""
    values = []
    for field in fields:
        if isinstance(field, RelatedFields):
            related = field.get_value(obj)
            if callable(related) and not isinstance(related, Manager):
                related = related()
            if related is None:
                continue
            items = related.all() if isinstance(related, Manager) else [related]
            values.extend(_body_texts(field.fields, item) for item in items)
        elif isinstance(field, SearchField) and field.field_name != "title":
            values.append(field.get_value(obj))
    return values


def _tokenised_object(obj):
    """A shallow copy of `obj` that the backend's indexer reads with tokenised fields
    (the indexer asks the object for its search fields and each field for its value).

    The admin's searches are autocomplete queries, which read only the autocomplete
    fields (the title); the Chinese tokens of the other fields join them, so that a word
    in a page's body is found there too."""
    original = obj.get_search_fields()
    body = AutocompleteField("chinese_body_tokens")
    body.get_value = lambda item: " ".join(cjk_ngrams(plain_text(_body_texts(original, item))))
    fields = [*(_tokenised_field(field) for field in original), body]
    clone = copy.copy(obj)
    clone.get_search_fields = lambda: fields
    return clone


def tokenised_query(query):
    """A query string or Wagtail search query with its words turned into index tokens."""
    if isinstance(query, str):
        return " ".join(query_tokens(query))
    if isinstance(query, PlainText | Phrase):
        tokens = " ".join(query_tokens(query.query_string))
        if not tokens:  # punctuation only: the backend knows what to make of it
            return query
        if isinstance(query, Phrase):
            return Phrase(tokens)
        return PlainText(tokens, operator=query.operator, boost=query.boost)
    if isinstance(query, And | Or):
        return type(query)([tokenised_query(sub) for sub in query.subqueries])
    if isinstance(query, Not):
        return Not(tokenised_query(query.subquery))
    return query  # MATCH_ALL, MATCH_NONE, Boost, Fuzzy: left as they are


class ChineseIndexMixin:
    def add_items(self, model, objs):
        super().add_items(model, [_tokenised_object(obj) for obj in objs])


class ChineseSearchMixin:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        return super()._search(
            query_compiler_class, tokenised_query(query), model_or_queryset, **kwargs
        )


_classes: dict[type, type] = {}


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks up in a backend module)
    """The database backend Wagtail would pick for this database, tokenising Chinese.

    Wagtail's fallback backend (a database without full-text search) indexes nothing and
    searches with LIKE, which finds Chinese as it is; it is returned unchanged."""
    backend = database_search_backend(params)
    backend_class = type(backend)
    if backend_class.index_class is BaseIndex:
        return backend
    if backend_class not in _classes:
        index_class = type(
            f"Chinese{backend_class.index_class.__name__}",
            (ChineseIndexMixin, backend_class.index_class),
            {},
        )
        _classes[backend_class] = type(
            f"Chinese{backend_class.__name__}",
            (ChineseSearchMixin, backend_class),
            {"index_class": index_class},
        )
    return _classes[backend_class](params)
