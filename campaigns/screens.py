"""Screens in bank lobbies and markets: the player link, what the player plays, and
counting what it showed.

A team registers a screen at one of its venues and chooses a playlist (materials); the
screen's player link (/player/<token>/) carries a 256-bit token, looked up by its SHA-256
digest and compared in constant time like the big screen's links (campaigns.display).
The link grants three things and nothing else: the player page, its manifest, and
reporting plays. Revoked, all three are refused (410).

The player reports in batches; each play has an id the player made, so a report sent
twice (a retry after a lost answer) stores nothing twice (``ScreenPlayReceipt``). Plays
are summed per screen, playlist item and Beijing day in ``ScreenPlays`` with one upsert
per row, and read by the dashboard beside events: never added to attendance.
"""

import datetime
import json
import re
from collections import defaultdict
from dataclasses import dataclass

import segno
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Func, IntegerField, QuerySet, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Site

from materials.models import PlaylistItem
from materials.playlists import playlist_manifest

from . import permissions
from .models import (
    LinkVisit,
    Screen,
    ScreenPlayReceipt,
    ScreenPlays,
    TrackedLink,
)
from .reach import ReachFilters

# A screen not heard from (manifest or report) for this long shows as offline.
OFFLINE_AFTER = datetime.timedelta(minutes=getattr(settings, "SCREEN_OFFLINE_MINUTES", 15))
# Writes of last_seen_at at most this often per screen, however often it calls.
REPORT_EVERY_SECONDS = 60
MANIFEST_EVERY_SECONDS = 300
# Reports a player may send a minute (it sends one; retries and reloads need a few more).
REPORTS_PER_MINUTE = 12
MAX_PLAYS_PER_REPORT = 500
MAX_REPORT_BYTES = 200_000
MAX_PLAY_SECONDS = 3600
# Plays older than this (a player offline for more than a week) are no longer taken.
PLAY_MAX_AGE = datetime.timedelta(days=7)
CLOCK_SKEW = datetime.timedelta(minutes=10)
PLAY_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


# --- Who manages screens -----------------------------------------------------------------
def visible_screens(user) -> QuerySet:
    """Screens of the user's teams (coordinators and leads), every screen for managers;
    nothing for anyone else. The same set may be edited and revoked."""
    if permissions.is_manager(user):
        return Screen.objects.all()
    if not permissions.has_campaign_role(user):
        return Screen.objects.none()
    return Screen.objects.filter(team__in=permissions.visible_teams(user).values("pk"))


# --- The token -----------------------------------------------------------------------------
# What a report needs of its screen: a narrow row, read every minute by every player.
REPORT_FIELDS = ("pk", "token", "playlist_id", "created_at", "revoked_at", "last_seen_at")


def find_screen(token: str, *, for_report: bool = False) -> Screen | None:
    """The screen with this player token (revoked or not), or None. ``for_report``
    reads only what counting plays needs."""
    screens = Screen.objects.all()
    if for_report:
        screens = screens.only(*REPORT_FIELDS)
    else:
        screens = screens.select_related("playlist", "venue", "campaign")
    return Screen.find_by_token(token, screens)


def is_revoked(screen: Screen) -> bool:
    return screen.revoked_at is not None


def revoke(*, screen: Screen, user) -> bool:
    """Revoke the player link: its next manifest fetch or report is refused, and the
    player stops. False when it was already revoked."""
    return screen.revoke(user)


def mark_seen(screen: Screen, now: datetime.datetime | None = None) -> None:
    """Remember that the screen called (one write a minute at most)."""
    screen.mark_seen(now)


def is_offline(screen: Screen, now: datetime.datetime | None = None) -> bool:
    """Not heard from for OFFLINE_AFTER (or never): shown as offline on the list."""
    if screen.last_seen_at is None:
        return True
    return (now or timezone.now()) - screen.last_seen_at > OFFLINE_AFTER


