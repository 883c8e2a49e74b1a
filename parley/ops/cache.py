"""One Redis connection pool, and one client on it, per process for Django's cache.

Django keeps a cache object per request context (each HTTP request, each thread), and its
Redis client makes a connection pool per cache object: so every request opened a new
connection to Redis, and rate limits and caching paid a TCP handshake each time (3.5 % of a
web process's samples under load, docs/benchmarks.md). This pool class hands every cache
object of the process the same pool for the same URL and options. redis-py's pools are
thread-safe and notice a fork (a pool made before it is reset in the child).

Django's Redis cache also builds a new ``redis.Redis`` for every operation (about 85 of the
150 µs of a ``cache.add``, measured); rate limits touch the cache on every message and request.
A client holds no connection of its own (it borrows one from the pool per command), so one
client per pool serves every thread: ``RedisCache`` below is Django's with that client kept.
"""

from __future__ import annotations

import threading
from typing import Any

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

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


_clients: dict[int, redis.Redis] = {}


class SharedClientRedisCacheClient(RedisCacheClient):
    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        # _get_connection_pool and _client (redis.Redis) are Django's, missing from its stubs.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = _clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            with _pools_lock:
                client = _clients[id(pool)] = self._client(connection_pool=pool)  # type: ignore[attr-defined]
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedClientRedisCacheClient
