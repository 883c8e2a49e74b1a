"""The batched pub/sub channel layer (parley/ops/channel_layer.py) against a real Redis: what
a process sends at once leaves in a few pipelines, arrives once each, in order, in another
process's layer; a failure reaches every sender instead of leaving one waiting."""

from __future__ import annotations

import asyncio
import os
import secrets
from typing import Any

import pytest
import redis
from asgiref.sync import async_to_sync
from redis.asyncio.client import Pipeline

from parley.ops.channel_layer import BatchedPubSubChannelLayer

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs a real Redis (REDIS_URL)"),
]


def layer_on(url: str, prefix: str) -> BatchedPubSubChannelLayer:
    return BatchedPubSubChannelLayer(
        hosts=[{"address": url, "socket_timeout": None}], prefix=prefix
    )


@pytest.fixture
def prefix() -> str:
    return f"parley-test-layer-{secrets.token_hex(4)}"


async def listening(layer: BatchedPubSubChannelLayer, group: str, prefix: str) -> str:
    """A channel in ``group``, once Redis has the subscription (SUBSCRIBE is not awaited)."""
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    with redis.Redis.from_url(os.environ["REDIS_URL"]) as client:
        for _ in range(100):
            [(_, subscribers)] = client.pubsub_numsub(f"{prefix}__group__{group}")
            if subscribers:
                return channel
            await asyncio.sleep(0.05)
    raise AssertionError("the subscription never reached Redis")


async def test_sends_made_at_once_arrive_in_order_from_a_few_pipelines(
    prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = os.environ["REDIS_URL"]
    sender, receiver = layer_on(url, prefix), layer_on(url, prefix)  # two processes' layers
    channel = await listening(receiver, "orders", prefix)
    pipelines = 0
    execute = Pipeline.execute

    async def counted(self: Pipeline, *args: Any, **kwargs: Any) -> Any:
        nonlocal pipelines
        pipelines += 1
        return await execute(self, *args, **kwargs)

    monkeypatch.setattr(Pipeline, "execute", counted)

    await asyncio.gather(*(sender.group_send("orders", {"type": "x", "n": n}) for n in range(300)))
    received = [await asyncio.wait_for(receiver.receive(channel), 5) for _ in range(300)]

    assert [m["n"] for m in received] == list(range(300))
    # The first send leaves alone; the rest queued behind it leave together.
    assert pipelines <= 5
    await sender.flush()
    await receiver.flush()


async def test_sends_from_short_lived_event_loops_each_arrive(prefix: str) -> None:
    """Celery tasks and sync code send through async_to_sync, a new event loop each time."""
    url = os.environ["REDIS_URL"]
    sender, receiver = layer_on(url, prefix), layer_on(url, prefix)
    channel = await listening(receiver, "tasks", prefix)

    for n in range(3):
        await asyncio.to_thread(async_to_sync(sender.group_send), "tasks", {"type": "x", "n": n})

    received = [await asyncio.wait_for(receiver.receive(channel), 5) for _ in range(3)]
    assert [m["n"] for m in received] == [0, 1, 2]
    await receiver.flush()


async def test_a_redis_failure_reaches_every_sender_and_the_next_send_tries_again(
    prefix: str,
) -> None:
    closed_port = layer_on("redis://127.0.0.1:1/0", prefix)

    for _ in range(2):  # the publisher is not left thinking a batch is still on its way
        outcomes = await asyncio.wait_for(
            asyncio.gather(
                *(closed_port.group_send("g", {"type": "x", "n": n}) for n in range(5)),
                return_exceptions=True,
            ),
            timeout=10,
        )
        assert all(isinstance(o, redis.exceptions.ConnectionError) for o in outcomes), outcomes
