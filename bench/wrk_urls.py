"""URLs for bench/wrk.py: the site's own, plus a bare view as the stack's ceiling.

The bare view returns a constant 20 KB HTML page from a plain function: no template, no
database, no cache. It goes through the same middleware as every page, so its throughput
is what gunicorn + Django can do at best on the machine.
"""

from contextlib import ExitStack

from django.db import connections
from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

BARE_SIZE = 20 * 1024


def _bare_page() -> bytes:
    head = (
        b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        b"<title>bare</title></head><body>\n"
    )
    tail = b"</body></html>\n"
    line = b"<p>" + b"x" * 75 + b"</p>\n"  # 83 bytes a line
    body = line * ((BARE_SIZE - len(head) - len(tail)) // len(line))
    padding = b" " * (BARE_SIZE - len(head) - len(body) - len(tail))
    return head + body + padding + tail


BARE_PAGE = _bare_page()


def bare(request):
    return HttpResponse(BARE_PAGE, content_type="text/html; charset=utf-8")


class QueryCountMiddleware:
    """With an X-Bench-Queries request header, answer with the number of SQL queries run.

    Outermost, so a page-cache hit is counted too; without the header it costs one lookup.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "HTTP_X_BENCH_QUERIES" not in request.META:
            return self.get_response(request)
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(counter))
            response = self.get_response(request)
        response.headers["X-Bench-Queries"] = str(count)
        return response


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
