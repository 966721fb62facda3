from django.middleware.gzip import GZipMiddleware


class PublicGZipMiddleware(GZipMiddleware):
    """Compress public pages, never the admin.

    Compression plus a secret (CSRF token, session data) in a response that also reflects
    user input is the BREACH attack; public pages carry no secret, the admin does.
    """

    def process_response(self, request, response):
        if request.path.startswith("/admin/"):
            return response
        return super().process_response(request, response)
