"""Public views for materials: the library listing, reader feedback and QR codes."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from .forms import FeedbackForm
from .models import POSTER_PRINT_SIZES, Audience, Feedback, ScamType
from .selectors import (
    FORMAT_LABELS,
    LIBRARY_FORMATS,
    attach_card_images,
    material_queryset,
    taxonomy_options,
)

PER_PAGE = 12


def paginate(request, queryset, per_page: int = PER_PAGE):
    """A page of results; a missing, malformed or out-of-range number gives a valid page."""
    paginator = Paginator(queryset, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def _chosen(request, name: str, allowed: set[str]) -> list[str]:
    """Values of a repeatable query parameter, keeping only ones that exist."""
    return [value for value in request.GET.getlist(name) if value in allowed][:20]


def library_response(index_page, request, *, landing=None):
    """The library listing; `landing` = (ScamType or Audience, slug) fixes one filter."""
    locale_id = index_page.locale_id
    scam_types = taxonomy_options(ScamType, locale_id=locale_id)
    audiences = taxonomy_options(Audience, locale_id=locale_id)
    fixed = {}
    if landing:
        model, slug = landing
        options = scam_types if model is ScamType else audiences
        landing = next((item for item in options if item.slug == slug), None)
        if landing is None:
            raise Http404
        fixed = {"scam_type" if model is ScamType else "audience": [slug]}
    chosen = {
        "type": _chosen(request, "type", set(LIBRARY_FORMATS)),
        "scam_type": fixed.get("scam_type")
        or _chosen(request, "scam_type", {item.slug for item in scam_types}),
        "audience": fixed.get("audience")
        or _chosen(request, "audience", {item.slug for item in audiences}),
    }
    results = paginate(
        request,
        material_queryset(
            locale_id=locale_id,
            formats=chosen["type"],
            scam_types=chosen["scam_type"],
            audiences=chosen["audience"],
        ),
    )
    results.object_list = attach_card_images(results.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return index_page.render(
        request,
        context_overrides={
            "results": results,
            "landing": landing,
            "chosen": chosen,
            "fixed": fixed,
            "format_options": [(key, FORMAT_LABELS[key]) for key in LIBRARY_FORMATS],
            "scam_type_options": scam_types,
            "audience_options": audiences,
            "filter_query": query.urlencode(),
            "is_filtered": any(chosen.values()),
        },
        template=(
            "materials/material_landing_page.html"
            if landing
            else "materials/material_index_page.html"
        ),
    )


@csrf_exempt  # anonymous, stores no personal data, and pages must stay cacheable
@require_POST
def feedback(request, page_id: int):
    page = get_object_or_404(Page.objects.live().public(), pk=page_id)
    form = FeedbackForm(request.POST)
    next_url = page.url or "/"
    if not form.is_valid():
        return TemplateResponse(
            request, "materials/feedback_error.html", {"form": form, "page": page}, status=400
        )
    Feedback.objects.create(
        page=page,
        helpful=form.cleaned_data["helpful"] == "yes",
        comment=form.cleaned_data["comment"],
        language=getattr(request, "LANGUAGE_CODE", ""),
    )
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return HttpResponseRedirect(f"{next_url}?feedback=thanks#feedback")


@cache_control(max_age=86400, public=True)
def qr_code(request, page_id: int, fmt: str):
    """A QR code (PNG or SVG) pointing at a live page's canonical URL, for printing."""
    import segno

    page = get_object_or_404(Page.objects.live().public(), pk=page_id)
    url = page.get_full_url(request)
    if not url:
        raise Http404
    code = segno.make(url, error="m", micro=False)
    from io import BytesIO

    buffer = BytesIO()
    download = request.GET.get("download") == "1"
    if fmt == "svg":
        code.save(buffer, kind="svg", scale=10, border=4, xmldecl=True, title=page.title)
        response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    else:
        code.save(buffer, kind="png", scale=12, border=4)
        response = HttpResponse(buffer.getvalue(), content_type="image/png")
    if download:
        response["Content-Disposition"] = f'attachment; filename="qr-{page.slug}.{fmt}"'
    return response


def poster_download(request, page_id: int, size: str):
    """Redirect to the poster at a print size, making the rendition on first request."""
    from .models import PosterPage

    poster = get_object_or_404(PosterPage.objects.live().public(), pk=page_id)
    if size == "original":
        return HttpResponseRedirect(poster.image.file.url)
    if size not in POSTER_PRINT_SIZES:
        raise Http404
    rendition = poster.image.get_rendition(POSTER_PRINT_SIZES[size])
    return HttpResponseRedirect(rendition.url)
