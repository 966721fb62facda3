"""Whole-page cache for anonymous readers of the public site.

A cached copy is kept per host, URL (the language is in the path) and elder-mode setting,
for settings.PAGE_CACHE_SECONDS. Every cached copy records the content generation it was
rendered in (materials.selectors: publishing, unpublishing, moving or deleting a page,
editing a snippet, an image or the site settings bumps it), and a copy from an older
generation is never served, so one publish retires every page at once.

A hit costs one cache round trip (the generation and the page are fetched together) and
no database query: this middleware sits before sessions, authentication and Wagtail.

Only what is the same for every anonymous reader is stored: GET 200 responses of the
views listed in CACHEABLE_VIEWS that set no cookie and do not forbid caching (Wagtail
marks pages with view restrictions no-cache). Requests carrying a session (signed-in
editors, who see the user bar) or pending messages always go to the views.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from .content_generation import GENERATION_KEY, current_generation
from .context_processors import CARE_MODE_COOKIE

CACHEABLE_VIEWS = {"wagtail_serve", "search", "sitemap", "robots_txt"}
CACHEABLE_TYPES = ("text/html", "application/xml", "application/rss+xml", "application/atom+xml")
MAX_QUERY_LENGTH = 200  # long, made-up query strings are not worth a cache entry
HEADER = "X-Page-Cache"
KEY_PREFIX = "page-cache"


def cache_key(request) -> str:
    care = "care" if request.COOKIES.get(CARE_MODE_COOKIE) == "1" else "std"
    url = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"{KEY_PREFIX}:{care}:{digest}"


def _may_use_cache(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith("/admin/"):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


def _may_store(request, response) -> bool:
    match = getattr(request, "resolver_match", None)
    if request.method != "GET" or response.status_code != 200 or match is None:
        return False
    if match.url_name not in CACHEABLE_VIEWS or response.streaming or response.cookies:
        return False
    if not response.get("Content-Type", "").startswith(CACHEABLE_TYPES):
        return False
    cache_control = response.get("Cache-Control", "")
    if any(word in cache_control for word in ("private", "no-cache", "no-store")):
        return False
    user = getattr(request, "user", None)
    return not getattr(user, "is_authenticated", False)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not _may_use_cache(request):
            return self.get_response(request)

        key = cache_key(request)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or current_generation()
        entry = found.get(key)
        if entry is not None and entry[0] == generation:
            _, status, headers, content = entry
            response = HttpResponse(content, status=status)
            for name, value in headers:
                response.headers[name] = value
            response.headers[HEADER] = "hit"
            return response

        response = self.get_response(request)
        if _may_store(request, response):
            # Elder mode arrives in a cookie: shared caches downstream must keep variants apart.
            patch_vary_headers(response, ["Cookie"])
            if settings.WAGTAILFRONTENDCACHE:
                # A CDN in front may keep it as long as we do: publishing purges it there
                # too (materials.signals.purge_frontend_cache).
                patch_cache_control(response, public=True, s_maxage=seconds)
            # The generation read before rendering: if something was published meanwhile,
            # this copy is already outdated and will not be served.
            headers = [
                (name, value)
                for name, value in response.headers.items()
                if name.lower() not in ("set-cookie", HEADER.lower())
            ]
            cache.set(key, (generation, response.status_code, headers, response.content), seconds)
            response.headers[HEADER] = "miss"
        return response
