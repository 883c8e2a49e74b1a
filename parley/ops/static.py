"""Static files through WhiteNoise, with the front ends' hashed chunks cached for good."""

from __future__ import annotations

import re

from whitenoise.middleware import WhiteNoiseMiddleware

# Vite names its chunks `name-<8+ character hash>.js`: content-addressed, so never stale.
VITE_HASHED = re.compile(r"/(widget|console)/.*-[A-Za-z0-9_-]{8,}\.(js|css|woff2?|png|svg)$")


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    def immutable_file_test(self, path: str, url: str) -> bool:
        return bool(VITE_HASHED.search(url)) or super().immutable_file_test(path, url)
