"""Site-wide public views: large-text mode, robots.txt and the health check."""

import redis
from celery import current_app as current_celery_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from .context_processors import CARE_MODE_COOKIE

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
