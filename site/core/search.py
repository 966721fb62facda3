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

import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from functools import lru_cache
from threading import Lock

import jieba
import snowballstemmer
from django.utils.html import strip_tags

# A pasted SMS or chat message runs to a few hundred characters.
MAX_QUERY_LENGTH = 500

# Han ideographs (basic, extension A, compatibility) and CJK symbols that carry meaning.
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


# Latin words and numbers, also where they touch Chinese (AI换脸 → ai, 再打110核实 → 110).
LATIN_RUN = re.compile(r"[a-z0-9]+")
WORD = re.compile(f"({CJK_RUN.pattern})|([a-z0-9]+)")

# Words that carry no topic: a query's function words, question words and fillers
# (Chinese and English). Single Chinese characters are dropped too, unless a vocabulary
# term (see segment()) keeps them.
STOP_WORDS = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 哦 嗯 么 我 你 您 他 她 它 我们 你们 他们 她们 自己 大家 这 那 这个
    那个 这些 那些 这样 那样 这里 那里 一个 一下 一些 一点 有点 什么 怎么 怎么办 怎样 如何 为什么
    为何 哪 哪里 哪个 谁 多少 是不是 是 不是 就是 有 没有 在 和 与 跟 及 或 或者 还是 就 都 也 还
    又 再 才 很 太 更 最 要 想 会 能 可以 可能 应该 需要 说 讲 问 被 把 给 让 叫 对 对方 向 从 到
    去 来 上 下 里 后 前 时 时候 已经 刚刚 刚才 现在 今天 昨天 马上 立即 请 您好 你好 尊敬 真的 靠谱
    是否 一定 如果 因为 所以 但是 而且 然后 其实 不 别 没 等 等等 之后 之前 以后 以前
    告诉 知道 觉得
    a an and are as at be been by can do does for from get got has have how i i'm i've if in
    into is it its me my of on or our so that the their them there this to too was we what
    when where which who why will with you your
    """.split()
)


def warm() -> None:
    """Load the segmenter's dictionary now (about a second), so that the first search a
    server process answers does not pay for it; gunicorn calls this as each worker starts
    (gunicorn.conf.py, post_worker_init)."""
    jieba.initialize()
    from pypinyin import lazy_pinyin  # its phrase dictionary loads on first use, too

    lazy_pinyin("诈骗")


_english = snowballstemmer.stemmer("english")
_stemmer_lock = Lock()  # a Snowball stemmer object keeps state between calls


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """The English stem of a folded Latin word (scams, scammed → scam); numbers as they are."""
    if not word.isalpha():
        return word
    with _stemmer_lock:
        return _english.stemWord(word)


def fold(text: str) -> str:
    """Text as the search compares it: full-width forms folded (ＡＢＣ１２３ → abc123),
    case folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def latin_stems(text: str) -> frozenset[str]:
    """The stems of the Latin words and the numbers in folded `text`, Chinese or not."""
    return frozenset(stem(word) for word in LATIN_RUN.findall(text))


def segment(text: str, vocabulary: Collection[str] = (), *, longest: int = 0) -> list[str]:
    """The words of folded `text`, in order: a `vocabulary` term (a domain word such as
    安全账户, U盾 or 冒充公检法, folded) is kept whole wherever it appears, longest first;
    the Chinese around it is cut into words by jieba; Latin words and numbers stand alone.
    Punctuation and spaces separate words and are dropped. `longest` is the length of the
    longest vocabulary term (computed when not given)."""
    longest = longest or max((len(term) for term in vocabulary), default=0)
    words: list[str] = []
    rest_start = index = 0
    while index < len(text):
        for length in range(min(longest, len(text) - index), 1, -1):
            if text[index : index + length] in vocabulary:
                words.extend(_plain_words(text[rest_start:index]))
                words.append(text[index : index + length])
                index = rest_start = index + length
                break
        else:
            index += 1
    words.extend(_plain_words(text[rest_start:]))
    return words


def _plain_words(text: str) -> list[str]:
    words = []
    for chinese, latin in WORD.findall(text):
        words.extend(jieba.lcut(chinese) if chinese else [latin])
    return words


def telling(words: Iterable[str], vocabulary: Collection[str] = ()) -> list[str]:
    """`words` without the stop words, single Chinese characters and one- or two-digit
    numbers, unless `vocabulary` knows them; each once, in order."""
    kept = []
    for word in words:
        if word not in vocabulary:
            if word in STOP_WORDS or len(word) == 1:
                continue
            if word.isdigit() and len(word) < 3:
                continue
        kept.append(word)
    return list(dict.fromkeys(kept))


def idf(matching: int, total: int) -> float:
    """How telling a word is that `matching` of `total` documents contain (BM25's idf)."""
    return math.log(1 + (total - matching + 0.5) / (matching + 0.5))


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
