"""Channels' Redis pub/sub layer with the sends of a process batched (production's default).

channels_redis' pub/sub layer PUBLISHes one message at a time per Redis server: each send
takes an asyncio lock, waits for its reply, and only then lets the next one go. A reply is
read when the event loop comes round to it, so on a busy web process every send waited for the
ones queued before it, one loop turn each: at 250 visitor messages a second (2–3 group sends
each) the sends of a message took 0.2–1 s and set the ceiling of the whole real-time path
(docs/benchmarks.md, "What the profiler found").

Here the sends queued while one batch is on its way leave together as the next batch: one
pipeline, one round trip, in the order they were made. A lone send still leaves at once.
Everything else (subscriptions, receiving, groups) is channels_redis' own.
"""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass, field
from typing import Any

from channels_redis.pubsub import RedisPubSubChannelLayer, RedisSingleShardConnection

# A bound on one pipeline, so a burst is written in pieces Redis answers quickly.
MAX_BATCH = 500


@dataclass
class _Publisher:
    """One Redis server's outgoing messages for one event loop, sent a batch at a time. It
    holds its shard only while sending: the layer keeps publishers by weak reference to the
    shard, which goes when its event loop closes."""

    waiting: list[tuple[str, bytes, asyncio.Future[None]]] = field(default_factory=list)
    sending: asyncio.Task[None] | None = None

    async def publish(
        self, shard: RedisSingleShardConnection, channel: str, payload: bytes
    ) -> None:
        sent: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiting.append((channel, payload, sent))
        if self.sending is None:
            self.sending = asyncio.ensure_future(self._send_batches(shard))
        await sent

    async def _send_batches(self, shard: RedisSingleShardConnection) -> None:
        batch: list[tuple[str, bytes, asyncio.Future[None]]] = []
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                try:
                    await _send(shard, batch)
                except Exception as error:
                    # Every sender of the batch hears of it; the next batch tries again.
                    _settle(batch, error)
                else:
                    _settle(batch, None)
        finally:
            self.sending = None
            # Cancelled (its event loop is closing): no sender is left waiting for ever.
            for _, _, sent in batch:
                sent.cancel()


def _settle(batch: list[tuple[str, bytes, asyncio.Future[None]]], error: Exception | None) -> None:
    for _, _, sent in batch:
        if sent.done():  # its sender was cancelled meanwhile
            continue
        if error is None:
            sent.set_result(None)
        else:
            sent.set_exception(error)


async def _send(
    shard: RedisSingleShardConnection, batch: list[tuple[str, bytes, asyncio.Future[None]]]
) -> None:
    shard._ensure_redis()
    redis: Any = shard._redis
    async with redis.pipeline(transaction=False) as pipe:
        for channel, payload, _ in batch:
            pipe.publish(channel, payload)
        await pipe.execute()


class BatchedPubSubChannelLayer(RedisPubSubChannelLayer):
    """``channels_redis.pubsub.RedisPubSubChannelLayer`` whose ``send`` and ``group_send``
    go through a batching publisher per Redis server and event loop."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Keyed by the shard, which lives as long as its event loop's layer.
        self._publishers: weakref.WeakKeyDictionary[RedisSingleShardConnection, _Publisher] = (
            weakref.WeakKeyDictionary()
        )

    async def _publish(self, channel: str, message: dict[str, Any]) -> None:
        shard = self._get_layer()._get_shard(channel)
        publisher = self._publishers.get(shard)
        if publisher is None:
            publisher = self._publishers[shard] = _Publisher()
        await publisher.publish(shard, channel, self.serialize(message))

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        await self._publish(channel, message)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        await self._publish(self._get_layer()._get_group_channel_name(group), message)
