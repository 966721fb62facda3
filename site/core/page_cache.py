"""Whole-page cache for anonymous readers of the public site.

A cached copy is kept per host, URL (the language is in the path) and elder-mode setting,
for settings.PAGE_CACHE_SECONDS. Every cached copy records the cache epoch it was
rendered in (core.cache_epoch: publishing, unpublishing, moving or deleting a
page, editing a snippet, an image or the site settings bumps it once the change commits),
and a copy from an older epoch is never served, so one publish retires every page
at once.

A hit costs one cache round trip (the epoch and the page are fetched together) and
no database query: this middleware sits before sessions, authentication and Wagtail. On
every other request it pins the epoch it read for the rest of the request, so the
fragments cached under it need no further round trip for it.

Only URLs whose query parameters are all in CACHEABLE_PARAMETERS are looked up or stored.
Only what is the same for every anonymous reader is stored: GET 200 responses of the
views listed in CACHEABLE_VIEWS that set no cookie and do not forbid caching (Wagtail
marks pages with view restrictions no-cache). Requests carrying a session (signed-in
editors, who see the user bar) or pending messages always go to the views.
"""

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.http.request import split_domain_port
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.models import Site

from .cache_epoch import (
    EPOCH_KEY,
    cached,
    current_epoch,
    forget,
    not_older_than_the_database,
    remember_for_request,
)
from .context_processors import CARE_MODE_COOKIE

CACHEABLE_VIEWS = {"wagtail_serve", "search", "sitemap", "robots_txt"}
CACHEABLE_TYPES = ("text/html", "application/xml", "application/rss+xml", "application/atom+xml")
MAX_QUERY_LENGTH = 200  # long, made-up query strings are not worth a cache entry
# The query parameters the cached views read: search (q, type, audience), the library's
# filters (type, scam_type, audience), paginate() (page) and the feedback thank-you note.
# A URL with any other (?x=random, tracking tags) is served uncached, so made-up query
# strings cannot fill the cache.
CACHEABLE_PARAMETERS = frozenset({"page", "q", "type", "audience", "scam_type", "feedback"})
HEADER = "X-Page-Cache"
KEY_PREFIX = "page-cache"


def cache_key(request) -> str:
    care = "care" if request.COOKIES.get(CARE_MODE_COOKIE) == "1" else "std"
    url = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    return f"{KEY_PREFIX}:{care}:{digest}"


def _renders_site_content(request) -> bool:
    """Whether the URL goes to one of CACHEABLE_VIEWS (other requests pass straight by)."""
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    return _path_renders_site_content(request.path_info, urlconf)


@functools.lru_cache(maxsize=4096)  # the URLconf does not change while the process runs
def _path_renders_site_content(path: str, urlconf) -> bool:
    # LocaleMiddleware has not run yet; language-prefixed routes resolve only under
    # their own language.
    language = translation.get_language_from_path(path)
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            return resolve(path, urlconf).url_name in CACHEABLE_VIEWS
    except Resolver404:
        return False


def _may_use_cache(request) -> bool:
    if request.method not in ("GET", "HEAD") or request.path.startswith("/admin/"):
        return False
    if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_LENGTH:
        return False
    if not CACHEABLE_PARAMETERS.issuperset(request.GET):
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


def _remember_site(request) -> None:
    """Give Wagtail the request's Site, with its root page, from the epoch's cache:
    Site.find_for_request() then skips its two queries. Sites and root pages changing
    bump the epoch (core.signals)."""
    hostname = split_domain_port(request._get_raw_host())[0]

    def find():
        site = Site.find_for_request(request)
        if site is None:
            return ()
        site.root_page  # noqa: B018  (loaded now, so it is cached with the site)
        return site

    site = cached(f"core:site:{hostname}:{request.get_port()}", find)
    request._wagtail_site = site or None


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _renders_site_content(request):
            return self.get_response(request)
        seconds = settings.PAGE_CACHE_SECONDS
        use_cache = bool(seconds) and _may_use_cache(request)
        # One round trip for the cache epoch and, when the page may be cached,
        # the page itself; the whole request then renders against that epoch.
        if use_cache:
            key = cache_key(request)
            found = cache.get_many([EPOCH_KEY, key])
        else:
            found = {EPOCH_KEY: cache.get(EPOCH_KEY)}
        epoch = found.get(EPOCH_KEY)
        epoch = current_epoch() if epoch is None else not_older_than_the_database(epoch)
        token = remember_for_request(epoch)
        try:
            entry = found.get(key) if use_cache else None
            if entry is not None and entry[0] == epoch:
                _, status, headers, content = entry
                response = HttpResponse(content, status=status)
                for name, value in headers:
                    response.headers[name] = value
                response.headers[HEADER] = "hit"
                return response

            _remember_site(request)
            response = self.get_response(request)
            if use_cache and _may_store(request, response):
                self._store(key, epoch, response, seconds)
            return response
        finally:
            forget(token)

    @staticmethod
    def _store(key, epoch, response, seconds) -> None:
        # Elder mode arrives in a cookie: shared caches downstream must keep variants apart.
        patch_vary_headers(response, ["Cookie"])
        if settings.WAGTAILFRONTENDCACHE:
            # A CDN in front may keep it as long as we do: publishing purges it there too
            # (core.signals.purge_frontend_cache).
            patch_cache_control(response, public=True, s_maxage=seconds)
        # The epoch read before rendering: if something was published meanwhile,
        # this copy is already outdated and will not be served.
        headers = [
            (name, value)
            for name, value in response.headers.items()
            if name.lower() not in ("set-cookie", HEADER.lower())
        ]
        cache.set(key, (epoch, response.status_code, headers, response.content), seconds)
        response.headers[HEADER] = "miss"
