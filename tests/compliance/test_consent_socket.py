"""Consent on the widget socket: `message.create` for a new conversation is refused with an
`error` frame (`consent_required`), the socket stays open, nothing is stored; after consent the
same frame is stored."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async

from parley.compliance.consent import consent_record
from parley.compliance.models import PrivacySettings
from parley.conversations.models import Conversation, Message
from tests.conftest import World, build_world
from tests.realtime import new_client_id, receive_until, widget_socket, widget_token

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def world_() -> World:
    world = await sync_to_async(build_world)()
    await sync_to_async(PrivacySettings.objects.create)(
        workspace=world.workspace, notice_en="We keep chats.", consent_required=True
    )
    return world


def counts() -> tuple[int, int]:
    return Conversation.objects.count(), Message.objects.count()


async def test_a_new_conversation_over_the_socket_needs_consent(world_: World):
    before = await sync_to_async(counts)()
    contact, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    frame = {"type": "message.create", "client_id": new_client_id(), "conversation": None}

    await contact.send_json_to({**frame, "body": "hello"})
    error = await receive_until(contact, "error", timeout=30)

    assert error["code"] == "consent_required" and error["ref"] == frame["client_id"]
    assert await sync_to_async(counts)() == before
    await contact.send_json_to({"type": "ping"})
    assert (await receive_until(contact, "pong"))["type"] == "pong"

    await sync_to_async(consent_record)(
        contact=world_.contact, inbox=world_.inbox, notice_version=1, accepted=True
    )
    await contact.send_json_to({**frame, "body": "hello"})
    ack = await receive_until(contact, "message.ack", timeout=30)

    assert ack["client_id"] == frame["client_id"]
    assert await sync_to_async(counts)() == (before[0] + 1, before[1] + 1)
    await contact.disconnect()
