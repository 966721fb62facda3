"""Template tags that put the public content into the site's chrome and home page.

They live with the materials, not in core: core's page models and tags know no content
type, and templates (not imports) are where the two meet.
"""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from core.pages import active_locale_id
from materials import selectors
from materials.forms import SubscribeForm
from materials.models import Audience

register = template.Library()


@register.simple_tag(takes_context=True)
def section_urls(context) -> dict:
    """URLs of the library and the alert list in the active language."""
    return selectors.section_urls(context["request"], language_code=translation.get_language())


# What the switch says where a page has no version in a language, in that language (the
# reader who wants English reads English).
NO_VERSION = {
    "en": _("This page has no English version."),
    "zh-hans": _("This page has no Chinese version."),
}
HOME_IN = {"en": _("English home page"), "zh-hans": _("Chinese home page")}


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """One entry per language: the same page in that language where a live translation
    exists; where none does, the entry says so (in that language) and offers that
    language's home page, so the reader is never moved off the page without knowing."""
    request = context["request"]
    page = context.get("page")
    current = translation.get_language()
    urls = selectors.translated_urls(page, request) if isinstance(page, Page) and page.pk else None
    own = suffix = ""
    if urls is not None:
        # A routable page's sub-route (the library's for/elders/) exists in every language.
        own = page.get_url(request) or ""
        if own and request.path.startswith(own):
            suffix = request.path[len(own) :]
    links = []
    for code, name in settings.LANGUAGES:
        link = {"code": code, "name": name, "current": code == current, "translated": True}
        if urls is None:
            link["url"] = translate_url(request.get_full_path(), code)
        elif code == current:
            link["url"] = own + suffix if own else urls.get(code, f"/{code}/")
        elif code in urls:
            link["url"] = urls[code] + suffix
        else:
            with translation.override(code):
                link.update(
                    translated=False,
                    url=f"/{code}/",
                    note=str(NO_VERSION.get(code, _("This page has no version in this language."))),
                    home=str(HOME_IN.get(code, _("Home"))),
                )
        links.append(link)
    return links


FEED_TYPES = (("rss", "application/rss+xml", "RSS"), ("atom", "application/atom+xml", "Atom"))


@register.simple_tag(takes_context=True)
def feed_links(context) -> list[dict]:
    """The alert feeds of every language, for `<link rel="alternate">` in each page's head
    so feed readers find them: the reader's language first, each titled in its own."""
    request = context["request"]
    current = translation.get_language()
    codes = sorted((code for code, _name in settings.LANGUAGES), key=lambda c: c != current)
    links = []
    for code in codes:
        alerts = selectors.section_urls(request, language_code=code).get("alerts")
        if not alerts:
            continue
        with translation.override(code):
            title = str(_("%(site)s: fraud alerts") % {"site": _("Fangzha")})
        for route, mime, label in FEED_TYPES:
            links.append(
                {
                    "type": mime,
                    "title": f"{title} ({label})",
                    "hreflang": "zh-Hans" if code == "zh-hans" else code,
                    "url": request.build_absolute_uri(f"{alerts}feed/{route}/"),
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


@register.inclusion_tag("includes/subscribe_box.html")
def subscribe_box(prefix: str = "subscribe-box") -> dict:
    """The "subscribe to alerts by e-mail" form, with the active language's audiences
    (cached, so it costs no query)."""
    locale_id = active_locale_id()
    audiences = Audience.options(locale_id=locale_id) if locale_id else []
    return {"form": SubscribeForm(audiences=audiences), "prefix": prefix}
