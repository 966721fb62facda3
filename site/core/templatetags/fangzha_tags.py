"""Template tags for the public site's chrome: navigation, language links, dates."""

from decimal import Decimal

from django import template
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Locale, Page

register = template.Library()


@register.simple_tag(takes_context=True)
def section_urls(context) -> dict:
    """URLs of the library and alert list in the active language (one query per request)."""
    request = context["request"]
    cached = getattr(request, "_fangzha_section_urls", None)
    if cached is not None:
        return cached
    from materials.models import AlertIndexPage, MaterialIndexPage

    types = ContentType.objects.get_for_models(MaterialIndexPage, AlertIndexPage)
    pages = Page.objects.live().filter(
        locale=Locale.get_active(), content_type__in=types.values()
    ).only("id", "url_path", "content_type_id", "depth", "path")
    urls = {}
    for page in pages:
        key = "library" if page.content_type_id == types[MaterialIndexPage].pk else "alerts"
        urls[key] = page.get_url(request)
    request._fangzha_section_urls = urls
    return urls


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language; stays on the same page where a translation exists."""
    request = context["request"]
    page = context.get("page")
    current = translation.get_language()
    links = []
    translations = {}
    if isinstance(page, Page) and page.pk:
        for translated in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translated.locale.language_code] = translated
    for code, name in settings.LANGUAGES:
        if code in translations:
            url = translations[code].get_url(request)
        elif isinstance(page, Page) and page.pk:
            url = f"/{code}/"
        else:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "name": name, "url": url, "current": code == current})
    return links


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
