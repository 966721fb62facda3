"""The screen player (/player/<token>/): its page, manifest and plays report, and the
service worker that keeps it playing offline. No sign-in; the token grants these and
nothing else (campaigns.screens)."""

import logging

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.clients import over_limit

from . import screens
from .display import shortened

logger = logging.getLogger(__name__)

# The player shows media it has copied into the page (blob: URLs) and QR codes as data:.
PLAYER_CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "style-src 'self'",
        "script-src 'self'",
        "worker-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)


def _private(response):
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Content-Security-Policy"] = PLAYER_CSP
    return response


def _refused_json(token: str, screen) -> JsonResponse:
    reason = "unknown" if screen is None else "revoked"
    logger.info("Screen player %s refused: %s", shortened(token), reason)
    return _private(JsonResponse({"error": reason}, status=404 if screen is None else 410))


@never_cache
@require_GET
def player_page(request, token: str):
    """The player: one page that plays the screen's playlist in a loop."""
    screen = screens.find_screen(token)
    with translation.override(settings.LANGUAGE_CODE):
        if screen is None or screens.is_revoked(screen):
            reason = "unknown" if screen is None else "revoked"
            logger.info("Screen player %s refused: %s", shortened(token), reason)
            response = TemplateResponse(
                request,
                "campaigns/player_refused.html",
                {"reason": reason},
                status=404 if screen is None else 410,
            )
        else:
            screens.mark_seen(screen)
            response = TemplateResponse(
                request,
                "campaigns/player.html",
                {
                    "screen": screen,
                    "manifest_url": reverse("campaigns_player_manifest", args=[token]),
                    "sw_url": reverse("campaigns_player_sw"),
                    "key": screen.token_digest[:16],
                },
            )
        response.render()
    return _private(response)


@never_cache
@require_GET
def player_manifest(request, token: str):
    """What to play: the playlist's live items, their media and QR codes (JSON)."""
    screen = screens.find_screen(token)
    if screen is None or screens.is_revoked(screen):
        return _refused_json(token, screen)
    screens.mark_seen(screen)
    with translation.override(settings.LANGUAGE_CODE):
        manifest = screens.screen_manifest(screen)
    return _private(JsonResponse(manifest, json_dumps_params={"ensure_ascii": False}))


@csrf_exempt  # no cookies or session: the token in the address is the credential
@never_cache
@require_POST
def player_plays(request, token: str):
    """The player's batch of plays: stored once each, whatever the retries."""
    screen = screens.find_screen(token, for_report=True)
    if screen is None or screens.is_revoked(screen):
        return _refused_json(token, screen)
    if over_limit(
        request, f"screen-plays:{screen.pk}", limit=screens.REPORTS_PER_MINUTE, seconds=60
    ):
        response = JsonResponse({"error": "too many reports, try again in a minute"}, status=429)
        response["Retry-After"] = "60"
        return _private(response)
    try:
        plays = screens.parse_report(request.body)
    except screens.BadReport as error:
        return _private(JsonResponse({"error": str(error)}, status=400))
    try:
        result = screens.record_plays(screen=screen, plays=plays)
    except screens.ReportConflict:
        response = JsonResponse(
            {"error": "stored at the same moment by another report"}, status=409
        )
        response["Retry-After"] = "5"
        return _private(response)
    return _private(JsonResponse(result))


@require_GET
def player_service_worker(request):
    """The player's service worker, served under /player/ so that its scope covers every
    player page (a script under /static/ could only control /static/)."""
    body = render_to_string("campaigns/player_sw.js", {})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/player/"
    return _private(response)


__all__ = ["player_manifest", "player_page", "player_plays", "player_service_worker"]
