"""Rate limits that are not tied to one HTTP view: e.g. messages per contact, counted the same
whether they arrive over the widget socket or the REST fallback.

Counters live in Django's cache: Redis in production, so every web process shares them; the
process's memory in the embedded mode. A fixed window per key keeps it to one INCR per call.
"""

from __future__ import annotations

import time

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

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
    used = _count(f"ratelimit:{scope}:{key}:{bucket}", timeout=window + 1)
    if used > limit:
        retry_after = max(1, int((bucket + 1) * window - now + 0.999))
        raise ApplicationError(
            ErrorCode.THROTTLED,
            f"Too many requests; try again in {retry_after} seconds.",
            extra={"retry_after": retry_after},
            headers={"Retry-After": str(retry_after)},
        )


def _count(key: str, *, timeout: int) -> int:
    """Add one to the counter ``key`` and return it; it lives ``timeout`` seconds after its
    last use."""
    backend = caches["default"]  # ``cache`` is a proxy: isinstance would not see through it
    if isinstance(backend, RedisCache):
        # One round trip: INCR creates the counter at 1, EXPIRE (re)sets its lifetime; the key
        # names its window, so a lifetime renewed on each use still ends after the window.
        # Django's add() + incr() took three (SET NX, EXISTS, INCRBY) on every visitor message.
        # Django stores integers as they are, so cache.get() reads the same counter.
        redis_key = backend.make_and_validate_key(key)
        client = backend._cache.get_client(redis_key, write=True)
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(redis_key)
        pipeline.expire(redis_key, timeout)
        used, _ = pipeline.execute()
        return int(used)
    # The embedded mode's in-process cache: add() is atomic, only the first call of a window
    # creates the counter.
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1
