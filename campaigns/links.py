"""Tracked links: where a scan may lead (only to a live, public page of this site), and
counting the scan without storing who scanned.

Kept apart from the view (which is wrapped in `never_cache`) so that the guard is plain
functions: easy to read, and mutation-tested (scripts/mutation.sh links).
"""

import datetime
import hashlib
import hmac

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, Site

from core.clients import client_address, over_limit

from .models import LinkVisit, TrackedLink

# A script cannot inflate the figures: a visitor is a client address on one day (a new
# browser name is not a new visitor); one visitor adds at most this many scans to a link a
# day, and a client scanning faster than SCAN_RATE a minute is not counted at all (the
# redirect still works: a reader behind a busy address still reaches the page).
MAX_SCANS_PER_VISITOR_DAY = 10
SCAN_RATE = 30


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


def public_url(link: TrackedLink) -> str:
    """The address printed in the link's QR code: /r/<code>/ on the site's public root
    (the Wagtail Site serving the target page, else the default site; without any,
    WAGTAILADMIN_BASE_URL), whatever address the coordinator downloaded the code from."""
    site = link.target.get_site() or Site.objects.filter(is_default_site=True).first()
    root = site.root_url if site else settings.WAGTAILADMIN_BASE_URL
    return root.rstrip("/") + reverse("tracked_link", args=[link.code])


def target_url(target: Page, request) -> str:
    """The page's URL, relative when it is on the request's site; "/" for a page that no
    site serves. Never an address typed into the link: the target is a page, not a URL."""
    return target.get_url(request) or "/"


def visitor_fingerprint(request, day: datetime.date) -> str:
    """A daily-rotating, salted hash of the client's address (behind PROXY_COUNT proxies,
    the forwarded one): counts unique visitors per day without storing anything that
    identifies a person, even across days. The browser's name is left out: a script
    could change it with every request."""
    daily_salt = hmac.new(
        settings.SECRET_KEY.encode(), f"tracked-links:{day.isoformat()}".encode(), hashlib.sha256
    ).digest()
    return hmac.new(daily_salt, client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


def record_scan(*, link: TrackedLink, request) -> None:
    """One statement: add a scan to today's row for this visitor, creating it if new, up
    to MAX_SCANS_PER_VISITOR_DAY; nothing for a client over the rate limit."""
    if over_limit(request, "scans", limit=SCAN_RATE, seconds=60):
        return
    day = timezone.localdate()
    table = LinkVisit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (link_id, day, visitor, scans) VALUES (%s, %s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (link_id, day, visitor) DO UPDATE SET scans = {table}.scans + 1 "
            f"WHERE {table}.scans < %s",
            [link.pk, day, visitor_fingerprint(request, day), MAX_SCANS_PER_VISITOR_DAY],
        )
