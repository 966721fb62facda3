"""The client's address, as sign-in throttling and the per-client limits see it.

Behind ``PROXY_COUNT`` trusted reverse proxies, each appends the address it received the
request from to ``X-Forwarded-For``; so the client is the PROXY_COUNT-th entry from the
right. Entries further left were written by the client and are never trusted. Without a
proxy (PROXY_COUNT = 0) the header is ignored and ``REMOTE_ADDR`` is the client.
"""

import ipaddress

from django.conf import settings


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
