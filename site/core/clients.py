"""The client's address, as sign-in throttling and the per-client limits see it, and
those limits (tracked-link scans, anonymous feedback).

Behind ``PROXY_COUNT`` trusted reverse proxies, each appends the address it received the
request from to ``X-Forwarded-For``; so the client is the PROXY_COUNT-th entry from the
right. Entries further left were written by the client and are never trusted. Without a
proxy (PROXY_COUNT = 0) the header is ignored and ``REMOTE_ADDR`` is the client.
"""

import hashlib
import hmac
import ipaddress

from django.conf import settings
from django.core.cache import cache


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's IP address (``REMOTE_ADDR`` when the proxies' header is missing,
    short or malformed: then the request did not come through them)."""
    remote = request.META.get("REMOTE_ADDR", "")
    count = getattr(settings, "PROXY_COUNT", 0)
    if count <= 0:
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if len(hops) < count:
        return remote
    return _valid(hops[-count]) or remote


def over_limit(request, scope: str, *, limit: int, seconds: int) -> bool:
    """Count one request of this client in SCOPE; True once it has made more than LIMIT in
    the current window of SECONDS. Keyed on a hash of the address, in the shared cache; if
    the cache is down the request is let through (a limit must not take the site down)."""
    address = client_address(request)
    digest = hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256)
    key = f"rate:{scope}:{digest.hexdigest()[:24]}"
    try:
        cache.add(key, 0, timeout=seconds)
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=seconds)
        return False
    except Exception:  # noqa: BLE001  (the cache's own failure, whatever its backend)
        return False
