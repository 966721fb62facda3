"""Template tags that put the public content into the site's chrome and home page.

They live with the materials, not in core: core's page models and tags know no content
type, and templates (not imports) are where the two meet.
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from wagtail.models import Page

from materials import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def section_urls(context) -> dict:
    """URLs of the library and the alert list in the active language."""
    return selectors.section_urls(context["request"], language_code=translation.get_language())


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One link per language; stays on the same page where a translation exists."""
    request = context["request"]
    page = context.get("page")
    current = translation.get_language()
    urls = selectors.translated_urls(page, request) if isinstance(page, Page) and page.pk else None
    links = []
    for code, name in settings.LANGUAGES:
        if urls is not None:
            translated = code in urls
            url = urls.get(code, f"/{code}/")
        else:
            translated = True
            url = translate_url(request.get_full_path(), code)
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "current": code == current,
                "translated": translated,
            }
        )
    return links


@register.simple_tag
def featured_materials(home) -> list:
    """The materials a home page features, as cards (`{% featured_materials page as x %}`)."""
    return selectors.featured_materials(home)


@register.simple_tag
def latest_alerts(home) -> list:
    """The newest alerts in the home page's language."""
    return selectors.latest_alerts(locale_id=home.locale_id)
