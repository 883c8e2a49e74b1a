"""A widget's keep-alive: a pong always; a fresh queue position while the visitor waits; and no
database look-up for a visitor with nothing waiting, until something reaches the socket."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async

from parley.conversations import services
from parley.conversations.consumers import widget
from tests.conftest import build_world
from tests.realtime import drain, receive_until, widget_socket, widget_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def looks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each look for the visitor's waiting conversations, by contact id."""
    seen: list[int] = []
    real = widget.queue_places

    def counted(*, contact: Any) -> list[dict[str, object]]:
        seen.append(contact.pk)
        return real(contact=contact)

    monkeypatch.setattr(widget, "queue_places", counted)
    return seen


async def ping(socket: Any) -> list[dict[str, Any]]:
    await socket.send_json_to({"type": "ping"})
    await receive_until(socket, "pong")
    return await drain(socket)


async def test_an_idle_visitor_with_nothing_waiting_is_looked_up_once(looks: list[int]) -> None:
    world = await sync_to_async(build_world)()
    socket, _ = await widget_socket(widget_token(world.contact.pk, world.inbox))
    for _ in range(3):
        assert await ping(socket) == []
    assert looks == [world.contact.pk]  # the first keep-alive only
    await socket.disconnect()


async def test_a_conversation_queued_from_elsewhere_is_seen_at_the_next_keep_alive(
    looks: list[int],
) -> None:
    world = await sync_to_async(build_world)()
    socket, _ = await widget_socket(widget_token(world.contact.pk, world.inbox))
    assert await ping(socket) == []
    # Another tab (or the REST API) starts a chat: its frames reach this socket too.
    await sync_to_async(services.conversation_start)(inbox=world.inbox, contact=world.contact)
    await drain(socket)
    # (Routing may still be telling the place too: the keep-alive's answer is the last frame.)
    place = (await ping(socket))[-1]
    assert place["type"] == "queue.position"
    assert place["queued"] is True and place["position"] == 1
    # While it waits every keep-alive looks again: the wait grows with time alone.
    assert (await ping(socket))[-1]["type"] == "queue.position"
    assert looks == [world.contact.pk] * 3
    await socket.disconnect()


async def test_a_visitor_who_writes_is_looked_up_again(looks: list[int]) -> None:
    world = await sync_to_async(build_world)()
    socket, _ = await widget_socket(widget_token(world.contact.pk, world.inbox))
    assert await ping(socket) == []
    await socket.send_json_to(
        {
            "type": "message.create",
            "client_id": "0b7e1f4e-2d3c-4c55-9d8e-6b1f2a3c4d5e",
            "conversation": None,
            "body": "Where is my parcel?",
        }
    )
    await receive_until(socket, "message.ack")
    await drain(socket)
    await ping(socket)
    assert looks == [world.contact.pk] * 2
    await socket.disconnect()
