"""Does a web process keep anything per closed widget socket? Churn in one process, measured.

    .venv/bin/python -m bench.socket_churn_memory                          # Redis pub/sub layer
    .venv/bin/python -m bench.socket_churn_memory --layer core --explain   # Redis core layer
    .venv/bin/python -m bench.socket_churn_memory --layer memory           # in-memory layer
    .venv/bin/python -m bench.socket_churn_memory --rounds 5 --cycles 1000 --top 12

It copies a migrated throwaway PostgreSQL database (as bench.send_path does), seeds a workspace
with ``bench.seed``, opens ``--cycles`` widget sessions (visitors, as the churn scenario's
widgets do once), then drives Parley's own ASGI application (``parley.asgi.application``) with
Channels' ``WebsocketCommunicator``, no server and no sockets: each round every visitor
connects to ``/ws/widget/``, says hello and is welcomed (``--concurrency`` at a time, all held
open, as the churn scenario does), then all close. Round 0 is a warm-up (first imports, pools,
caches) and is the baseline of what follows.

After each round, once ``gc.collect()`` has run, it prints: the process's RSS; tracemalloc's
top growth by line against the previous round and against the baseline; the live objects of
the types a socket creates (consumers, communicators, tasks, queues, Django connections) and
the sizes of the per-process structures a socket touches (the channel layer's buffers, locks
and groups, Parley's module-level caches). A structure that grows with every round by about
``--cycles`` keeps something per connection.

``--layer pubsub`` (default) is production's ``channels_redis.pubsub.RedisPubSubChannelLayer``,
``--layer core`` its ``RedisChannelLayer`` (``PARLEY_CHANNEL_LAYER``), both on their own prefix
(Redis database 12, keys removed at the end); ``--layer memory`` is Channels'
``InMemoryChannelLayer``, to tell the Redis layers' bookkeeping from Parley's own. With
``--layer core``, ``--explain`` also counts the layer's leftover queues that a cancel inside
its ``receive_single`` left (``watch_layer``). The PostgreSQL database is dropped at the end.
The machine's cores are shared: keep it bounded (5 × 1,000 takes about two minutes with
tracemalloc on, under a minute with ``--frames 0``, which turns it off).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import secrets
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

from bench.send_path import REDIS, environment
from bench.servers import (
    ROOT,
    Database,
    clear_redis_prefix,
    drop_template,
    load_average,
    migrated_template,
)

ORIGIN = "http://bench.parley.test"
# Types whose live count should not grow with closed connections.
WATCHED_TYPES = (
    "WidgetConsumer",
    "WebsocketCommunicator",
    "ApplicationCommunicator",
    "DeliveryTracker",
    "Task",
    "Future",
    "Queue",
    "BoundedQueue",
    "Lock",
    "DatabaseWrapper",
    "Contact",
    "Inbox",
    "coroutine",
)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def type_counts() -> Counter[str]:
    return Counter(type(o).__name__ for o in gc.get_objects())


# Channels whose receive was cancelled inside channels_redis' receive_single (see ``watch_layer``).
_cancelled_inside: set[str] = set()


def watch_layer() -> None:
    """Note which sockets' receives were cancelled while inside ``receive_single``.

    The Redis core layer keeps an empty queue per channel in ``receive_buffer`` while a socket
    waits, and deletes it on the way out; one path leaves it: the socket whose receive holds the
    layer's receive lock, cancelled (its socket closed) while it reads Redis for the whole
    process, raises CancelledError, which ``except Exception`` does not catch
    (channels_redis/core.py, ``receive``). This wraps the layer instance's methods, for this
    measurement only, to tell those channels from any other leftover."""
    from channels.layers import get_channel_layer

    layer: Any = get_channel_layer()
    if "receive_buffer" not in vars(layer):  # only the core layer has it
        return
    receiving: dict[asyncio.Task[Any] | None, str] = {}
    receive, receive_single = layer.receive, layer.receive_single

    async def watched_receive(channel: str) -> Any:
        receiving[asyncio.current_task()] = channel
        try:
            return await receive(channel)
        finally:
            receiving.pop(asyncio.current_task(), None)

    async def watched_receive_single(channel: str) -> Any:
        try:
            return await receive_single(channel)
        except asyncio.CancelledError:
            _cancelled_inside.add(receiving.get(asyncio.current_task(), channel))
            raise

    layer.receive, layer.receive_single = watched_receive, watched_receive_single


def structures() -> dict[str, int]:
    """Sizes of the per-process structures a widget socket touches."""
    from channels.layers import get_channel_layer

    from parley.conversations.consumers import database
    from parley.conversations.consumers.widget import _queue_facts

    sizes: dict[str, int] = {"widget._queue_facts": len(_queue_facts)}
    layer: Any = get_channel_layer()
    # vars(), not getattr: the pub/sub layer proxies unknown attributes to its per-loop layer,
    # which needs a running loop.
    attributes = vars(layer)
    for name in ("receive_buffer", "receive_cleaners", "channels", "groups", "_layers"):
        if name in attributes:
            sizes[f"layer.{name}"] = len(attributes[name])
    buffer = attributes.get("receive_buffer")
    if buffer is not None:
        # A queue of a closed channel: nothing will read it or delete it.
        sizes["layer.receive_buffer.empty"] = sum(q.empty() for q in buffer.values())
        if _cancelled_inside:
            sizes["layer.receive_buffer.cancelled_in_receive_single"] = len(
                _cancelled_inside & set(buffer)
            )
    if isinstance(attributes.get("groups"), dict):
        sizes["layer.group_members"] = sum(len(m) for m in attributes["groups"].values())
    locks = attributes.get("receive_clean_locks")
    if locks is not None:
        sizes["layer.receive_clean_locks.locks"] = len(locks.locks)
        sizes["layer.receive_clean_locks.wait_counts"] = len(locks.wait_counts)
    # The pub/sub layer: one layer per event loop, each with its channels, groups and shards
    # (a Redis PubSub connection each, with redis-py's own record of what it subscribed to).
    for loop_layer in attributes.get("_layers", {}).values():
        if not hasattr(loop_layer, "_shards"):  # the core layer's per-loop connections
            continue
        for name in ("channels", "groups"):
            sizes[f"pubsub.{name}"] = len(getattr(loop_layer, name, ()))
        sizes["pubsub.group_members"] = sum(len(m) for m in loop_layer.groups.values())
        for shard in getattr(loop_layer, "_shards", []):
            sizes["pubsub.shard.subscribed_to"] = len(shard._subscribed_to)
            if shard._pubsub is not None:
                sizes["pubsub.redis.channels"] = len(shard._pubsub.channels)
                sizes["pubsub.redis.pending_unsubscribe"] = len(
                    shard._pubsub.pending_unsubscribe_channels
                )
    executor = database._executor
    if executor is not None:
        sizes["socket_db.threads"] = len(executor._threads)
    return sizes


async def one_round(application: Any, tokens: list[str], concurrency: int) -> int:
    from channels.testing import WebsocketCommunicator

    gate = asyncio.Semaphore(concurrency)
    sockets: list[WebsocketCommunicator] = []

    async def open_one(token: str) -> bool:
        async with gate:
            socket = WebsocketCommunicator(
                application, "/ws/widget/", headers=[(b"origin", ORIGIN.encode())]
            )
            connected, _ = await socket.connect(timeout=30)
            sockets.append(socket)
            if not connected:
                return False
            await socket.send_json_to({"type": "hello", "token": token, "resume": {}})
            welcome = await socket.receive_json_from(timeout=30)
            return bool(welcome.get("type") == "welcome")

    welcomed = await asyncio.gather(*(open_one(t) for t in tokens))

    async def close_one(socket: WebsocketCommunicator) -> None:
        async with gate:
            await socket.disconnect(timeout=30)

    await asyncio.gather(*(close_one(s) for s in sockets))
    sockets.clear()
    return sum(welcomed)


def report(
    n: int,
    welcomed: int,
    seconds: float,
    rss: float,
    counts: Counter[str],
    previous_counts: Counter[str],
    sizes: dict[str, int],
    snapshots: tuple[Any, Any, Any] | None,
    top: int,
) -> None:
    print(f"\n=== round {n}: {welcomed} welcomed in {seconds:.1f} s; RSS {rss:.1f} MiB", flush=True)
    print("  structures: " + ", ".join(f"{k}={v}" for k, v in sizes.items()))
    watched = {t: counts.get(t, 0) for t in WATCHED_TYPES}
    print("  live objects: " + ", ".join(f"{k}={v}" for k, v in watched.items()))
    grown = (counts - previous_counts).most_common(top)
    print("  object types grown since the previous round: " + (str(grown) if grown else "none"))
    if snapshots is None:
        return
    baseline, previous, current = snapshots
    for label, before in (("previous round", previous), ("baseline", baseline)):
        stats = current.compare_to(before, "lineno")
        total = sum(s.size_diff for s in stats)
        print(f"  tracemalloc growth since the {label}: {total / 1024:+.1f} KiB in all; top:")
        for stat in stats[:top]:
            frame = stat.traceback[0]
            print(
                f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks  "
                f"{_short(frame.filename)}:{frame.lineno}"
            )


def _short(filename: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/", "lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def print_tracebacks(before: Any, after: Any, top: int) -> None:
    """The largest growths with their call stacks (``--frames`` above 1)."""
    for stat in after.compare_to(before, "traceback")[:top]:
        print(f"    {stat.size_diff / 1024:+9.1f} KiB {stat.count_diff:+7d} blocks, allocated at:")
        for frame in stat.traceback.format(most_recent_first=True):
            if frame.lstrip().startswith("File"):
                print("      " + _short(frame.strip()))


def run(
    rounds: int, cycles: int, concurrency: int, top: int, frames: int, layer: str, explain: bool
) -> None:
    import django

    django.setup()
    from django.conf import settings

    if layer == "memory":
        from channels.layers import channel_layers

        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
        channel_layers.backends.clear()

    from bench.seed import seed
    from parley.asgi import application
    from parley.inboxes.services import widget_session_open

    if explain:
        watch_layer()
    seeded = seed(inboxes=2, agents=2, origin=ORIGIN)
    keys: list[str] = seeded["inboxes"]  # type: ignore[assignment]
    tokens = [
        widget_session_open(public_key=keys[i % 2], origin=ORIGIN, token=None).token
        for i in range(cycles)
    ]
    print(
        f"layer {layer}; {rounds} rounds x {cycles} sockets ({concurrency} at a time); "
        f"load average {load_average()}",
        flush=True,
    )

    trace = frames > 0
    loop = asyncio.new_event_loop()
    counts: Counter[str] = Counter()
    baseline = previous = None
    first_rss = 0.0
    try:
        for n in range(rounds + 1):
            began = time.monotonic()
            welcomed = loop.run_until_complete(one_round(application, tokens, concurrency))
            seconds = time.monotonic() - began
            # Let the layer's cleaners and cancelled tasks finish before counting.
            loop.run_until_complete(asyncio.sleep(0.5))
            gc.collect()
            rss = rss_mib()
            snapshots = None
            if trace and n == 0:
                # Started after the warm-up round: what it allocated once is not growth.
                tracemalloc.start(frames)
                baseline = previous = _snapshot()
            elif trace:
                snapshot = _snapshot()
                snapshots = (baseline, previous, snapshot)
                previous = snapshot
            if n == 0:
                first_rss = rss
            # Counted after the snapshot, so that only one round's counts are alive in it.
            new_counts = type_counts()
            report(n, welcomed, seconds, rss, new_counts, counts, structures(), snapshots, top)
            if snapshots is not None and frames > 1:
                print("  tracebacks of the top growth since the previous round:")
                print_tracebacks(snapshots[1], snapshots[2], min(top, 5))
            counts = new_counts
    finally:
        loop.run_until_complete(_close_layer())
        loop.close()
    print(f"\nRSS {first_rss:.1f} MiB after the warm-up round, {rss:.1f} MiB after the last")


def _snapshot() -> Any:
    import linecache

    # Not the measurement's own: tracemalloc's, and the source lines its report reads.
    return tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(False, tracemalloc.__file__),
            tracemalloc.Filter(False, linecache.__file__),
        ]
    )


async def _close_layer() -> None:
    from channels.layers import get_channel_layer

    layer: Any = get_channel_layer()
    if hasattr(layer, "close_pools"):
        await layer.close_pools()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds, after a warm-up")
    parser.add_argument("--cycles", type=int, default=1000, help="sockets per round")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument(
        "--layer",
        choices=("pubsub", "core", "memory"),
        default="pubsub",
        help="channels_redis' pub/sub layer (production's default), its core layer, or in memory",
    )
    parser.add_argument(
        "--frames",
        type=int,
        default=1,
        help="tracemalloc's frames per allocation (0: off; above 1: also print call stacks)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="count the Redis layer's leftover queues left by a cancel inside receive_single",
    )
    args = parser.parse_args()
    database = Database()
    prefix = f"parley-churn-memory-{secrets.token_hex(4)}"
    env = {**environment(database, prefix), "PARLEY_WARM_UP": "0"}
    if args.layer != "memory":
        env["PARLEY_CHANNEL_LAYER"] = args.layer
    try:
        database.create(template=migrated_template({**os.environ, **env}, ROOT))
        os.environ.update(env)
        run(
            args.rounds,
            args.cycles,
            args.concurrency,
            args.top,
            args.frames,
            args.layer,
            args.explain,
        )
    finally:
        database.drop()
        drop_template()
        clear_redis_prefix(prefix, REDIS)
    print(f"load average {load_average()}", file=sys.stderr)


if __name__ == "__main__":
    main()
