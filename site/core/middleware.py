from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import get_language_from_path


class PublicGZipMiddleware(GZipMiddleware):
    """Compress public pages, never the admin.

    Compression plus a secret (CSRF token, session data) in a response that also reflects
    user input is the BREACH attack; public pages carry no secret, the admin does.
    """

    def process_response(self, request, response):
        if request.path.startswith("/admin/"):
            return response
        return super().process_response(request, response)


class SiteLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus one surprise.

    On a 404 for a path without a language prefix, Django redirects to the same path
    under /zh-hans/ when that resolves, which Wagtail's catch-all route always does. That
    is right for unknown addresses (/xx/ ends on the Chinese 404 page) but wrong for
    routes that exist outside the language prefix (/admin/…, /r/…, /feedback/…): their
    404 must stay a 404.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and getattr(request, "resolver_match", None):
            if not get_language_from_path(request.path_info):
                response.headers.setdefault("Content-Language", translation.get_language())
                return response
        return super().process_response(request, response)
