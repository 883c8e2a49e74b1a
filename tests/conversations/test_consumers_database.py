"""The consumers' database calls (consumers/database.py): side by side on PostgreSQL, their
connections handed back (to the pool in production), and what they publish after commit sent
from the event loop rather than from the thread that stored it.

Two calls that each wait for the other finish only if they run at the same time, in two
threads; taking turns in one thread (Channels' default), the first would give up waiting.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from channels.layers import get_channel_layer
from django.db import connection, transaction

from parley.conversations import realtime
from parley.conversations.consumers import database

# The calls hand their connections back (close_old_connections), which touches the database.
pytestmark = [pytest.mark.django_db(transaction=True)]


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


def publish_then(frame: dict[str, Any], *, fail: bool = False) -> str:
    """A stand-in for a service: publishes after its commit, as services do."""
    with transaction.atomic():
        realtime.publish_on_commit(["test.outbox"], frame)
    if fail:
        raise LookupError("after the commit")
    return threading.current_thread().name


async def listening() -> tuple[Any, str]:
    layer = get_channel_layer()
    assert layer is not None
    channel = await layer.new_channel()
    await layer.group_add("test.outbox", channel)
    return layer, channel


async def test_what_a_call_publishes_is_sent_from_the_event_loop_after_it_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    layer, channel = await listening()
    senders: list[str] = []
    send_now = realtime.asend_to_groups

    async def recording(groups: list[str], frame: Any, **kwargs: Any) -> None:
        senders.append(threading.current_thread().name)
        await send_now(groups, frame, **kwargs)

    monkeypatch.setattr(realtime, "asend_to_groups", recording)

    worker = await database.in_database(publish_then)({"type": "test", "n": 1})

    received = await asyncio.wait_for(layer.receive(channel), timeout=5)
    assert received["frame"] == {"type": "test", "n": 1}
    # Sent once, from the event loop's thread, not from the thread that committed.
    assert senders == [threading.current_thread().name]
    assert worker != senders[0]


async def test_a_call_that_fails_after_its_commit_still_sends_what_it_published() -> None:
    layer, channel = await listening()

    with pytest.raises(LookupError):
        await database.in_database(publish_then)({"type": "test", "n": 2}, fail=True)

    received = await asyncio.wait_for(layer.receive(channel), timeout=5)
    assert received["frame"] == {"type": "test", "n": 2}


def one_query() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return int(cursor.fetchone()[0])


def pool_stats() -> dict[str, int]:
    pool = connection.pool  # type: ignore[attr-defined]
    return dict(pool.get_stats())


def checked_out() -> int:
    stats = pool_stats()
    return stats.get("pool_size", 0) - stats.get("pool_available", 0)


@pytest.mark.postgres
async def test_many_calls_at_once_hand_every_pooled_connection_back(settings: Any) -> None:
    """The production pass runs with the pool on (the default): four times as many calls as
    there are threads, at once, finish, and leave no connection checked out of the pool."""
    if connection.vendor != "postgresql" or getattr(connection, "pool", None) is None:
        pytest.skip("needs PostgreSQL with the connection pool on (the production default)")
    calls = 4 * settings.PARLEY_SOCKET_DB_THREADS
    # The test's own threads (its main thread, Django's sync_to_async thread) may hold one.
    held_before = checked_out()

    results = await asyncio.gather(*(database.in_database(one_query)() for _ in range(calls)))

    assert results == [1] * calls
    stats = pool_stats()
    assert stats.get("requests_waiting", 0) == 0
    # Every connection the calls took is back in the pool. The pool counts a connection it is
    # still opening (it grew during the burst) as not available yet: let it finish; one that a
    # thread kept never comes back.
    for _ in range(50):
        if checked_out() == held_before:
            break
        await asyncio.sleep(0.1)
    assert checked_out() == held_before
    assert stats["pool_size"] <= settings.DATABASES["default"]["OPTIONS"]["pool"]["max_size"]
