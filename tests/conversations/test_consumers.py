"""The two socket endpoints against wire contract v1, through the real ASGI application."""

from __future__ import annotations

import json
import uuid

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from parley.asgi import application
from parley.conversations import services
from parley.conversations.models import Conversation, Message
from parley.conversations.services import Sender
from tests.conftest import World, build_world
from tests.factories import ConversationFactory, InboxFactory
from tests.realtime import (
    agent_socket,
    drain,
    new_client_id,
    receive_until,
    widget_socket,
    widget_token,
)

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def world_() -> World:
    return await sync_to_async(build_world)()


def message_count() -> int:
    return Message.objects.count()


async def create_frame(conversation: int | None, body: str, client_id: str | None = None) -> dict:
    return {
        "type": "message.create",
        "client_id": client_id or new_client_id(),
        "conversation": conversation,
        "body": body,
    }


async def test_round_trip_contact_to_agent_and_back(world_):
    agent, _ = await agent_socket(world_.agent.user)
    contact, welcome = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    assert welcome["type"] == "welcome" and welcome["contact"]["id"] == world_.contact.pk

    frame = await create_frame(None, "Where is my order?")
    await contact.send_json_to(frame)
    ack = await receive_until(contact, "message.ack")
    assert ack["client_id"] == frame["client_id"]
    assert ack["message"]["seq"] == 1
    conversation_id = ack["message"]["conversation"]
    echoed = await receive_until(contact, "message.created")
    assert echoed["message"]["id"] == ack["message"]["id"]

    seen = await receive_until(agent, "message.created")
    assert seen["conversation"] == conversation_id
    assert seen["message"]["body"] == "Where is my order?"
    assert seen["message"]["sender"]["type"] == "contact"
    assert seen["message"]["client_id"] == frame["client_id"]

    reply = await create_frame(conversation_id, "It ships today.")
    await agent.send_json_to(reply)
    agent_ack = await receive_until(agent, "message.ack")
    assert agent_ack["message"]["conversation"] == conversation_id
    answer = await receive_until(contact, "message.created")
    assert answer["message"]["body"] == "It ships today."
    assert answer["message"]["sender"]["name"] == world_.agent.user.name
    await contact.disconnect()
    await agent.disconnect()


async def test_ack_comes_after_the_message_is_stored(world_):
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    frame = await create_frame(None, "stored first")
    await contact.send_json_to(frame)
    ack = await receive_until(contact, "message.ack")
    stored = await sync_to_async(Message.objects.get)(pk=ack["message"]["id"])
    assert stored.body == "stored first" and str(stored.client_id) == frame["client_id"]
    await contact.disconnect()


async def test_a_duplicate_client_id_gets_the_same_ack_and_no_second_message(world_):
    agent, _ = await agent_socket(world_.agent.user)
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    frame = await create_frame(None, "only once")
    await contact.send_json_to(frame)
    first = await receive_until(contact, "message.ack")
    await contact.send_json_to(frame)
    second = await receive_until(contact, "message.ack")
    assert first == second
    to_agent = [f for f in await drain(agent) if f["type"] == "message.created"]
    assert len(to_agent) == 1
    assert await sync_to_async(message_count)() == 1
    await contact.disconnect()
    await agent.disconnect()


async def test_reconnect_with_resume_gets_everything_missed_once_in_order(world_):
    conversation = await sync_to_async(ConversationFactory)(
        inbox=world_.inbox, contact=world_.contact
    )
    send = sync_to_async(services.message_send)
    await send(conversation=conversation, sender=Sender.of_contact(world_.contact), body="m1")
    agent, _ = await agent_socket(world_.agent.user, resume={conversation.pk: 1})
    assert [f for f in await drain(agent) if f["type"] == "message.created"] == []
    await agent.disconnect()

    # While the agent is away: the contact writes, and someone else adds a private note.
    for body in ("m2", "m3", "m4"):
        await send(conversation=conversation, sender=Sender.of_contact(world_.contact), body=body)
    await send(
        conversation=conversation,
        sender=Sender.of_member(world_.supervisor),
        body="note",
        private=True,
    )

    agent, _ = await agent_socket(world_.agent.user, resume={conversation.pk: 1})
    replayed = [f for f in await drain(agent) if f["type"] == "message.created"]
    assert [f["message"]["seq"] for f in replayed] == [2, 3, 4, 5]
    assert [f["message"]["body"] for f in replayed] == ["m2", "m3", "m4", "note"]

    await send(conversation=conversation, sender=Sender.of_contact(world_.contact), body="m6")
    live = [f for f in await drain(agent) if f["type"] == "message.created"]
    assert [f["message"]["seq"] for f in live] == [6]
    await agent.disconnect()


