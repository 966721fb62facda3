"""Template tags for the public site's chrome: navigation, language links, dates."""

import re
from decimal import Decimal

from django import template
from django.templatetags.static import static
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.cache_epoch import cached
from core.models import SiteSettings, tel_number

register = template.Library()


@register.filter
def yuan(amount) -> str:
    """Money as Chinese readers say it (5万元, 3,800元); ¥50,000 in English."""
    if amount in (None, ""):
        return ""
    value = Decimal(amount)
    if translation.get_language() == "zh-hans":
        if abs(value) >= 10000:
            wan = (value / 10000).quantize(Decimal("0.01")).normalize()
            return f"{wan:f}万元"
        return f"{value.quantize(Decimal('1')):,}元"
    return f"¥{value.quantize(Decimal('1')):,}"


@register.simple_tag(takes_context=True)
def meta_description(context) -> str:
    """The page's own description for search engines and link previews."""
    page = context.get("page")
    if page is None:
        return ""
    if hasattr(page, "get_meta_description"):
        return page.get_meta_description()
    return (
        getattr(page, "search_description", "")
        or getattr(page, "hero_text", "")
        or getattr(page, "intro", "")
    )


@register.simple_tag(takes_context=True)
def page_meta(context) -> dict:
    """What a link preview and a search engine are told about the page being shown: its
    own title, description and canonical URL. A view showing something other than the
    page itself (a routable page's sub-route) says so with `share_title`,
    `share_description` and `canonical_url` in the context; a page type with a title of
    its own for sharing (the home page: the site's name, not 首页) has `get_share_title()`."""
    page = context.get("page")
    if page is None:
        return {"title": "", "description": "", "url": ""}
    title = context.get("share_title") or (
        page.get_share_title() if hasattr(page, "get_share_title") else ""
    )
    return {
        "title": title or getattr(page, "seo_title", "") or page.title,
        "description": context.get("share_description") or meta_description(context),
        "url": context.get("canonical_url") or getattr(page, "full_url", "") or "",
    }


SHARE_IMAGE_SPEC = "fill-1200x630"


@register.simple_tag(takes_context=True)
def share_image(context) -> dict:
    """An image for link previews (WeChat, social networks): the page's own share card
    where it has one (`share_card()`: materials), else a 1200×630 crop of its image, else
    the site's default card."""
    request = context["request"]
    page = context.get("page")

    def compute():
        card = page.share_card() if hasattr(page, "share_card") else None
        if card:
            return card
        image = getattr(page, "card_image", None) if page is not None else None
        if image is None:
            return static("img/share-default.png"), 1200, 630
        rendition = image.get_rendition(SHARE_IMAGE_SPEC)
        return rendition.url, rendition.width, rendition.height

    # Cached until the next publish: the image lookup would cost a query on every view.
    url, width, height = cached(f"core:share-image:{getattr(page, 'pk', None)}", compute)
    return {"url": request.build_absolute_uri(url), "width": width, "height": height}


class ContentFragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        if getattr(request, "is_preview", False):
            return self.nodelist.render(context)  # a draft: never cached, never shared
        parts = [str(var.resolve(context)) for var in self.vary_on]
        key = ":".join(["fragment", self.name, translation.get_language() or "", *parts])
        return cached(key, lambda: self.nodelist.render(context))


@register.tag
def content_fragment(parser, token):
    """Cache what the block renders until the site's content next changes.

        {% content_fragment "guide-body" page.pk %}…{% endcontent_fragment %}

    Keyed by the name, the language and the values given; kept under the content
    epoch (core.cache_epoch), so any publish retires it. Only for markup that
    is the same for every reader of the page: nothing from the user, cookies or the query
    string. Previews of drafts render afresh.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("content_fragment needs a name")
    nodelist = parser.parse(("endcontent_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return ContentFragmentNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])


HTML_TAG = re.compile(r"(<[^>]*>)")
# A number stands alone: not part of a longer number, an amount (1100元) or a date.
NOT_BEFORE = r"(?<![\d.,¥$\-/])"
NOT_AFTER = r"(?![\d.,%元万年月日号\-/])"


@register.simple_tag(takes_context=True)
def tel_links(context, html):
    """HTML with the site settings' numbers (110, 96110, 12321) as tel: links wherever they
    stand alone in the text, outside existing links. Other numbers are left alone.

        {% tel_links page.body|richtext %}   {% tel_links step.text|linebreaksbr %}

    Without a request (a body rendered for its reading time) the HTML is unchanged.
    """
    request = context.get("request")
    if request is None:
        return html
    return link_numbers(html, SiteSettings.for_request(request))


def link_numbers(html, site_settings) -> str:
    """HTML (safe: marked up or escaped) with the numbers of SITE_SETTINGS linked."""
    numbers = site_settings.phone_numbers() if isinstance(site_settings, SiteSettings) else {}
    if not html or not numbers:
        return html
    alternatives = "|".join(re.escape(n) for n in sorted(numbers, key=len, reverse=True))
    pattern = re.compile(f"{NOT_BEFORE}({alternatives}){NOT_AFTER}")
    parts = HTML_TAG.split(str(html))
    in_link = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            if re.match(r"<a[\s>]", part, re.IGNORECASE):
                in_link += 1
            elif re.match(r"</a\s*>", part, re.IGNORECASE):
                in_link = max(0, in_link - 1)
        elif not in_link and part:
            parts[index] = pattern.sub(
                lambda m: format_html('<a href="tel:{}">{}</a>', numbers[m[1]], m[1]), part
            )
    # The pieces are the input (safe HTML, escaped text) and format_html's links.
    return SafeString("".join(parts))


CALL_LABELS = {
    "emergency": _("Call the police: %(number)s"),
    "hotline": _("Anti-fraud hotline: %(number)s"),
    "spam": _("Report spam: %(number)s"),
}


@register.simple_tag(takes_context=True)
def call_button(context, key: str, css_class: str = "button button-call"):
    """A tap-to-call button for one of the site settings' numbers (core.models.HOTLINES)."""
    request = context.get("request")
    if not request or key not in CALL_LABELS:
        return ""
    settings = SiteSettings.for_request(request)
    number = settings.number_for(key)
    if not number:
        return ""
    return format_html(
        '<a class="{}" href="tel:{}">{}</a>',
        css_class,
        tel_number(number),
        CALL_LABELS[key] % {"number": number},
    )


@register.simple_tag
def tel_link(number: str):
    """One number as a tap-to-call link, e.g. inside a translated sentence:
    {% tel_link site_settings.emergency_number as emergency %}."""
    tel = tel_number(number)
    if not tel:
        return number
    return format_html('<a href="tel:{}">{}</a>', tel, number)
