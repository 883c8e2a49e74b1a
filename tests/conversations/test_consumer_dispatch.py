"""A socket's frames and relayed events do not wait for Django's shared sync thread.

Channels runs ``close_old_connections`` in that one thread before every handler of every
socket; HTTP views run there too. The consumers skip it (their database calls close their
own connections), so a busy thread no longer holds up what sockets send and receive
(docs/benchmarks.md, "What the profiler found").
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async

from parley.conversations import realtime
from tests.conftest import World, build_world
from tests.realtime import agent_socket, receive_until

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def world_() -> World:
    return await sync_to_async(build_world)()


async def test_a_relayed_frame_reaches_the_socket_while_the_shared_thread_is_busy(world_):
    agent, _ = await agent_socket(world_.agent.user)
    release = threading.Event()
    # Holds Channels' and Django's shared sync thread, as a slow HTTP view would.
    busy = asyncio.ensure_future(sync_to_async(release.wait)(timeout=10))
    try:
        await asyncio.sleep(0.1)  # the thread has taken the wait
        frame = {"type": "typing", "conversation": 424242, "on": True, "by": {"type": "contact"}}
        await realtime.asend_to_groups([realtime.inbox_group(world_.inbox.pk)], frame)

        got = await receive_until(agent, "typing", timeout=2)

        assert got["conversation"] == 424242
        assert not busy.done()  # it arrived while the thread was still held
    finally:
        release.set()
        await busy
        await agent.disconnect()
