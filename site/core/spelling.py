"""Typos and pinyin: what a reader meant, from the words the site's own pages use.

It knows no content type: materials.spelling gives it the texts of the live pages.

Chinese readers type with a pinyin input method, so their typos are mostly homophones:
养老骗据 for 养老骗局 (据 and 局 are both "ju"), 冒充公减法 for 冒充公检法. And a reader
without a Chinese keyboard, or in a hurry, types the pinyin itself: yanglao, shuadan,
gong jian fa, yǎnglǎo, yang3lao3. Both are answered by one table: every 2- to 4-character
word the pages use (as overlapping n-grams, since Chinese has no spaces; kept when they
occur twice, in a title or a topic's name, or in pypinyin's dictionary of words), filed
under its pinyin.

- A Chinese stretch of the query the pages never use is replaced by the most frequent
  word that sounds the same (with the usual fuzzy-pinyin foldings: zh/z, ch/c, sh/s,
  -ng/-n, l/n, so a southern reader's 刘/牛 still matches).
- A query written wholly in pinyin is read as the words whose pinyin, strung together,
  spells it out.
- A Latin word the pages never use is replaced by the closest one they do (difflib).
"""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import get_close_matches

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from .search import CJK_RUN

MIN_WORD, MAX_WORD = 2, 4
# How many words the table keeps (the most frequent): enough for a large site's
# vocabulary, small enough to keep in the cache and in each process's memory.
MAX_WORDS = 40_000
MAX_LATIN_WORDS = 5_000
# A query with more Chinese than this is a pasted message (an SMS, a chat), not a typo.
MAX_TYPO_QUERY = 24
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")
PINYIN_QUERY = re.compile(r"[a-zA-Z1-5'\s]+")  # tone marks removed first
# Fuzzy pinyin, as input methods offer it: sounds many readers do not tell apart.
_FOLDS = ((re.compile(r"^(z|c|s)h"), r"\1"), (re.compile(r"ng$"), "n"), (re.compile(r"^l"), "n"))


def _fold(syllable: str) -> str:
    for pattern, replacement in _FOLDS:
        syllable = pattern.sub(replacement, syllable)
    return syllable


def sound_key(syllables: Iterable[str]) -> str:
    """What a word sounds like, fuzzily: 骗局 and 骗据 → "pian ju"."""
    return " ".join(_fold(s) for s in syllables)


def toneless(text: str) -> str:
    """A pinyin query as plain letters: "Yǎng lǎo", "yang3 lao3", "yang'lao" → "yanglao"."""
    text = unicodedata.normalize("NFKD", text).casefold().replace("ü", "v")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z]", "", text)


def _syllables(run: str) -> list[str]:
    """Toneless pinyin of a run of Han characters, one syllable per character."""
    return lazy_pinyin(run, style=Style.NORMAL, errors="default")


@dataclass
class Vocabulary:
    """The words of a set of texts, with how often they occur and how they sound."""

    counts: dict[str, int] = field(default_factory=dict)
    by_sound: dict[str, list[str]] = field(default_factory=dict)
    by_spelling: dict[str, str] = field(default_factory=dict)
    latin: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, texts: Iterable[tuple[str, int]]) -> "Vocabulary":
        """From (text, weight) pairs: a title or a topic name weighs more than a body."""
        counts: Counter = Counter()
        latin: Counter = Counter()
        for text, weight in texts:
            for run in CJK_RUN.findall(text or ""):
                for size in range(MIN_WORD, MAX_WORD + 1):
                    for i in range(len(run) - size + 1):
                        counts[run[i : i + size]] += weight
            for word in LATIN_WORD.findall(text or ""):
                if len(word) >= 2:
                    latin[word.casefold()] += weight
        kept = [
            (word, count)
            for word, count in counts.most_common()
            if count >= 2 or word in PHRASES_DICT
        ][:MAX_WORDS]
        vocabulary = cls(counts=dict(kept), latin=dict(latin.most_common(MAX_LATIN_WORDS)))
        for word, _count in kept:  # most frequent first
            syllables = _syllables(word)
            vocabulary.by_sound.setdefault(sound_key(syllables), []).append(word)
            vocabulary.by_spelling.setdefault("".join(syllables), word)
        return vocabulary

    def __bool__(self) -> bool:
        return bool(self.counts or self.latin)

    # --- reading a query ----------------------------------------------------------------

    def from_pinyin(self, query: str) -> str | None:
        """The Chinese a query written in pinyin spells (gongjianfa → 公检法), or None
        when it is not pinyin of the pages' words (an English word, a name)."""
        plain = "".join(
            ch for ch in unicodedata.normalize("NFKD", query) if not unicodedata.combining(ch)
        )
        if not PINYIN_QUERY.fullmatch(plain) or not re.search(r"[a-zA-Z]", plain):
            return None
        if any(word.casefold() in self.latin for word in query.split() if len(word) > 2):
            return None  # a word the pages use as it is (App, QQ)
        letters = toneless(query)
        if len(letters) < 4:
            return None
        # Fewest words wins (the longest words), then the most frequent ones.
        longest = max((len(key) for key in self.by_spelling), default=0)
        best: list[tuple[int, int, str] | None] = [None] * (len(letters) + 1)
        best[0] = (0, 0, "")
        for end in range(1, len(letters) + 1):
            for start in range(max(0, end - longest), end):
                if best[start] is None:
                    continue
                word = self.by_spelling.get(letters[start:end])
                if word is None:
                    continue
                pieces, weight, text = best[start]
                candidate = (pieces + 1, weight - self.counts[word], text + word)
                if best[end] is None or candidate[:2] < best[end][:2]:
                    best[end] = candidate
        return best[-1][2] if best[-1] else None

    def corrected(self, query: str) -> str | None:
        """The query with its typos replaced by the words the pages use, or None when
        nothing in it needs replacing."""
        if sum(len(run) for run in CJK_RUN.findall(query)) > MAX_TYPO_QUERY:
            return None
        parts = re.split(f"({CJK_RUN.pattern})", query)
        changed = False
        for index, part in enumerate(parts):
            if CJK_RUN.fullmatch(part):
                fixed = self._corrected_chinese(part)
            elif part.strip():
                fixed = self._corrected_latin(part)
            else:
                continue
            if fixed != part:
                parts[index] = fixed
                changed = True
        return "".join(parts) if changed else None

    def _corrected_chinese(self, run: str) -> str:
        if len(run) < MIN_WORD:
            return run
        chars = list(run)
        syllables = _syllables(run)
        for size in range(min(MAX_WORD, len(run)), MIN_WORD - 1, -1):
            for i in range(len(chars) - size + 1):
                window = "".join(chars[i : i + size])
                if window in self.counts:
                    continue
                for word in self.by_sound.get(sound_key(syllables[i : i + size]), ()):
                    # A homophone, not a different word: keep at least one character.
                    if any(a == b for a, b in zip(word, window, strict=True)):
                        chars[i : i + size] = list(word)
                        break
        return "".join(chars)

    def _corrected_latin(self, text: str) -> str:
        def fix(match):
            word = match.group(0)
            folded = word.casefold()
            if len(folded) < 4 or folded in self.latin:
                return word
            close = get_close_matches(folded, self.latin, n=1, cutoff=0.8)
            return close[0] if close else word

        return LATIN_WORD.sub(fix, text)
