"""A closed socket leaves nothing of itself in the web process: its consumer is freed, and the
channel layer holds neither its channel nor its place in a group (docs/benchmarks.md, "What the
profiler found": a churn of thousands of widgets must not grow the process).

The in-memory layer (tests) and the Redis pub/sub layer (production's default, the production
test pass) both keep their channels and groups in the process, so both are checked here.
Channels_redis' core layer keeps its groups in Redis, and is skipped: it also leaves an empty
queue behind when the socket holding its receive lock is closed, a library leftover documented
in docs/benchmarks.md.
"""

from __future__ import annotations

import gc
import weakref
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator

from parley.asgi import application
from parley.conversations.consumers import AgentConsumer, WidgetConsumer
from parley.conversations.consumers.base import RealtimeConsumer
from tests.conftest import build_world
from tests.factories import ORIGIN
from tests.realtime import agent_socket, widget_socket, widget_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def layer_in_process() -> None:
    # Checked before any socket opens, so that a skip leaves none open.
    if "receive_buffer" in vars(get_channel_layer()):
        pytest.skip("channels_redis' core layer keeps its groups in Redis, not in the process")


def live_consumers(kind: type[RealtimeConsumer]) -> list[weakref.ref[Any]]:
    gc.collect()
    # issubclass(type(o)), not isinstance(o): isinstance asks a weak proxy whose object is gone
    # for its __class__, which raises (the whole suite leaves such proxies in gc's lists).
    return [weakref.ref(o) for o in gc.get_objects() if issubclass(type(o), kind)]


def opened(kind: type[RealtimeConsumer], before: list[weakref.ref[Any]]) -> tuple[Any, str]:
    """The one consumer of ``kind`` opened since ``before``: a weak reference, its channel."""
    (consumer,) = [c for c in live_consumers(kind) if c not in before]
    instance = consumer()
    assert instance is not None
    return consumer, str(instance.channel_name)


def layer_holdings() -> tuple[set[str], dict[str, set[str]]]:
    """The channels the layer keeps in this process, and each group's member channels."""
    layer: Any = get_channel_layer()
    attributes = vars(layer)  # not getattr: the pub/sub layer proxies to a per-loop layer
    # The pub/sub layer keeps one layer per event loop; the in-memory layer is its own.
    holders = [attributes] + [vars(per_loop) for per_loop in attributes.get("_layers", {}).values()]
    channels: set[str] = set()
    groups: dict[str, set[str]] = {}
    for holder in holders:
        channels |= set(holder.get("channels", {}))
        for group, members in holder.get("groups", {}).items():
            groups[group] = set(members)
    return channels, groups


def assert_nothing_kept(consumer: weakref.ref[Any], channel: str) -> None:
    gc.collect()
    assert consumer() is None, gc.get_referrers(consumer())
    channels, groups = layer_holdings()
    assert channel not in channels
    assert [g for g, members in groups.items() if channel in members] == []


async def test_a_closed_widget_socket_leaves_nothing_behind() -> None:
    world = await sync_to_async(build_world)()
    before = live_consumers(WidgetConsumer)
    socket, welcome = await widget_socket(widget_token(world.contact.pk, world.inbox))
    assert welcome["type"] == "welcome"
    consumer, channel = opened(WidgetConsumer, before)
    # While open, the layer holds the socket in its contact group: the check below can fail.
    _, groups = layer_holdings()
    assert any(channel in members for members in groups.values())

    await socket.disconnect()

    assert_nothing_kept(consumer, channel)


async def test_a_widget_socket_closed_before_hello_leaves_nothing_behind() -> None:
    before = live_consumers(WidgetConsumer)
    socket = WebsocketCommunicator(
        application, "/ws/widget/", headers=[(b"origin", ORIGIN.encode())]
    )
    connected, _ = await socket.connect()
    assert connected
    consumer, channel = opened(WidgetConsumer, before)

    await socket.disconnect()

    assert_nothing_kept(consumer, channel)


async def test_a_closed_agent_socket_leaves_nothing_behind() -> None:
    world = await sync_to_async(build_world)()
    user = await sync_to_async(lambda: world.agent.user)()
    before = live_consumers(AgentConsumer)
    socket, _ = await agent_socket(user)
    consumer, channel = opened(AgentConsumer, before)
    _, groups = layer_holdings()
    assert sum(channel in members for members in groups.values()) >= 2  # inbox and member

    await socket.disconnect()

    assert_nothing_kept(consumer, channel)
