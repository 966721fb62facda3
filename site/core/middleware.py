from django.conf import settings
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

    And one choice: the admin speaks the site's language (Chinese) to anyone who has not
    picked another under Account → Preferences, whatever the browser asks for. The
    centre's staff often use phones and office PCs set up in English; Wagtail would follow
    the browser for a user with no preference.
    """

    def process_request(self, request):
        if request.path_info.startswith("/admin/"):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        super().process_request(request)

    def process_response(self, request, response):
        if response.status_code == 404 and getattr(request, "resolver_match", None):
            if not get_language_from_path(request.path_info):
                response.headers.setdefault("Content-Language", translation.get_language())
                return response
        return super().process_response(request, response)


# Public pages load only their own styles, images and media: no inline script or style.
PUBLIC_CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Content-Security-Policy for what the public sees, Permissions-Policy everywhere.

    Editors browsing the site while signed in get Wagtail's user bar, which brings its own
    inline code, and the admin is Wagtail's: the strict policy covers anonymous readers.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if not request.path.startswith("/admin/") and not getattr(user, "is_authenticated", False):
            response.headers.setdefault("Content-Security-Policy", PUBLIC_CSP)
        return response
