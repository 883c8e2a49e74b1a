"""Through the real ASGI application: an agent's and a supervisor's sockets receive a
customer's phone number masked, live and on resume; the customer's own socket receives it as
written."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from tests.conftest import World, build_world
from tests.realtime import agent_socket, new_client_id, receive_until, widget_socket, widget_token

pytestmark = [pytest.mark.django_db(transaction=True)]

BODY = "手机 13812341234，卡号 6222021234567894"
MASKED = "手机 138****1234，卡号 6222 **** **** 7894"


@pytest.fixture
async def world_() -> World:
    return await sync_to_async(build_world)()


async def test_staff_sockets_get_masked_frames_and_the_contact_gets_clear(world_: World) -> None:
    agent, _ = await agent_socket(world_.agent.user)
    supervisor, _ = await agent_socket(world_.supervisor.user)
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))

    await contact.send_json_to(
        {"type": "message.create", "client_id": new_client_id(), "conversation": None, "body": BODY}
    )

    mine = await receive_until(contact, "message.created")
    assert mine["message"]["body"] == BODY
    for socket in (agent, supervisor):
        frame = await receive_until(socket, "message.created")
        assert frame["message"]["body"] == MASKED
        assert "13812341234" not in str(frame)

    # A reconnecting agent replays the conversation masked too.
    conversation = mine["conversation"]
    again, _ = await agent_socket(world_.agent.user, resume={conversation: 0})
    replayed = await receive_until(again, "message.created")
    assert replayed["message"]["body"] == MASKED
    for socket in (agent, supervisor, contact, again):
        await socket.disconnect()
