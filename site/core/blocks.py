"""StreamField blocks shared by articles. Logic lives here so templates stay simple."""

from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock
from wagtail.models import Locale

from .cache_epoch import cached
from .pages import active_locale_id
from .rich_text import SanitisedRichTextBlock


class WarningSignsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), default=_("Warning signs"))
    signs = blocks.ListBlock(blocks.CharBlock(label=_("sign")), label=_("signs"), min_num=1)

    class Meta:
        icon = "warning"
        template = "blocks/warning_signs.html"
        label = _("Warning signs")
        description = _("Red flags that show a scam is under way")
        preview_value = {
            "title": "警惕这些信号",
            "signs": ["自称公检法要求转账", "要求开启屏幕共享"],
        }


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"))
    text = blocks.TextBlock(label=_("details"), required=False)


class StepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), default=_("What to do"))
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "blocks/steps.html"
        label = _("What to do, step by step")
        description = _("Numbered steps the reader should take")
        preview_value = {"title": "怎么办", "steps": [{"title": "立即挂断", "text": ""}]}


class ChecklistBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"))
    items = blocks.ListBlock(blocks.CharBlock(label=_("item")), label=_("items"), min_num=1)

    class Meta:
        icon = "tick-inverse"
        template = "blocks/checklist.html"
        label = _("Checklist")
        description = _("Things to check, with a box in front of each when printed")
        preview_value = {"title": "转账前问自己", "items": ["对方是否要求保密？"]}


class CaseQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("who said it"), required=False)

    class Meta:
        icon = "openquote"
        template = "blocks/case_quote.html"
        label = _("Case quote")
        description = _("Words of a victim or officer from a real case")
        preview_value = {"quote": "他说是警察，我就信了。", "attribution": "王阿姨，68岁"}


class HotlineCalloutBlock(blocks.StructBlock):
    text = blocks.CharBlock(
        label=_("message"),
        required=False,
        help_text=_("The hotline number comes from the site settings."),
    )

    class Meta:
        icon = "mail"
        template = "blocks/hotline_callout.html"
        label = _("Hotline callout")
        description = _("A prominent call-the-hotline box")
        preview_value = {"text": "拿不准？先打反诈专线问一问。"}


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "image"
        template = "blocks/image.html"
        label = _("Image")
        description = _("An image with its alt text and an optional caption")


# A language's name in that language: the note beside a link to a page in another language.
AUTONYMS = {"zh-hans": "中文", "en": "English"}


def in_reader_language(page):
    """(page to show, language code to mark it with): the live translation of `page` in
    the active language, or `page` itself with its language when it has none, so a guide
    translated into English plays the English version of its video where there is one.
    An alias is never taken for a translation: it shows the untranslated text.

    One query per page and language, kept until the next publish (a body is rendered more
    than once: its reading time counts the rendered text)."""
    locale_id = active_locale_id()
    if locale_id is None or page.locale_id == locale_id:
        return page, None

    def compute():
        translation = (
            type(page)
            .objects.live()
            .filter(translation_key=page.translation_key, locale_id=locale_id)
            .filter(alias_of__isnull=True)
            .first()
        )
        return translation, None if translation else language_codes().get(page.locale_id)

    translation, language = cached(f"core:in-language:{page.pk}:{locale_id}", compute)
    return translation or page, language


def language_codes() -> dict[int, str]:
    """{locale id: language code}, cached (locales almost never change)."""
    return cached(
        "core:locale-codes", lambda: dict(Locale.objects.values_list("pk", "language_code"))
    )


class VideoBlock(blocks.StructBlock):
    video = blocks.PageChooserBlock(page_type="materials.VideoPage", label=_("video"))

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        video = value["video"].specific if value["video"] else None
        video, language = in_reader_language(video) if video and video.live else (None, None)
        context["video"] = video
        context["player"] = video.player() if video else None
        if language:
            context["other_language"] = {
                "code": "zh-Hans" if language == "zh-hans" else language,
                "name": AUTONYMS.get(language) or get_language_info(language)["name_local"],
            }
        return context

    class Meta:
        icon = "media"
        template = "blocks/video.html"
        label = _("Video")
        description = _("Plays one of the site's videos, with its captions")


class ArticleStreamBlock(blocks.StreamBlock):
    """Blocks available in guides."""

    heading = blocks.CharBlock(
        label=_("Heading"),
        icon="title",
        template="blocks/heading.html",
        description=_("A section heading"),
    )
    paragraph = SanitisedRichTextBlock(
        label=_("Paragraph"),
        icon="pilcrow",
        template="blocks/paragraph.html",
        description=_("Text with links and lists"),
    )
    warning_signs = WarningSignsBlock()
    steps = StepsBlock()
    checklist = ChecklistBlock()
    case_quote = CaseQuoteBlock()
    hotline = HotlineCalloutBlock()
    image = CaptionedImageBlock()
    video = VideoBlock()


def readable_text(stream) -> list[str]:
    """The text a reader reads in a stream of blocks, for a search result's passage: an
    image gives its caption (not its alt text), a video nothing (its page is a result of
    its own); the other blocks their text, without their settings."""
    texts = []
    for child in stream or ():
        if isinstance(child.block, VideoBlock):
            continue
        if isinstance(child.block, CaptionedImageBlock):
            texts.append(child.value.get("caption") or "")
            continue
        texts.extend(str(text) for text in child.block.get_searchable_content(child.value))
    return texts
