"""The consumers' database calls run side by side on PostgreSQL.

Two calls that each wait for the other finish only if they run at the same time, in two
threads; taking turns in one thread (Channels' default), the first would give up waiting.
"""

from __future__ import annotations

import asyncio
import threading

import pytest

from parley.conversations.consumers import database


async def two_calls_waiting_for_each_other(patience: float) -> list[int]:
    meeting = threading.Barrier(2, timeout=patience)
    first, second = await asyncio.gather(
        database.in_database(meeting.wait)(),
        database.in_database(meeting.wait)(),
    )
    return [first, second]


async def test_calls_of_two_sockets_run_side_by_side_on_postgresql(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(database, "side_by_side", lambda: True)

    results = await two_calls_waiting_for_each_other(patience=10.0)

    # Both met (one after another, the first would raise BrokenBarrierError after waiting):
    # Barrier.wait returns each one's place of arrival.
    assert sorted(results) == [0, 1]
