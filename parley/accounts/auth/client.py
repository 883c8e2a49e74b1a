"""Who the client is, as far as the server can tell: its address, found the same way the rate
limits find it (REMOTE_ADDR, or X-Forwarded-For behind PARLEY_NUM_PROXIES trusted proxies)."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle


def client_address(request: HttpRequest) -> str:
    # DRF's get_ident reads only META and the NUM_PROXIES setting, so a plain request does.
    return str(BaseThrottle().get_ident(request) or "")  # type: ignore[arg-type]
