"""The passage a search result shows: the stretch of a page's text that best answers the
query, with every match of the query's words marked.

A passage is a list of (text, marked) pieces, not HTML: the template writes each piece
escaped and wraps the marked ones in <mark>, so nothing a page or a query contains can
become markup. It knows no content type; materials give it their readable text.
"""

import re

from .search import CJK_RUN, STOP_WORDS

WIDTH = 120  # characters a result shows, about three lines on a phone
# A query with more Chinese than this is a pasted message, not words: it matches through
# its 3-grams (the stretches it shares with a page), not every pair.
LONG_RUN = 12
MAX_SPANS = 200
SENTENCE_END = re.compile(r"(?<=[。！？!?；;…])\s*|(?<=\.)\s+")


def query_terms(query: str) -> list[str]:
    """What counts as a match of the query's words, longest first: each Chinese run and
    the pairs it holds (养老骗局 marks 养老 in 养老金 too), Latin words and numbers."""
    terms = set()
    runs = CJK_RUN.findall(query)
    pasted = sum(len(run) for run in runs) > LONG_RUN
    for run in runs:
        if len(run) <= 3 or not pasted:
            terms.add(run)
            terms.update(run[i : i + 2] for i in range(len(run) - 1))
        else:
            terms.update(run[i : i + 3] for i in range(len(run) - 2))
    rest = CJK_RUN.sub(" ", query)
    terms.update(word for word in re.findall(r"[^\W_]+", rest) if len(word) >= 2)
    terms -= STOP_WORDS  # 怎么 in 裸聊被录视频了怎么办 is not what the reader looks for
    return sorted(terms, key=lambda term: (-len(term), term))


def _matcher(query: str) -> re.Pattern | None:
    terms = query_terms(query)
    if not terms:
        return None
    # A lookahead matches at every position, so overlapping words (安全账, 全账户) all count.
    alternatives = "|".join(re.escape(term) for term in terms)
    return re.compile(f"(?=({alternatives}))", re.IGNORECASE)


def _spans(text: str, matcher: re.Pattern) -> list[tuple[int, int]]:
    """Where the query's words are, touching or overlapping ones joined (养老 + 骗局 →
    养老骗局)."""
    spans: list[tuple[int, int]] = []
    for match in matcher.finditer(text):
        start, end = match.span(1)
        if spans and spans[-1][1] >= start:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def _best_window(text: str, spans, width: int) -> tuple[int, int]:
    """The `width` characters holding the most of the query's different words (then the
    most matched characters), starting at a sentence where that costs nothing."""
    sentence_starts = [m.end() for m in SENTENCE_END.finditer(text) if m.end() < len(text)]
    candidates = [0, *sentence_starts, *(max(0, s - width // 3) for s, _e in spans)]
    best, best_score = 0, (-1, -1)
    for start in candidates:
        inside = [text[s:e].casefold() for s, e in spans if s >= start and e <= start + width]
        score = (len(set(inside)), sum(len(word) for word in inside))
        if score > best_score:
            best, best_score = start, score
    end = min(len(text), best + width)
    for s, e in spans:  # never cut a marked word in two
        if s < end < e:
            end = e
    return best, end


def passage(text: str, query: str, *, width: int = WIDTH) -> list[tuple[str, bool]] | None:
    """The best passage of `text` for `query` as (text, marked) pieces, or None when the
    text holds none of the query's words."""
    text = " ".join((text or "").split())
    matcher = _matcher(query)
    if not text or matcher is None:
        return None
    spans = _spans(text, matcher)
    if not spans:
        return None
    start, end = _best_window(text, spans[:MAX_SPANS], width)
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        if s > cursor:
            pieces.append((text[cursor:s], False))
        pieces.append((text[s:e], True))
        cursor = e
    if cursor < end:
        pieces.append((text[cursor:end], False))
    if end < len(text):
        pieces.append(("…", False))
    return pieces


def opening(text: str, *, width: int = WIDTH) -> list[tuple[str, bool]]:
    """The start of `text`, unmarked: the passage when no part of it matches."""
    text = " ".join((text or "").split())
    return [(text[:width] + ("…" if len(text) > width else ""), False)] if text else []


def result_passage(query: str, body: str, summary: str = "") -> list[tuple[str, bool]]:
    """A search result's passage: from the body, else from the summary where only it
    holds the query's words, else the summary's (or the body's) opening."""
    return passage(body, query) or passage(summary, query) or opening(summary or body)
