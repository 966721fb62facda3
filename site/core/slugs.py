"""Short ASCII slugs for Chinese titles: the pinyin of the title's words.

Wagtail makes a slug of the title itself, so 冒充公检法诈骗预警 became a URL of 146
percent-encoded characters, which looks like phishing when shared in a chat and makes a
denser QR code. Here the title is cut into words (jieba), function words (的, 了, …) are
left out, each word is written in toneless pinyin (pypinyin, which knows the readings of
words: 重庆 → chongqing) and the words are joined with hyphens, cut at a word to at most
MAX_SLUG_LENGTH characters: maochong-gongjianfa-zhapian-yujing.
"""

import logging

import jieba
from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin
from wagtail.admin.forms import WagtailAdminPageForm

from .search import CJK_RUN

MAX_SLUG_LENGTH = 50

# Words that carry no meaning in a URL.
FUNCTION_WORDS = frozenset("的 了 着 过 地 得 之 与 和 及 或 而 吗 呢 吧 啊 呀 请".split())

jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary at INFO


def _word_slug(word: str) -> str:
    if CJK_RUN.search(word):
        word = "".join(lazy_pinyin(word, style=Style.NORMAL, errors="default"))
    return slugify(word)  # ASCII only: letters and digits, lower case


def pinyin_slug(title: str, *, max_length: int = MAX_SLUG_LENGTH) -> str:
    """The slug for `title`: its words in pinyin (other words as they are, in ASCII),
    joined with hyphens, cut at a word to at most `max_length` characters; "" when the
    title has no letter or digit."""
    words = []
    for word in jieba.cut(title or ""):
        if word in FUNCTION_WORDS:
            continue
        slug = _word_slug(word)
        if slug:
            words.extend(slug.split("-"))
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > max_length:
            break
        result = candidate
    if not result and words:  # one word longer than the limit
        result = words[0][:max_length]
    return result


def needs_pinyin_slug(slug: str, title: str, *, published: bool) -> bool:
    """Whether `slug` was made by a machine from `title` rather than chosen by an editor.

    Empty, Chinese (percent-encoded in a URL) or percent-encoded slugs are always
    replaced. The admin's script, told to keep slugs ASCII, makes what is left of a
    Chinese title once its Chinese is dropped (AI换脸 → ai): that is replaced too, but
    only before the page is first published, so a live URL never changes by itself."""
    if not slug or not slug.isascii() or "%" in slug:
        return True
    if published or not CJK_RUN.search(title or ""):
        return False
    # The script also drops English stop words (the, a, of …): only the title's words.
    return set(slug.split("-")) <= set(slugify(title).split("-"))


def unique_slug(base: str, *, parent, page=None) -> str:
    """`base`, or `base-2`, `base-3`, … : the first that no sibling of `page` under
    `parent` uses."""
    siblings = parent.get_children()
    if page is not None and page.pk:
        siblings = siblings.exclude(pk=page.pk)
    taken = set(siblings.filter(slug__startswith=base).values_list("slug", flat=True))
    candidate, number = base, 1
    while candidate in taken:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


class PinyinSlugPageForm(WagtailAdminPageForm):
    """A page form that fills the slug with the pinyin of a Chinese title (core.slugs).

    The slug may be left empty; one the admin's script made from the title (ASCII only,
    so little or nothing of a Chinese title), a Chinese or a percent-encoded one is
    replaced; a slug the editor chose is kept."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" not in self.fields:
            return
        self.fields["slug"].required = False
        key, title = self.add_prefix("slug"), self.data.get(self.add_prefix("title"), "")
        slug = self.data.get(key, "")
        published = bool(self.instance.first_published_at)
        if self.is_bound and slug and needs_pinyin_slug(slug, title, published=published):
            self.data = self.data.copy()
            self.data[key] = ""

    def clean(self):
        cleaned_data = super().clean()
        if "slug" in cleaned_data and not cleaned_data["slug"] and cleaned_data.get("title"):
            base = pinyin_slug(cleaned_data["title"])
            if base and self.parent_page is not None:
                cleaned_data["slug"] = unique_slug(
                    base, parent=self.parent_page, page=self.instance
                )
        return cleaned_data
