"""One Redis connection pool per process for Django's cache.

Django keeps a cache object per request context (each HTTP request, each thread), and its
Redis client makes a connection pool per cache object: so every request opened a new
connection to Redis, and rate limits and caching paid a TCP handshake each time (3.5 % of a
web process's samples under load, docs/benchmarks.md). This pool class hands every cache
object of the process the same pool for the same URL and options. redis-py's pools are
thread-safe and notice a fork (a pool made before it is reset in the child).
"""

from __future__ import annotations

import threading
from typing import Any

import redis

_pools: dict[tuple[str, str], SharedConnectionPool] = {}
_pools_lock = threading.Lock()


class SharedConnectionPool(redis.ConnectionPool):
    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> SharedConnectionPool:
        key = (url, repr(sorted(kwargs.items(), key=lambda item: item[0])))
        with _pools_lock:
            pool = _pools.get(key)
            if pool is None:
                pool = _pools[key] = super().from_url(url, **kwargs)
        return pool
