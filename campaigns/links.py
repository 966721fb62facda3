"""Where a scanned tracked link may lead: only to a live, public page of this site.

Kept apart from the view (which is wrapped in `never_cache`) so that the guard is plain
functions: easy to read, and mutation-tested (scripts/mutation.sh links).
"""

from wagtail.models import Page

from .models import TrackedLink


def open_link(code: str) -> tuple[TrackedLink, Page] | None:
    """The active link with this code and the page it leads to, or None when the link is
    unknown or switched off, or its page is unpublished or under a view restriction (on
    itself or an ancestor): then the reader sees a friendly page and no scan is counted."""
    link = TrackedLink.objects.filter(code=code, is_active=True).select_related("target").first()
    if link is None:
        return None
    target = link.target
    if not target.live or target.get_view_restrictions().exists():
        return None
    return link, target


def target_url(target: Page, request) -> str:
    """The page's URL, relative when it is on the request's site; "/" for a page that no
    site serves. Never an address typed into the link: the target is a page, not a URL."""
    return target.get_url(request) or "/"