async def test_a_widget_resumes_without_private_notes(world_):
    conversation = await sync_to_async(ConversationFactory)(
        inbox=world_.inbox, contact=world_.contact
    )
    send = sync_to_async(services.message_send)
    await send(conversation=conversation, sender=Sender.of_contact(world_.contact), body="hi")
    await send(
        conversation=conversation,
        sender=Sender.of_member(world_.agent),
        body="secret",
        private=True,
    )
    await send(conversation=conversation, sender=Sender.of_member(world_.agent), body="Hello")
    contact, welcome = await widget_socket(
        widget_token(world_.contact.pk, world_.inbox), resume={conversation.pk: 1}
    )
    assert welcome["conversations"][0] == {"id": conversation.pk, "status": "open", "last_seq": 4}
    replayed = [f["message"] for f in await drain(contact) if f["type"] == "message.created"]
    # seq 2 is the private note, seq 3 the staff-only "joined" event of the agent's first reply
    assert [m["seq"] for m in replayed] == [4]
    assert [m["body"] for m in replayed if m["kind"] == "text"] == ["Hello"]
    await contact.disconnect()


async def test_a_private_note_is_never_sent_to_the_contact_socket(world_):
    conversation = await sync_to_async(ConversationFactory)(
        inbox=world_.inbox, contact=world_.contact
    )
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    agent, _ = await agent_socket(world_.agent.user)
    await agent.send_json_to(
        {**(await create_frame(conversation.pk, "VIP, be nice")), "private": True}
    )
    await receive_until(agent, "message.ack")
    assert [f for f in await drain(contact) if f["type"] == "message.created"] == []
    await contact.disconnect()
    await agent.disconnect()


BAD_FRAMES = [
    ("not json", "invalid_json"),
    ("[1, 2]", "invalid"),
    (json.dumps({"type": "shout"}), "unknown_type"),
    (json.dumps({"type": "message.create", "conversation": None, "body": "x"}), "missing_field"),
    (
        json.dumps({"type": "message.create", "client_id": new_client_id(), "conversation": None}),
        "missing_field",
    ),
    (
        json.dumps(
            {"type": "message.create", "client_id": "not-a-uuid", "conversation": None, "body": "x"}
        ),
        "invalid",
    ),
    (
        json.dumps(
            {
                "type": "message.create",
                "client_id": new_client_id(),
                "conversation": None,
                "body": "x" * 10_001,
            }
        ),
        "body_too_long",
    ),
    (
        json.dumps(
            {
                "type": "message.create",
                "client_id": new_client_id(),
                "conversation": None,
                "body": "   ",
            }
        ),
        "body_empty",
    ),
    (
        json.dumps(
            {
                "type": "message.create",
                "client_id": new_client_id(),
                "conversation": "7",
                "body": "x",
            }
        ),
        "invalid",
    ),
    (
        json.dumps(
            {
                "type": "message.create",
                "client_id": new_client_id(),
                "conversation": None,
                "body": "x",
                "private": True,
            }
        ),
        "permission_denied",
    ),
    (json.dumps({"type": "typing", "conversation": 1}), "missing_field"),
    (json.dumps({"type": "read", "conversation": 1, "seq": -1}), "invalid"),
    (json.dumps({"type": "hello", "token": "again"}), "invalid"),
]


