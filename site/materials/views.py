"""Public views for materials: search, reader feedback, QR codes and poster downloads.
The library listing and the alert list are their index pages' routes (models.py)."""

from io import BytesIO

import segno
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Locale, Page

from core.clients import over_limit
from core.ids import id_or_404
from core.models import SiteSettings
from core.pages import paginate, specific_in_order
from core.search import highlight, normalise_query

from .forms import FeedbackForm, PosterContactForm
from .listing import RESULT_IMAGE
from .models import MATERIAL_TYPES, Audience, Feedback, PosterPage, ScamType
from .printing import (
    PAPER_SIZES,
    poster_pdf,
    poster_pdf_name,
    save_drawing,
    share_card,
    share_card_name,
    stored_poster_pdf,
)
from .search import help_page_for, promoted_help_page, search_materials

# Anonymous answers one client address may send in FEEDBACK_WINDOW seconds: enough for a
# class answering together behind one school address, not for a script.
FEEDBACK_LIMIT = 20
FEEDBACK_WINDOW = 10 * 60


@require_GET
def search(request):
    locale = Locale.get_active()
    query = normalise_query(request.GET.get("q", ""))
    formats = [f for f in request.GET.getlist("type") if f in MATERIAL_TYPES.by_key]
    audience_options = Audience.options(locale_id=locale.pk)
    audiences = [
        a for a in request.GET.getlist("audience") if a in {item.slug for item in audience_options}
    ]
    results = pages = None
    if query:
        results = paginate(
            request, search_materials(query, locale=locale, formats=formats, audiences=audiences)
        )
        pages = MATERIAL_TYPES.attach_card_images(
            specific_in_order(results.object_list), RESULT_IMAGE
        )
        for page in pages:
            page.excerpt = highlight(page.search_text(), query)
        results.object_list = pages
    # Questions such as 被骗了 / 转错账了 put the help page first; a search that found
    # nothing offers it too, with the hotlines.
    promoted = promoted_help_page(query, locale=locale) if query else None
    help_page = promoted or (None if pages else help_page_for(locale=locale))
    found = (results.paginator.count if results is not None else 0) + (1 if promoted else 0)
    filter_query = request.GET.copy()
    filter_query.pop("page", None)
    return TemplateResponse(
        request,
        "search.html",
        {
            "query": query,
            "results": results,
            "promoted": promoted if results is not None and results.number == 1 else None,
            "found": found,
            "help_page": help_page,
            "chosen": {"type": formats, "audience": audiences},
            "format_options": MATERIAL_TYPES.options(),
            "audience_options": audience_options,
            "suggested_scam_types": ScamType.options(locale_id=locale.pk)[:8],
            "filter_query": filter_query.urlencode(),
        },
    )


@csrf_exempt  # anonymous, stores no personal data, and pages must stay cacheable
@require_POST
def feedback(request, page_id: int):
    page = get_object_or_404(Page.objects.live().public(), pk=id_or_404(page_id))
    form = FeedbackForm(request.POST)
    next_url = page.url or "/"
    if not form.is_valid():
        return TemplateResponse(
            request, "materials/feedback_error.html", {"form": form, "page": page}, status=400
        )
    if over_limit(request, "feedback", limit=FEEDBACK_LIMIT, seconds=FEEDBACK_WINDOW):
        form.add_error(
            None,
            gettext("Too many answers from your address: please try again in a few minutes."),
        )
        response = TemplateResponse(
            request, "materials/feedback_error.html", {"form": form, "page": page}, status=429
        )
        response["Retry-After"] = str(FEEDBACK_WINDOW)
        return response
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
    page = get_object_or_404(Page.objects.live().public(), pk=id_or_404(page_id))
    url = page.get_full_url(request)
    if not url:
        raise Http404
    code = segno.make(url, error="m", micro=False)
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


# Poster PDFs with a contact block one client address may have drawn in POSTER_PDF_WINDOW
# seconds (a downloaded file is served again at no cost): a team printing for a few
# stations, not a script filling the storage with variants.
POSTER_PDF_LIMIT = 20
POSTER_PDF_WINDOW = 10 * 60


@require_GET
def poster_download(request, page_id: int, size: str):
    """A poster as a one-page A4 or A3 PDF (printing.py), or its original artwork."""
    poster = get_object_or_404(PosterPage.objects.live().public(), pk=id_or_404(page_id))
    if size == "original":
        return HttpResponseRedirect(poster.image.file.url)
    paper = PAPER_SIZES.get(size)
    url = poster.get_full_url(request)
    if paper is None or not url:
        raise Http404
    form = PosterContactForm(request.GET)
    if not form.is_valid():
        context = {**poster.get_context(request), "contact_form": form}
        return TemplateResponse(request, poster.get_template(request), context, status=400)
    org, phone = form.cleaned_data["org"], form.cleaned_data["phone"]
    hotline = SiteSettings.for_request(request).hotline
    with translation.override(poster.locale.language_code):
        name = poster_pdf_name(poster, paper, url=url, hotline=hotline, org=org, phone=phone)
        if not stored_poster_pdf(name):
            if (org or phone) and over_limit(
                request, "poster-pdf", limit=POSTER_PDF_LIMIT, seconds=POSTER_PDF_WINDOW
            ):
                response = HttpResponse(
                    gettext("Too many downloads from your address: please try again later."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(POSTER_PDF_WINDOW)
                return response
            data = poster_pdf(poster, paper, url=url, hotline=hotline, org=org, phone=phone)
            save_drawing(name, data)
    response = FileResponse(
        default_storage.open(name),
        as_attachment=True,
        filename=f"{poster.title}-{paper.label}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def share_card_image(request, page_id: int):
    """A material's share card (PNG): what a family member forwards in a chat."""
    page = get_object_or_404(Page.objects.live().public(), pk=id_or_404(page_id)).specific
    material_type = MATERIAL_TYPES.for_page(page)
    url = page.get_full_url(request)
    if material_type is None or not url:
        raise Http404
    hotline = SiteSettings.for_request(request).hotline
    language = page.locale.language_code
    with translation.override(language):
        advice = page.key_advice()
        name = share_card_name(page, language, url=url, hotline=hotline, advice=advice)
        if not default_storage.exists(name):
            kind = str(material_type.label)
            data = share_card(page, url=url, hotline=hotline, kind=kind, advice=advice)
            save_drawing(name, data)
    response = FileResponse(
        default_storage.open(name), filename=f"{page.title}.png", content_type="image/png"
    )
    # The address the pages link carries the revision (?v=), so a republish is a new URL.
    fresh = request.GET.get("v") == str(page.live_revision_id)
    response["Cache-Control"] = f"public, max-age={31536000 if fresh else 3600}"
    return response
