"""Content-Security-Policy for every page Parley serves (console, help center, rating and ticket
forms, admin): scripts only from our own origin, nothing inline, no plugins, no framing, forms
post only to us. An injected <script> or on*= handler that slipped past the sanitiser still
would not run. Inline <style> blocks are allowed: the server pages carry their own small CSS,
and style cannot run code in current browsers.

Swagger UI (/api/docs/) ships an inline bootstrap script, so it gets no policy; it renders only
the schema. PARLEY_CSP replaces the policy (e.g. to add a CDN), "" turns it off.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

DEFAULT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self' ws: wss:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
EXEMPT_PREFIXES = ("/api/docs/",)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "PARLEY_CSP", DEFAULT_POLICY)
        # A view that sets its own policy (e.g. the sandboxed file download) keeps it.
        if (
            policy
            and "Content-Security-Policy" not in response
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            response["Content-Security-Policy"] = policy
        return response
