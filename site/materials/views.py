"""Public views for materials: search, reader feedback, alert e-mail subscriptions, QR
codes and poster downloads.
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
from core.search import normalise_query
from core.snippets import result_passage

from . import subscriptions
from .forms import FeedbackForm, PosterContactForm, SubscribeForm
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
from .search import (
    help_page_for,
    promoted_help_page,
    promoted_pages,
    says_scam,
    search_materials,
)
from .spelling import reader_hints, search_respelled

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
    results = pages = respelling = None
    # Questions such as 被骗了 / 转错账了 put the help page first; a search that found
    # nothing offers it too, with the hotlines.
    promoted = promoted_help_page(query, locale=locale) if query else None
    # Then the pages editors promoted for this query (Wagtail's search promotions).
    recommended = [
        page
        for page in (
            promoted_pages(query, locale=locale, formats=formats, audiences=audiences)
            if query
            else []
        )
        if promoted is None or page.pk != promoted.pk
    ]
    if query:
        # Pinyin, typos: the search may be of what the reader meant (materials.spelling).
        def search_for(words):
            return search_materials(words, locale=locale, formats=formats, audiences=audiences)

        found, respelling = search_respelled(
            query, locale=locale, search=search_for, exact=request.GET.get("exact") == "1"
        )
        shown = {page.pk for page in recommended}  # first, and not again below
        results = paginate(request, [page for page in found if page.pk not in shown])
        if results.number != 1:
            recommended = []
        pages = MATERIAL_TYPES.attach_card_images(
            [*recommended, *specific_in_order(results.object_list)], RESULT_IMAGE
        )
        searched = respelling.suggestion if respelling and respelling.shown else query
        for page in pages:
            body = page.reading_text() if hasattr(page, "reading_text") else ""
            page.passage = result_passage(searched, body, getattr(page, "summary", ""))
        recommended, pages = pages[: len(recommended)], pages[len(recommended) :]
        results.object_list = pages
    help_page = promoted or (None if pages or recommended else help_page_for(locale=locale))
    warning = says_scam(query, locale=locale)
    count = (results.paginator.count if results is not None else 0) + (1 if promoted else 0)
    count += len(shown) if query else 0
    filter_query = request.GET.copy()
    filter_query.pop("page", None)
    return TemplateResponse(
        request,
        "search.html",
        {
            "query": query,
            "results": results,
            "promoted": promoted if results is not None and results.number == 1 else None,
            "promoted_pages": recommended,
            "found": count,
            "help_page": help_page,
            # A pasted message with the scam vocabulary (安全账户, 验证码 + 转账…) is warned.
            "scam_warning": warning,
            "scam_help_page": (promoted or help_page or help_page_for(locale=locale))
            if warning
            else None,
            "chosen": {"type": formats, "audience": audiences},
            "format_options": MATERIAL_TYPES.options(),
            "audience_options": audience_options,
            "suggested_scam_types": ScamType.options(locale_id=locale.pk)[:8],
            "filter_query": filter_query.urlencode(),
            **reader_hints(request, query, respelling, locale=locale),
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


# The form sits on cached alert pages, so it carries no CSRF token: a forged request can
# only ask for a confirmation mail (double opt-in), within the per-client limit.
@csrf_exempt
def subscribe(request):
    """订阅预警邮件: an address and an audience; the same answer whether the address was
    known or not (only the mail it receives says)."""
    locale = Locale.get_active()
    audiences = Audience.options(locale_id=locale.pk)
    if request.method != "POST":
        form = SubscribeForm(audiences=audiences)
        return TemplateResponse(request, "materials/subscribe.html", {"form": form})
    form = SubscribeForm(request.POST, audiences=audiences)
    if over_limit(
        request,
        "subscribe",
        limit=subscriptions.SUBSCRIBE_LIMIT,
        seconds=subscriptions.SUBSCRIBE_WINDOW,
    ):
        form.add_error(None, gettext("Too many requests from your address: please try later."))
        response = TemplateResponse(request, "materials/subscribe.html", {"form": form}, status=429)
        response["Retry-After"] = str(subscriptions.SUBSCRIBE_WINDOW)
        return response
    if not form.is_valid():
        return TemplateResponse(request, "materials/subscribe.html", {"form": form}, status=400)
    subscriptions.request_subscription(
        email=form.cleaned_data["email"],
        audience=form.cleaned_data["audience"],
        language=locale.language_code,
        site_url=request.build_absolute_uri("/").rstrip("/"),
    )
    return TemplateResponse(
        request, "materials/subscribe_sent.html", {"email": form.cleaned_data["email"]}
    )


def _invalid_link(request):
    return TemplateResponse(request, "materials/subscribe_invalid.html", status=400)


@csrf_exempt  # the signed token in the address is the authority, not a session
def subscribe_confirm(request, token: str):
    """The link in the confirmation mail: a page with one button (a mail scanner that
    fetches the link confirms nothing); the button confirms."""
    try:
        if request.method == "POST":
            subscriber = subscriptions.confirm_subscription(token)
            label = subscriptions.audience_label(subscriber.audience, language=subscriber.language)
            return TemplateResponse(
                request, "materials/subscribe_confirmed.html", {"audience": label}
            )
        subscriptions.confirm_subscription_check(token)
    except subscriptions.InvalidLink:
        return _invalid_link(request)
    return TemplateResponse(request, "materials/subscribe_confirm.html")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here, without a session
def unsubscribe(request, token: str):
    """The link in every alert mail: a page offering 退订 and 删除我的邮箱地址; a POST
    unsubscribes (a mail client's one-click POST too), or deletes the address."""
    try:
        subscriber = subscriptions.subscriber_for_unsubscribe(token)
    except subscriptions.InvalidLink:
        return _invalid_link(request)
    state = "asked"
    if request.method == "POST":
        if request.POST.get("action") == "delete":
            subscriptions.delete_subscriber(subscriber)
            state = "deleted"
        else:
            subscriptions.unsubscribe(subscriber)
            state = "unsubscribed"
    return TemplateResponse(
        request, "materials/unsubscribe.html", {"state": state, "subscriber": subscriber}
    )


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
