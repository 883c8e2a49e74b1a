"""One rate limit for the public knowledge-base search, in the help center and in the widget:
searches per client address, like the other public endpoints (the cache holds the counts)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class HelpSearchThrottle(SimpleRateThrottle):
    scope = "help_search"

    def get_rate(self) -> str:
        default = os.environ.get("PARLEY_RATE_HELP_SEARCH", "60/min")
        return str(getattr(settings, "PARLEY_RATE_HELP_SEARCH", default))

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
