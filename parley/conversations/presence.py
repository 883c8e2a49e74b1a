"""Which members are connected right now, as far as the widget needs to know.

A console socket marks its member present for PRESENCE_TTL seconds on every frame it sends
(the console pings every 25 s), so presence ends on its own when the last tab closes or the
process dies. It lives in the cache: per process in the embedded mode, Redis in production.
The full presence model (online / away / offline, capacity) belongs to routing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache

PRESENCE_TTL = 60


def _key(member_id: int) -> str:
    return f"presence:member:{member_id}"


def mark_present(member_ids: Iterable[int]) -> None:
    cache.set_many({_key(m): 1 for m in member_ids}, timeout=PRESENCE_TTL)


def present_among(member_ids: Iterable[int]) -> set[int]:
    ids = list(member_ids)
    found = cache.get_many([_key(m) for m in ids])
    return {m for m in ids if _key(m) in found}


async def amark_present(member_ids: Iterable[int]) -> None:
    await cache.aset_many({_key(m): 1 for m in member_ids}, timeout=PRESENCE_TTL)