@pytest.mark.parametrize(("raw", "code"), BAD_FRAMES)
async def test_a_bad_widget_frame_gets_an_error_the_socket_stays_open_nothing_is_stored(
    world_, raw, code
):
    conversation = await sync_to_async(ConversationFactory)(
        inbox=world_.inbox, contact=world_.contact
    )
    await sync_to_async(services.message_send)(
        conversation=conversation, sender=Sender.of_contact(world_.contact), body="kept"
    )
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    await contact.send_to(text_data=raw)
    error = await receive_until(contact, "error")
    assert error["code"] == code, error
    await contact.send_json_to({"type": "ping"})
    assert (await receive_until(contact, "pong"))["type"] == "pong"
    assert await sync_to_async(message_count)() == 1
    await contact.disconnect()


async def test_an_error_frame_carries_the_client_id_as_ref(world_):
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    frame = await create_frame(None, "x" * 10_001)
    await contact.send_json_to(frame)
    error = await receive_until(contact, "error")
    assert error["ref"] == frame["client_id"]
    await contact.disconnect()


async def test_frames_before_hello_are_refused(world_):
    socket = WebsocketCommunicator(
        application, "/ws/widget/", headers=[(b"origin", b"https://shop.example")]
    )
    await socket.connect()
    await socket.send_json_to(await create_frame(None, "hi"))
    assert (await socket.receive_json_from())["code"] == "hello_required"
    assert await sync_to_async(message_count)() == 0
    await socket.disconnect()


async def test_a_conversation_the_sender_may_not_see_is_an_error(world_):
    other: World = await sync_to_async(build_world)()
    foreign = await sync_to_async(ConversationFactory)(inbox=other.inbox, contact=other.contact)
    hidden_inbox = await sync_to_async(InboxFactory)(workspace=world_.workspace)
    hidden = await sync_to_async(ConversationFactory)(inbox=hidden_inbox)
    strangers = await sync_to_async(ConversationFactory)(inbox=world_.inbox)

    agent, _ = await agent_socket(world_.agent.user)
    for conversation in (foreign, hidden):
        await agent.send_json_to(await create_frame(conversation.pk, "hi"))
        assert (await receive_until(agent, "error"))["code"] == "not_found"
        await agent.send_json_to({"type": "typing", "conversation": conversation.pk, "on": True})
        assert (await receive_until(agent, "error"))["code"] == "not_found"
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    await contact.send_json_to(await create_frame(strangers.pk, "hi"))
    assert (await receive_until(contact, "error"))["code"] == "not_found"
    await contact.send_json_to({"type": "read", "conversation": strangers.pk, "seq": 1})
    assert (await receive_until(contact, "error"))["code"] == "not_found"
    assert await sync_to_async(message_count)() == 0
    await agent.disconnect()
    await contact.disconnect()


async def test_a_widget_from_a_foreign_origin_is_refused_and_closed(world_):
    socket, error = await widget_socket(
        widget_token(world_.contact.pk, world_.inbox), origin="https://evil.example"
    )
    assert error == {
        "type": "error",
        "code": "origin_not_allowed",
        "detail": error["detail"],
        "ref": None,
    }
    closed = await socket.receive_output(timeout=2)
    assert closed == {"type": "websocket.close", "code": 4003}


async def test_a_bad_widget_token_is_refused_and_closed(world_):
    socket, error = await widget_socket("forged-token")
    assert error["code"] == "invalid_token"
    assert (await socket.receive_output(timeout=2))["type"] == "websocket.close"


async def test_an_agent_socket_from_a_foreign_origin_is_refused(world_):
    with pytest.raises(AssertionError, match="refused"):
        await agent_socket(world_.agent.user, origin="https://evil.example")


async def test_an_agent_socket_without_a_session_is_refused(world_):
    socket = WebsocketCommunicator(
        application, "/ws/agent/", headers=[(b"origin", b"http://testserver")]
    )
    connected, _ = await socket.connect()
    # Accepted and then closed with our code, so a browser can tell "log in again" apart.
    assert connected
    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}