# --- What the player plays ------------------------------------------------------------------
def _public_root() -> str:
    site = Site.objects.filter(is_default_site=True).first()
    return (site.root_url if site else settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def qr_links(screen: Screen, page_ids: set[int]) -> dict[int, TrackedLink]:
    """The screen's tracked link for each page it shows, made the first time it shows
    it (under the screen's campaign), so scans of what screens show are counted."""
    found = {
        link.target_id: link
        for link in TrackedLink.objects.filter(screen=screen, target_id__in=page_ids)
    }
    for page_id in sorted(page_ids - found.keys()):
        try:
            with transaction.atomic():
                found[page_id] = TrackedLink.objects.create(
                    screen=screen,
                    campaign=screen.campaign,
                    target_id=page_id,
                    label=f"屏幕：{screen.name}"[:120],
                )
        except IntegrityError:  # another request of the same screen made it first
            found[page_id] = TrackedLink.objects.get(screen=screen, target_id=page_id)
    return found


def qr_image(url: str) -> str:
    """The QR code as an SVG data URI: kept inside the manifest, so it shows offline."""
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=8, border=2)


def screen_manifest(screen: Screen) -> dict:
    """The playlist's manifest for this screen: each item's QR code is the screen's own
    tracked link to it, and the player is told where and how often to report."""
    manifest = playlist_manifest(screen.playlist)
    links = qr_links(screen, {item["page_id"] for item in manifest["items"] if item["page_id"]})
    root = _public_root()
    for item in manifest["items"]:
        link = links.get(item["page_id"])
        if link is not None:
            url = root + reverse("tracked_link", args=[link.code])
            item["qr"] = {"url": url, "image": qr_image(url)}
        else:
            item["qr"] = None
    manifest["screen"] = {"name": screen.name, "venue": screen.venue.name}
    manifest["report_url"] = reverse("campaigns_player_plays", args=[screen.token])
    manifest["report_every_seconds"] = REPORT_EVERY_SECONDS
    manifest["refresh_seconds"] = MANIFEST_EVERY_SECONDS
    return manifest


# --- Counting plays -------------------------------------------------------------------------
class BadReport(ValueError):
    """A report that is not what the player sends; the message says why (400)."""


@dataclass(frozen=True)
class Play:
    id: str
    item: int
    at: datetime.datetime
    seconds: int


def parse_report(body: bytes) -> list[Play]:
    """The plays of a report ({"plays": [{"id", "item", "at", "seconds"}, …]}), or
    BadReport naming the first thing wrong."""
    if len(body) > MAX_REPORT_BYTES:
        raise BadReport(f"report larger than {MAX_REPORT_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise BadReport(f"not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("plays"), list):
        raise BadReport('expected an object with a list "plays"')
    plays = data["plays"]
    if len(plays) > MAX_PLAYS_PER_REPORT:
        raise BadReport(f"more than {MAX_PLAYS_PER_REPORT} plays in one report")
    return [_parse_play(index, play) for index, play in enumerate(plays)]


def _parse_play(index: int, play) -> Play:
    where = f"plays[{index}]"
    if not isinstance(play, dict):
        raise BadReport(f"{where}: expected an object")
    play_id, item, at, seconds = (play.get(key) for key in ("id", "item", "at", "seconds"))
    if not isinstance(play_id, str) or not PLAY_ID.fullmatch(play_id):
        raise BadReport(f"{where}.id: 8–64 letters, digits, - or _")
    if isinstance(item, bool) or not isinstance(item, int) or not 0 < item < 2**62:
        raise BadReport(f"{where}.item: a playlist item's id")
    try:
        moment = parse_datetime(at) if isinstance(at, str) and len(at) <= 40 else None
    except ValueError:  # well formed, but no such day or hour (2026-13-45)
        moment = None
    if moment is None or timezone.is_naive(moment):
        raise BadReport(f"{where}.at: an ISO 8601 time with its offset")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise BadReport(f"{where}.seconds: a number")
    if not 0 < seconds <= MAX_PLAY_SECONDS:
        raise BadReport(f"{where}.seconds: between 0 and {MAX_PLAY_SECONDS}")
    return Play(id=play_id, item=item, at=moment, seconds=round(seconds))


class ReportConflict(Exception):
    """Another request stored some of these plays at the same moment: retry."""


def record_plays(*, screen: Screen, plays: list[Play], now=None) -> dict:
    """Store the plays not stored before, summed into ScreenPlays; returns how many
    were stored, already known, or skipped (not of this playlist, too old, in the future:
    a retry could never store them, so the player drops them)."""
    now = now or timezone.now()
    items = {
        item["pk"]: item
        for item in PlaylistItem.objects.filter(
            playlist_id=screen.playlist_id, pk__in={play.item for play in plays}
        ).values("pk", "page_id", "title", "page__title")
    }
    oldest = max(now - PLAY_MAX_AGE, screen.created_at - CLOCK_SKEW)
    wanted, skipped, ids = [], 0, set()
    for play in plays:
        if play.id in ids:
            continue  # the same play twice in one report
        ids.add(play.id)
        if play.item not in items or not oldest <= play.at <= now + CLOCK_SKEW:
            skipped += 1
            continue
        wanted.append(play)
    if not wanted:  # a heartbeat, or nothing storable: no transaction
        mark_seen(screen, now)
        return {"stored": 0, "known": 0, "skipped": skipped}
    try:
        with transaction.atomic():
            known = set(
                ScreenPlayReceipt.objects.filter(
                    screen=screen, play_id__in=[play.id for play in wanted]
                ).values_list("play_id", flat=True)
            )
            fresh = [play for play in wanted if play.id not in known]
            ScreenPlayReceipt.objects.bulk_create(
                [ScreenPlayReceipt(screen=screen, play_id=play.id) for play in fresh]
            )
            _add_to_rollup(screen, fresh, items)
    except IntegrityError:
        raise ReportConflict from None
    mark_seen(screen, now)
    return {"stored": len(fresh), "known": len(known), "skipped": skipped}


def _add_to_rollup(screen: Screen, plays: list[Play], items: dict) -> None:
    zone = timezone.get_default_timezone()
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for play in plays:
        key = (timezone.localtime(play.at, zone).date(), play.item)
        sums[key][0] += 1
        sums[key][1] += play.seconds
    table = ScreenPlays._meta.db_table
    with connection.cursor() as cursor:
        for (day, item_id), (count, seconds) in sorted(sums.items()):
            item = items[item_id]
            label = (item["page__title"] if item["page_id"] else item["title"])[:255]
            cursor.execute(
                f"INSERT INTO {table} (screen_id, day, item_id, page_id, label, plays, seconds) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT (screen_id, day, item_id) DO UPDATE SET "
                f"plays = {table}.plays + EXCLUDED.plays, "
                f"seconds = {table}.seconds + EXCLUDED.seconds",
                [screen.pk, day, item_id, item["page_id"], label, count, seconds],
            )


def prune_receipts(now=None) -> int:
    """Forget receipts older than a plays' maximum age (plays that old are refused)."""
    cutoff = (now or timezone.now()) - PLAY_MAX_AGE - datetime.timedelta(days=1)
    deleted, _ = ScreenPlayReceipt.objects.filter(received_at__lt=cutoff).delete()
    return deleted


# --- The dashboard's figures ---------------------------------------------------------------
# Each breakdown: its key in the figures and the fields naming a row (the first names it
# in the table; rows sort by screen time, then by it).
BREAKDOWN_FIELDS = {
    "by_venue_type": ("screen__venue__venue_type",),
    "by_district": ("screen__venue__district__name",),
    "by_campaign": ("screen__campaign__name",),
    "by_venue": ("screen__venue__name", "screen__venue__venue_type"),
}
BREAKDOWNS = tuple(BREAKDOWN_FIELDS)
MATERIALS_SHOWN = 10


