"""Site-wide public views: search, robots.txt and the sitemap."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from materials.models import Audience, ScamType
from materials.selectors import (
    FORMAT_LABELS,
    attach_card_images,
    specific_in_order,
    taxonomy_options,
)

from .context_processors import CARE_MODE_COOKIE
from .search import highlight, normalise_query, search_materials

CARE_MODE_MAX_AGE = 365 * 24 * 60 * 60


@require_GET
def search(request):
    from materials.views import paginate

    locale = Locale.get_active()
    query = normalise_query(request.GET.get("q", ""))
    formats = [f for f in request.GET.getlist("type") if f in FORMAT_LABELS]
    audience_options = taxonomy_options(Audience, locale_id=locale.pk)
    audiences = [
        a for a in request.GET.getlist("audience") if a in {item.slug for item in audience_options}
    ]
    results = None
    if query:
        results = paginate(
            request, search_materials(query, locale=locale, formats=formats, audiences=audiences)
        )
        pages = attach_card_images(specific_in_order(results.object_list))
        for page in pages:
            page.excerpt = highlight(page.search_text(), query)
        results.object_list = pages
    filter_query = request.GET.copy()
    filter_query.pop("page", None)
    return TemplateResponse(
        request,
        "search.html",
        {
            "query": query,
            "results": results,
            "chosen": {"type": formats, "audience": audiences},
            "format_options": list(FORMAT_LABELS.items()),
            "audience_options": audience_options,
            "suggested_scam_types": taxonomy_options(ScamType, locale_id=locale.pk)[:8],
            "filter_query": filter_query.urlencode(),
        },
    )


@require_GET
@never_cache
def care_mode(request, state: str):
    """Switch large-text mode on or off and go back to the page the reader was on.

    A plain link (no form, no JavaScript) so it works on every phone; the preference is
    only a cookie, never tied to a person.
    """
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = f"/{translation.get_language() or settings.LANGUAGE_CODE}/"
    response = HttpResponseRedirect(next_url)
    if state == "on":
        response.set_cookie(
            CARE_MODE_COOKIE,
            "1",
            max_age=CARE_MODE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(CARE_MODE_COOKIE, samesite="Lax")
    return response


@require_GET
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /care-mode/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
