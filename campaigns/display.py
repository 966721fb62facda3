"""The big screen: what it shows, and the read-only links that put it on a wall display.

A display link (/screen/<token>/) carries a 256-bit random token. It is looked up by the
token's SHA-256 digest and then compared with ``hmac.compare_digest``, so neither the
lookup nor the comparison takes longer for a better guess. It shows the figures its
creator sees (a manager: every team), one campaign or all; it is refused once revoked
or once its creator is no longer an active campaign manager. Tokens are never written to
the logs in full: our own messages carry the first characters, and ``RedactTokens``
(settings.LOGGING) shortens them in Django's request and server log lines.
"""

import datetime
import logging
import re
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.translation import ngettext

from . import permissions, selectors
from .charts import bar_rows, column_rows
from .models import DisplayLink, EventFormat, EventStatus, VenueType
from .reach import ReachFilters

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60
# Writes of last_seen_at at most this often per link, however often the screen polls.
_TOKEN_IN_PATH = re.compile(r"(/(?:screen|player)/[A-Za-z0-9_-]{4})[^/\s\"?]*")


def shortened(token: str) -> str:
    """What the logs may say of a token: its first four characters."""
    return f"{token[:4]}…"


def find_link(token: str) -> DisplayLink | None:
    """The link with this token (revoked or not), or None."""
    return DisplayLink.find_by_token(
        token, DisplayLink.objects.select_related("campaign", "created_by")
    )


def refusal(link: DisplayLink) -> str | None:
    """Why the link no longer shows anything ("revoked", "creator"), or None."""
    if link.revoked_at is not None:
        return "revoked"
    creator = link.created_by
    if creator is None or not permissions.is_manager(creator):
        return "creator"
    return None


def is_active(link: DisplayLink) -> bool:
    return refusal(link) is None


def mark_seen(link: DisplayLink) -> None:
    """Remember when a display last showed the link (one write a minute at most)."""
    link.mark_seen()


def revoke(*, link: DisplayLink, user) -> bool:
    """Revoke the link (at once: the display's next refresh is refused). False when it
    was already revoked (the first revocation is kept)."""
    changed = link.revoke(user)
    if changed:
        logger.info("Big screen link %s (%s) revoked by %s", link.pk, shortened(link.token), user)
    return changed


def log_refused(token: str, reason: str) -> None:
    logger.info("Big screen link %s refused: %s", shortened(token), reason)


class RedactTokens(logging.Filter):
    """Shortens /screen/<token>/ and /player/<token>/ in log records (Django's "Not
    Found: /screen/…" and the development server's request lines), so no full token
    reaches the logs."""

    def filter(self, record):
        message = record.getMessage()
        if "/screen/" in message or "/player/" in message:
            record.msg = _TOKEN_IN_PATH.sub(r"\1…", message)
            record.args = ()
        return True


# --- What the screen shows ---------------------------------------------------------------
def screen_money(amount) -> tuple[str, str]:
    """Money for the wall, as Chinese readers write it: (number, unit), e.g.
    ("3,800", "元") below 10,000 yuan, ("125.96", "万元") above, with separators."""
    value = Decimal(amount or 0)
    if abs(value) >= 10000:
        wan = (value / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = f"{wan:,.2f}".rstrip("0").rstrip(".")
        return text, "万元"
    return f"{value.quantize(Decimal('1'), rounding=ROUND_HALF_UP):,}", "元"


SHOWN_TOTALS = ("events", "attendance", "warnings", "qr_scans")
SHOWN_AS = {"attendance": "in_person_attendance"}  # the figure each headline reads


def grouped(number) -> str:
    """12,345: thousands separated, as the issue asks for Chinese readers too (Django's
    zh-hans number format has no separator)."""
    return f"{int(number or 0):,}"


def figure_size(text: str) -> str:
    """The CSS size class that keeps a headline figure of this length inside its box
    (big_screen.css: sizes in container units): 69,616 fits as it is, 12,345,678 smaller."""
    if len(text) <= 6:
        return ""
    if len(text) <= 8:
        return "long"
    if len(text) <= 10:
        return "longer"
    return "longest"


def _shown(rows: list[dict]) -> list[dict]:
    return [{**row, "shown": grouped(row["value"])} for row in rows]


def beijing_now() -> datetime.datetime:
    """Now on the site's clock (Asia/Shanghai), whatever time zone the viewer's admin uses."""
    return timezone.localtime(timezone.now(), timezone.get_default_timezone())


def updated_label(moment: datetime.datetime) -> str:
    """2026年12月1日 10:45 (in English: 2026-12-01 10:45), on the clock it was given."""
    if translation.get_language() == "en":
        return moment.strftime("%Y-%m-%d %H:%M")
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def latest_events(*, user, filters: ReachFilters, limit: int = 6):
    """The latest approved events the user sees, of the filtered campaign or team."""
    events = filters.apply(
        permissions.visible_events(user).filter(status=EventStatus.APPROVED),
        day="starts_at__date",
    )
    return events.select_related("venue", "team").order_by("-starts_at")[:limit]


def screen_context(*, user, filters: ReachFilters) -> dict:
    """The big screen's figures for what ``user`` may see, narrowed by ``filters``."""
    report = selectors.reach_report(user=user, filters=filters)
    updated = beijing_now()
    number, unit = screen_money(report["totals"]["money_protected_yuan"])
    totals = report["totals"]
    # 现场覆盖人数 is the people in the room: live-stream viewers are split off, as on the
    # dashboard (reach.split_attendance).
    shown = {name: totals[SHOWN_AS.get(name, name)] for name in SHOWN_TOTALS}
    return {
        "figures": {name: grouped(value) for name, value in shown.items()},
        "sizes": {name: figure_size(grouped(value)) for name, value in shown.items()},
        "money": {"number": number, "unit": unit, "size": figure_size(number + "万")},
        "campaign": filters.campaign,
        "months": _shown(column_rows(report["by_month"], "attendance")[-12:]),
        "venues": _shown(
            bar_rows(report["by_venue_type"], "attendance", dict(VenueType.choices))[:6]
        ),
        "formats": _shown(
            bar_rows(report["by_format"], "attendance", dict(EventFormat.choices))[:6]
        ),
        "latest": [
            {
                "event": event,
                "people": ngettext("%(n)s person", "%(n)s people", event.attendance)
                % {"n": grouped(event.attendance)},
            }
            for event in latest_events(user=user, filters=filters)
        ],
        "updated_at": updated,
        "updated_label": updated_label(updated),
        "refresh_seconds": REFRESH_SECONDS,
    }


def manageable_links(user):
    """Display links a user may see, rename and revoke: campaign managers only."""
    if permissions.is_manager(user):
        return DisplayLink.objects.all()
    return DisplayLink.objects.none()
