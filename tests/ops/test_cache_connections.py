"""Django's cache on Redis: one connection pool per process, whatever the request context.

Django keeps a cache object per context (each request, each thread); without a shared pool each
of them opened its own connection to Redis."""

from __future__ import annotations

import os
import threading

import pytest
import redis.connection
from django.core.cache import cache

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis (REDIS_URL)"),
]


def test_threads_share_the_processs_redis_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []
    connect = redis.connection.Connection._connect

    def counted(self: redis.connection.Connection) -> object:
        opened.append(self)
        return connect(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counted)
    cache.get("warm-up")  # the test thread's cache object, and a connection if none is idle

    def request_like() -> None:
        # A new thread is a new context: Django gives it a cache object of its own.
        from django.core.cache import cache as cache_of_this_thread

        cache_of_this_thread.set("parley-test-key", "value", 5)
        assert cache_of_this_thread.get("parley-test-key") == "value"

    for _ in range(5):
        thread = threading.Thread(target=request_like)
        thread.start()
        thread.join()

    assert len(opened) <= 1, f"{len(opened)} connections opened for 5 threads, one after another"


def test_cache_operations_reuse_one_redis_client(monkeypatch: pytest.MonkeyPatch) -> None:
    # Django's own Redis cache built a client for every operation (most of a cache.add's time).
    built: list[object] = []
    init = redis.Redis.__init__

    def counted(self: redis.Redis, *args: object, **kwargs: object) -> None:
        built.append(self)
        init(self, *args, **kwargs)  # type: ignore[arg-type]

    cache.get("warm-up")  # this process's client, if no test made it yet
    monkeypatch.setattr(redis.Redis, "__init__", counted)

    def operations() -> None:
        from django.core.cache import cache as cache_of_this_thread

        for n in range(10):
            cache_of_this_thread.set(f"parley-test-client-{n}", n, 5)
            assert cache_of_this_thread.get(f"parley-test-client-{n}") == n

    operations()
    thread = threading.Thread(target=operations)
    thread.start()
    thread.join()
    assert built == [], f"{len(built)} clients built for 40 cache operations"
