"""The per-key counter of parley/ratelimits.py: one Redis round trip in production, the same
count and window as Django's cache API gives in the embedded mode."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

from parley.errors import ApplicationError, ErrorCode
from parley.ratelimits import _count, rate_limit


def test_the_budget_is_spent_then_refused_with_retry_after() -> None:
    for _ in range(3):
        rate_limit(scope="test", key="k1", rate="3/min")

    with pytest.raises(ApplicationError) as refused:
        rate_limit(scope="test", key="k1", rate="3/min")

    assert refused.value.code == ErrorCode.THROTTLED
    assert 1 <= refused.value.extra["retry_after"] <= 60
    rate_limit(scope="test", key="k2", rate="3/min")  # another key has its own budget


def test_the_counter_is_readable_through_the_cache_and_expires() -> None:
    assert [_count("ratelimit:test:counter", timeout=61) for _ in range(3)] == [1, 2, 3]

    assert cache.get("ratelimit:test:counter") == 3
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        key = backend.make_and_validate_key("ratelimit:test:counter")
        ttl = backend._cache.get_client(key).ttl(key)
        assert 0 < ttl <= 61
