"""Rate limits that are not tied to one HTTP view: e.g. messages per contact, counted the same
whether they arrive over the widget socket or the REST fallback.

Counters live in Django's cache: Redis in production, so every web process shares them; the
process's memory in the embedded mode. A fixed window per key keeps it to one INCR per call.
"""

from __future__ import annotations

import time

from django.core.cache import cache

from parley.errors import ApplicationError, ErrorCode

PERIODS = {"s": 1, "sec": 1, "min": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "30/min" → (30, 60), as DRF writes its rates."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def rate_limit(*, scope: str, key: str, rate: str) -> None:
    """Count one use of ``scope`` by ``key``; raise ``throttled`` (429, ``retry_after`` seconds
    in the body and a ``Retry-After`` header) once the rate is spent in this window."""
    limit, window = parse_rate(rate)
    now = time.time()
    bucket = int(now // window)
    cache_key = f"ratelimit:{scope}:{key}:{bucket}"
    # add() is atomic: only the first call of a window creates the counter.
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, timeout=window + 1)
        used = 1
    if used > limit:
        retry_after = max(1, int((bucket + 1) * window - now + 0.999))
        raise ApplicationError(
            ErrorCode.THROTTLED,
            f"Too many requests; try again in {retry_after} seconds.",
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )
