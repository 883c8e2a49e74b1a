"""Abuse limits: messages per contact (socket and REST share one budget), with 429 and
Retry-After on REST and an error frame with retry_after on the socket; nothing stored past it."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import sync_to_async
from django.test import override_settings

from parley.conversations.models import Message
from tests.conftest import World, build_world
from tests.inboxes.test_widget_api import open_session, widget_client
from tests.realtime import new_client_id, receive_until, widget_socket, widget_token


def send(client, body="hello"):
    return client.post(
        "/api/widget/v1/messages", {"client_id": str(uuid.uuid4()), "body": body}, format="json"
    )


def test_flooding_messages_over_rest_gets_429_with_retry_after(world, settings):
    settings.PARLEY_RATE_CONTACT_MESSAGES = "3/min"
    client = widget_client(open_session(world.inbox).json()["token"])
    assert [send(client).status_code for _ in range(3)] == [201, 201, 201]

    refused = send(client, "one too many")

    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["retry_after"] == int(refused["Retry-After"])
    assert Message.objects.filter(body="one too many").count() == 0
    assert Message.objects.count() == 3


def test_each_contact_has_its_own_budget(world, settings):
    settings.PARLEY_RATE_CONTACT_MESSAGES = "1/min"
    first = widget_client(open_session(world.inbox).json()["token"])
    second = widget_client(open_session(world.inbox).json()["token"])
    assert send(first).status_code == 201
    assert send(first).status_code == 429
    assert send(second).status_code == 201


@pytest.fixture
async def world_() -> World:
    return await sync_to_async(build_world)()


@pytest.mark.django_db(transaction=True)
@override_settings(PARLEY_RATE_CONTACT_MESSAGES="2/min")
async def test_flooding_messages_over_the_socket_gets_an_error_frame_with_retry_after(world_):
    socket, _ = await widget_socket(widget_token(world_.contact.pk, world_.inbox))
    for body in ("one", "two", "three"):
        await socket.send_json_to(
            {
                "type": "message.create",
                "client_id": new_client_id(),
                "conversation": None,
                "body": body,
            }
        )
    error = await receive_until(socket, "error", timeout=20)
    assert error["code"] == "throttled"
    assert error["retry_after"] >= 1
    # The socket stays open for later, and the third message was not stored.
    await socket.send_json_to({"type": "ping"})
    assert (await receive_until(socket, "pong"))["type"] == "pong"
    bodies = await sync_to_async(lambda: sorted(Message.objects.values_list("body", flat=True)))()
    assert "three" not in bodies and {"one", "two"} <= set(bodies)
    await socket.disconnect()
