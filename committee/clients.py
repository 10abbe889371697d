"""Who is asking: the client's address, believing X-Forwarded-For only from our proxies."""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return address is not None and any(
        address in network for network in getattr(settings, "TRUSTED_PROXIES", [])
    )


def client_address(request) -> str:
    """The address of the person at the other end, for rate limits.

    The socket address (REMOTE_ADDR) unless it is one of ``settings.TRUSTED_PROXIES``
    (the TRUSTED_PROXIES variable). From a trusted proxy, X-Forwarded-For is read from
    the right: each proxy appends the address it saw, so the first entry that is not a
    trusted proxy is the client; anything left of it is whatever the client claimed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(_address(remote)):
        return remote
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return remote  # a garbled header: the proxy is all we know for sure
        if not _trusted(address):
            return str(address)
    return remote
