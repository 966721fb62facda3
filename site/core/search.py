"""Search text in Chinese as well as English: index tokens, query tokens, highlighting.
It knows no content type; materials.search searches the materials with it.

Full-text engines split text into words at spaces and punctuation; Chinese has neither
between words, so a whole sentence becomes one "word" and 养老 never matches 以房养老.
We index Chinese as overlapping character n-grams instead (unigrams and bigrams, the
approach of Lucene's CJK analyser) and turn queries into the same n-grams: a 2-, 3- or
4-character word then matches wherever it appears. The n-grams are written as ASCII
tokens (c05175c08001 for 养老), so every backend's tokenizer keeps them whole, whatever
its language configuration or database locale (SQLite FTS5, PostgreSQL tsvector alike).
"""

import re
import unicodedata
from collections.abc import Iterable

from django.utils.html import strip_tags

MAX_QUERY_LENGTH = 200

# Han ideographs (basic, extension A, compatibility) and CJK symbols that carry meaning.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def _token(chars: str) -> str:
    return "c" + "".join(f"{ord(ch):05x}" for ch in chars)


def cjk_ngrams(text: str) -> list[str]:
    """Index tokens for the Chinese in `text`: every character and every pair."""
    tokens = []
    for run in CJK_RUN.findall(text or ""):
        tokens.extend(_token(ch) for ch in run)
        tokens.extend(_token(run[i : i + 2]) for i in range(len(run) - 1))
    return tokens


def query_tokens(query: str) -> list[str]:
    """Query tokens: Chinese runs as the pairs they contain, other words as they are."""
    tokens = []
    for part in re.split(f"({CJK_RUN.pattern})", query):
        if not part:
            continue
        if CJK_RUN.fullmatch(part):
            if len(part) == 1:
                tokens.append(_token(part))
            else:
                tokens.extend(_token(part[i : i + 2]) for i in range(len(part) - 1))
        else:
            tokens.extend(search_terms(part).split())
    return list(dict.fromkeys(tokens))  # unique, in order


def normalise_query(raw: str) -> str:
    """What readers typed, made safe to search: no control characters, single spaces,
    full-width letters and digits folded to their usual forms (ＡＢＣ１２３ → ABC123)."""
    text = unicodedata.normalize("NFKC", raw or "")
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(text.split())[:MAX_QUERY_LENGTH]


def fold_for_matching(text: str) -> str:
    """TEXT reduced to its letters and digits, case folded, for comparing phrases as typed:
    "  妈妈 被骗了怎么办？" → "妈妈被骗了怎么办", "Been SCAMMED!" → "beenscammed"."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] in "LN")


def search_terms(query: str) -> str:
    """The words of a query, without the punctuation full-text engines read as syntax
    (quotes, brackets, *, ^, :, -): readers type it by accident, never as operators."""
    return " ".join(
        "".join(ch if unicodedata.category(ch)[0] in "LN" else " " for ch in query).split()
    )


def plain_text(values: Iterable) -> str:
    parts = []
    for value in values:
        if isinstance(value, list | tuple):
            parts.append(plain_text(value))
        elif value:
            parts.append(strip_tags(str(value)))
    return " ".join(parts)


def highlight(text: str, query: str, *, width: int = 90) -> tuple[str, str, str]:
    """(before, match, after) around the first place `text` contains a query word,
    for an excerpt with the match marked; the whole start of the text if none does."""
    text = " ".join((text or "").split())
    words = sorted(
        {w for w in [query, *query.split(), *CJK_RUN.findall(query)] if w}, key=len, reverse=True
    )
    folded = text.casefold()
    for word in words:
        index = folded.find(word.casefold())
        if index >= 0:
            start = max(0, index - width // 3)
            end = min(len(text), index + len(word) + width)
            before = ("…" if start else "") + text[start:index]
            after = text[index + len(word) : end] + ("…" if end < len(text) else "")
            return before, text[index : index + len(word)], after
    return text[:width] + ("…" if len(text) > width else ""), "", ""
