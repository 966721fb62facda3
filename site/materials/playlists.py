"""What a screen playlist plays, as the player reads it: the manifest.

Only live pages that anyone may read are shown (a page unpublished or put behind a view
restriction drops out at the player's next fetch, and a page an editor adds today is in
it today). Posters are shown as a rendition that fits a 1920-pixel screen either way
round; videos by their file and caption tracks; alerts and slides as text with the
site's hotline. The manifest names no screen: the tracker (campaigns.screens) adds the QR
target of each item and where to report plays.
"""

import datetime
import hashlib
import json

from django.db.models import Prefetch
from django.utils import timezone
from wagtail.models import Page, Site

from core.models import SiteSettings
from core.pages import exclude_private

from .models import (
    DEFAULT_ITEM_SECONDS,
    AlertPage,
    Playlist,
    PlaylistItem,
    PosterPage,
    VideoCaption,
    VideoPage,
)

POSTER_ON_SCREEN = "max-1920x1920"


def site_hotline(site: Site | None = None) -> str:
    site = site or Site.objects.filter(is_default_site=True).first()
    return SiteSettings.for_site(site).hotline if site else ""


def is_on_air(playlist: Playlist, moment: datetime.datetime | None = None) -> bool:
    """Inside the playlist's period and hours of the day, on the site's clock."""
    local = timezone.localtime(moment or timezone.now(), timezone.get_default_timezone())
    if playlist.start_date and local.date() < playlist.start_date:
        return False
    if playlist.end_date and local.date() > playlist.end_date:
        return False
    return playlist.start_hour <= local.hour < playlist.end_hour


def shown_items(playlist: Playlist) -> list[PlaylistItem]:
    """The items a screen shows now, in order: slides, and live public pages."""
    public = exclude_private(Page.objects.live()).values("pk")
    items = playlist.items.filter(page__isnull=True) | playlist.items.filter(page__in=public)
    return list(items.order_by("sort_order", "pk"))


def _specific_pages(items: list[PlaylistItem]) -> dict[int, Page]:
    """The items' pages as their own types, a query per type (a handful of items)."""
    ids = [item.page_id for item in items if item.page_id]
    pages: dict[int, Page] = {}
    if not ids:
        return pages
    videos = VideoPage.objects.filter(pk__in=ids).select_related("video_file", "listing_image")
    videos = videos.prefetch_related(
        Prefetch("captions", queryset=VideoCaption.objects.select_related("file"))
    )
    posters = PosterPage.objects.filter(pk__in=ids).select_related("image")
    for queryset in (videos, posters, AlertPage.objects.filter(pk__in=ids)):
        pages.update({page.pk: page for page in queryset})
    return pages


def _item_entry(item: PlaylistItem, page: Page | None, hotline: str) -> dict | None:
    entry = {
        "id": item.pk,
        "page_id": item.page_id,
        "title": item.title,
        "advice": item.advice,
        "hotline": hotline,
        "seconds": item.duration_seconds or DEFAULT_ITEM_SECONDS,
    }
    if page is None:
        return {**entry, "kind": "slide"}
    entry["title"] = page.title
    if isinstance(page, VideoPage):
        if not page.video_file:
            return None  # only on a video platform: nothing a lobby screen can play
        frame = page.listing_image.get_rendition("fill-1280x720") if page.listing_image else None
        return {
            **entry,
            "kind": "video",
            "seconds": item.duration_seconds or page.duration_seconds or DEFAULT_ITEM_SECONDS,
            "video": page.video_file.url,
            "mime": page.video_mime_type,
            "frame": frame.url if frame else "",
            "captions": [
                {
                    "src": track.file.url,
                    "srclang": "zh-Hans" if track.language == "zh-hans" else track.language,
                    "label": track.label,
                }
                for track in page.captions.all()
            ],
        }
    if isinstance(page, PosterPage):
        rendition = page.image.get_rendition(POSTER_ON_SCREEN)
        return {
            **entry,
            "kind": "poster",
            "image": rendition.url,
            "width": rendition.width,
            "height": rendition.height,
            "alt": page.image_alt,
        }
    if isinstance(page, AlertPage):
        return {**entry, "kind": "alert", "advice": page.summary}
    return None


def playlist_manifest(playlist: Playlist) -> dict:
    """The playlist as the player reads it. ``version`` changes whenever anything shown
    changes, so a player knows to fetch the new media."""
    items = shown_items(playlist)
    pages = _specific_pages(items)
    hotline = site_hotline()
    entries = []
    for item in items:
        page = pages.get(item.page_id) if item.page_id else None
        if item.page_id and page is None:
            continue  # a page type a playlist does not show
        entry = _item_entry(item, page, hotline)
        if entry is not None:
            entries.append(entry)
    manifest = {
        "playlist": {"id": playlist.pk, "name": playlist.name},
        "schedule": {
            "start_date": playlist.start_date.isoformat() if playlist.start_date else None,
            "end_date": playlist.end_date.isoformat() if playlist.end_date else None,
            "start_hour": playlist.start_hour,
            "end_hour": playlist.end_hour,
            "utc_offset_minutes": _site_utc_offset_minutes(),
        },
        "on_air": is_on_air(playlist),
        "hotline": hotline,
        "items": entries,
    }
    manifest["version"] = hashlib.sha256(
        json.dumps(manifest, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    return manifest


def _site_utc_offset_minutes() -> int:
    """The site clock's offset from UTC now (Asia/Shanghai: 480), so a player whose
    device clock is set to another zone still keeps the playlist's hours."""
    offset = timezone.localtime(timezone.now(), timezone.get_default_timezone()).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0