class _SumOf(Func):
    """SUM() over a whole subquery: a plain function to the ORM (not an Aggregate), so
    the subquery gets no GROUP BY and returns one row, and, referring to nothing outside
    it, adds nothing to the outer query's GROUP BY."""

    function = "SUM"
    output_field = IntegerField()


def _figures(screens: set, plays: int, seconds: int) -> dict:
    return {
        "screens": len(screens),
        "plays": plays,
        "seconds": seconds,
        "minutes": round(seconds / 60, 1),
        "hours": round(seconds / 3600, 1),
    }


def _sort_key(value) -> tuple:
    return (value is None, "" if value is None else str(value))


def screen_reach(*, user, filters: ReachFilters) -> dict:
    """Screens and what they showed, for the dashboard: totals, screen-hours by venue
    type, district and campaign, plays per material, and QR scans of what they showed.
    Their own figures: never added to in-person attendance.

    One query, however many screens reported: ScreenPlays grouped by screen (with its
    venue, district and campaign) and material, the QR scans as a subquery on each row;
    the breakdowns are summed here over that result (a row per screen and material)."""
    visible = visible_screens(user).values("pk")
    rows = filters.apply(
        ScreenPlays.objects.filter(screen__in=visible),
        campaign="screen__campaign",
        team="screen__team",
    )
    visits = filters.apply(
        LinkVisit.objects.filter(link__screen__in=visible),
        campaign="link__campaign",
        team="link__screen__team",
    )
    names = sorted({field for fields in BREAKDOWN_FIELDS.values() for field in fields})
    grouped = (
        rows.values("screen", "label", *names)
        .annotate(
            plays_sum=Sum("plays"),
            seconds_sum=Sum("seconds"),
            qr_scans=Subquery(
                visits.order_by().annotate(total=_SumOf("scans")).values("total")[:1]
            ),
        )
        .order_by()
    )
    totals = [set(), 0, 0]
    sums = {key: defaultdict(lambda: [set(), 0, 0]) for key in BREAKDOWNS}
    materials: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    scans = 0
    for row in grouped:
        plays, seconds = row["plays_sum"] or 0, row["seconds_sum"] or 0
        scans = row["qr_scans"] or 0
        for figures in (
            totals,
            *(sums[key][tuple(row[f] for f in fields)] for key, fields in BREAKDOWN_FIELDS.items()),
        ):
            figures[0].add(row["screen"])
            figures[1] += plays
            figures[2] += seconds
        materials[row["label"]][0] += plays
        materials[row["label"]][1] += seconds
    if not totals[1]:  # no screen has reported
        return {
            "totals": {**_figures(set(), 0, 0), "qr_scans": 0},
            **{key: [] for key in BREAKDOWNS},
            "by_material": [],
        }
    breakdowns = {}
    for key, fields in BREAKDOWN_FIELDS.items():
        found = [
            {**dict(zip(fields, values, strict=True)), **_figures(*figures)}
            for values, figures in sums[key].items()
        ]
        breakdowns[key] = sorted(
            found, key=lambda row, f=fields[0]: (-row["seconds"], _sort_key(row[f]))
        )
    by_material = sorted(
        (
            {"label": label, "plays": plays, "seconds": seconds, "minutes": round(seconds / 60, 1)}
            for label, (plays, seconds) in materials.items()
        ),
        key=lambda row: (-row["plays"], row["label"]),
    )[:MATERIALS_SHOWN]
    return {
        "totals": {**_figures(*totals), "qr_scans": scans},
        **breakdowns,
        "by_material": by_material,
    }


def screens_for_list(user) -> QuerySet:
    """The team's screens list: with their playlist, venue and team in one query."""
    return visible_screens(user).select_related("team", "venue", "playlist", "campaign")


__all__ = [
    "BadReport",
    "ReportConflict",
    "find_screen",
    "parse_report",
    "record_plays",
    "revoke",
    "screen_manifest",
    "screen_reach",
    "visible_screens",
]
