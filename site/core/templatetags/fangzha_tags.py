"""Template tags for the public site's chrome: navigation, language links, dates."""

from decimal import Decimal

from django import template
from django.templatetags.static import static
from django.utils import translation

from core.cache_epoch import cached

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


SHARE_IMAGE_SPEC = "fill-1200x630"


@register.simple_tag(takes_context=True)
def share_image(context) -> dict:
    """A 1200×630 image for link previews (WeChat, social networks): the material's own
    image where it has one, else the site's default card."""
    request = context["request"]
    page = context.get("page")

    def compute():
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
