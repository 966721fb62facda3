"""Site-wide public views: search, robots.txt and the sitemap."""

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Locale

from materials.models import Audience, ScamType
from materials.selectors import (
    FORMAT_LABELS,
    attach_card_images,
    specific_in_order,
    taxonomy_options,
)

from .search import highlight, normalise_query, search_materials


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
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")