async def test_typing_and_read_are_relayed_and_never_stored(world_):
    conversation = await sync_to_async(ConversationFactory)(
        inbox=world_.inbox, contact=world_.contact
    )
    await sync_to_async(services.message_send)(
        conversation=conversation, sender=Sender.of_contact(world_.contact), body="hi"
    )
    agent, _ = await agent_socket(world_.agent.user)
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))

    await contact.send_json_to({"type": "typing", "conversation": conversation.pk, "on": True})
    typing = await receive_until(agent, "typing")
    assert typing["on"] is True and typing["by"]["type"] == "contact"

    await agent.send_json_to({"type": "typing", "conversation": conversation.pk, "on": True})
    assert (await receive_until(contact, "typing"))["by"]["type"] == "agent"
    # An agent typing a private note is shown to colleagues, not to the customer.
    await agent.send_json_to(
        {"type": "typing", "conversation": conversation.pk, "on": True, "private": True}
    )
    assert [f for f in await drain(contact) if f["type"] == "typing"] == []

    await agent.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    read = await receive_until(contact, "read")
    assert read["seq"] == 1 and read["by"]["type"] == "agent"
    await contact.send_json_to({"type": "read", "conversation": conversation.pk, "seq": 1})
    assert (await receive_until(agent, "read"))["by"]["type"] == "contact"

    assert await sync_to_async(message_count)() == 1
    refreshed = await sync_to_async(Conversation.objects.get)(pk=conversation.pk)
    assert refreshed.contact_read_seq == 1
    await agent.disconnect()
    await contact.disconnect()


async def test_agents_get_conversation_updates(world_):
    conversation = await sync_to_async(ConversationFactory)(
        inbox=world_.inbox, contact=world_.contact
    )
    agent, _ = await agent_socket(world_.agent.user)
    await sync_to_async(services.conversation_assign)(
        conversation=conversation, assignee=world_.agent, actor=world_.admin
    )
    frames = await drain(agent)
    (update,) = [f for f in frames if f["type"] == "conversation.updated"]
    assert update["conversation"]["id"] == conversation.pk
    assert update["conversation"]["assignee"]["id"] == world_.agent.pk
    (event,) = [f for f in frames if f["type"] == "message.created"]
    assert event["message"]["kind"] == "event" and event["message"]["data"]["event"] == "assigned"
    await agent.disconnect()


async def test_a_contact_message_with_a_uuid_client_id_is_accepted_in_any_case(world_):
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    client_id = str(uuid.uuid4()).upper()
    await contact.send_json_to(await create_frame(None, "hi", client_id))
    ack = await receive_until(contact, "message.ack")
    assert ack["client_id"] == str(uuid.UUID(client_id))
    await contact.disconnect()


async def test_resuming_a_conversation_one_may_not_see_still_greets_and_replays_the_rest(world_):
    other: World = await sync_to_async(build_world)()
    foreign = await sync_to_async(ConversationFactory)(inbox=other.inbox, contact=other.contact)
    mine = await sync_to_async(ConversationFactory)(inbox=world_.inbox, contact=world_.contact)
    await sync_to_async(services.message_send)(
        conversation=mine, sender=Sender.of_contact(world_.contact), body="still here"
    )
    agent, _ = await agent_socket(world_.agent.user, resume={foreign.pk: 0, mine.pk: 0})
    frames = await drain(agent)
    errors = [f for f in frames if f["type"] == "error"]
    assert errors == [
        {
            "type": "error",
            "code": "not_found",
            "detail": errors[0]["detail"],
            "ref": str(foreign.pk),
        }
    ]
    replayed = [f["message"]["body"] for f in frames if f["type"] == "message.created"]
    assert replayed == ["still here"]
    await agent.send_json_to({"type": "ping"})
    assert (await receive_until(agent, "pong"))["type"] == "pong"
    await agent.disconnect()


async def test_a_member_in_the_inbox_and_assigned_gets_one_copy_of_typing(world_):
    conversation = await sync_to_async(ConversationFactory)(
        inbox=world_.inbox, contact=world_.contact, assignee=world_.agent, status="open"
    )
    agent, _ = await agent_socket(world_.agent.user)
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    await contact.send_json_to({"type": "typing", "conversation": conversation.pk, "on": True})
    typing = [f for f in await drain(agent) if f["type"] == "typing"]
    assert len(typing) == 1
    await agent.disconnect()
    await contact.disconnect()
