"""Site-wide public views: large-text mode, robots.txt, the health check and the 404 page."""

import redis
from celery import current_app as current_celery_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseNotFound, HttpResponseRedirect, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from wagtail.models import Locale, Page, Site

from .context_processors import CARE_MODE_COOKIE
from .pages import exclude_private

CARE_MODE_MAX_AGE = 365 * 24 * 60 * 60


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


@require_GET
@never_cache
def healthz(request):
    """Database, cache and task broker, each "ok" or the error; 503 if any is down."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # report, never raise: this is what monitors read
        checks["database"] = f"error: {error.__class__.__name__}"
    try:
        cache.set("healthz", "1", 10)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "error: no value back"
    except Exception as error:
        checks["cache"] = f"error: {error.__class__.__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "ok (tasks run inline)"
    elif settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # A PING with short timeouts: a paused Redis accepts connections and never
        # answers, and the load balancer needs an answer within a couple of seconds.
        try:
            with redis.Redis.from_url(
                settings.CELERY_BROKER_URL, socket_timeout=0.5, socket_connect_timeout=0.5
            ) as broker:
                broker.ping()
            checks["broker"] = "ok"
        except Exception as error:
            checks["broker"] = f"error: {error.__class__.__name__}"
    else:
        try:
            # The project's Celery app (config.celery) makes itself the current app.
            with current_celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as error:
            checks["broker"] = f"error: {error.__class__.__name__}"
    healthy = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


# What the 404 page says before the link to the page in the one language it exists in,
# and before the link to the page in the reader's language at another address.
ONLY_IN = {
    "zh-hans": _("This page is only in Chinese:"),
    "en": _("This page is only in English:"),
}
VERSION_HERE = {
    "zh-hans": _("The Chinese version of this page is here:"),
    "en": _("The English version of this page is here:"),
}
LANG_ATTRIBUTE = {"zh-hans": "zh-Hans"}


def version_elsewhere(request) -> Page | None:
    """The live public page an address names, when it is not in the address's language.

    /en/materials/pension-scams/ of a guide never translated (or translated only in a
    draft) names the Chinese guide at /zh-hans/materials/pension-scams/: translations keep
    the path of the page they were made from. If that page has a live translation in the
    address's language after all (a translator gave it its own slug), that one is given.
    None when the address names no page.
    """
    language = translation.get_language_from_path(request.path_info)
    if not language:
        return None
    rest = request.path_info[len(language) + 2 :]
    if "\x00" in rest or len(rest) > 1000:  # PostgreSQL refuses NUL characters
        return None
    if rest and not rest.endswith("/"):
        rest += "/"
    site = Site.find_for_request(request)
    if site is None:
        return None
    homes = (
        site.root_page.get_translations(inclusive=True)
        .live()
        .exclude(locale__language_code=language)
    )
    public = exclude_private(Page.objects.live().filter(alias_of__isnull=True))
    found = (
        public.filter(url_path__in=[home.url_path + rest for home in homes.only("url_path")])
        .order_by("depth", "pk")
        .first()
    )
    if found is None:
        return None
    here = public.filter(translation_key=found.translation_key, locale__language_code=language)
    return here.first() or found


def page_not_found(request, exception=None):
    """Django's 404 page (settings' handler404), linking the page the address names in
    another language when there is one: a reader following an English link to a page
    that exists only in Chinese is shown the way to it, never just "not found"."""
    page = version_elsewhere(request)
    context = {"request_path": request.path}
    if page is not None:
        code = Locale.objects.filter(pk=page.locale_id).values_list("language_code", flat=True)[0]
        if code == translation.get_language():
            message = VERSION_HERE.get(code, _("This page is here:"))
        else:
            message = ONLY_IN.get(code, _("This page exists in another language:"))
        context["elsewhere"] = {
            "title": page.title,
            "url": page.get_url(request),
            "code": LANG_ATTRIBUTE.get(code, code),
            "message": message,
        }
    body = loader.render_to_string("404.html", context, request)
    return HttpResponseNotFound(body)
