"""What the widget learns at session start (someone online? a pre-chat form?) and the
leave-a-message path when nobody is there."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from rest_framework.test import APIClient

from parley.conversations.models import Conversation
from parley.conversations.presence import mark_present
from tests.conftest import build_world
from tests.factories import ORIGIN
from tests.realtime import agent_socket


def open_session(inbox):
    return (
        APIClient()
        .post(
            "/api/widget/v1/sessions",
            {"inbox": inbox.public_key},
            format="json",
            headers={"Origin": ORIGIN},
        )
        .json()
    )


def test_the_inbox_is_offline_until_someone_who_answers_it_is_present(world, other_world):
    assert open_session(world.inbox)["inbox"]["online"] is False
    mark_present([other_world.agent.pk])  # present, but in another workspace
    assert open_session(world.inbox)["inbox"]["online"] is False
    mark_present([world.agent.pk])
    assert open_session(world.inbox)["inbox"]["online"] is True


@pytest.mark.django_db(transaction=True)
async def test_an_open_console_socket_makes_the_inbox_online():
    world = await sync_to_async(build_world)()
    assert (await sync_to_async(open_session)(world.inbox))["inbox"]["online"] is False
    socket, _ = await agent_socket(world.other_agent.user)
    assert (await sync_to_async(open_session)(world.inbox))["inbox"]["online"] is True
    await socket.disconnect()


def test_the_prechat_form_is_off_unless_configured(world):
    assert open_session(world.inbox)["inbox"]["prechat"] == {
        "enabled": False,
        "fields": ["name", "email"],
        "topics": [],
    }
    world.inbox.settings = {
        "prechat": {
            "enabled": True,
            "fields": ["name", "topic", "evil"],
            "topics": ["Orders", "退款"],
        }
    }
    world.inbox.save()
    assert open_session(world.inbox)["inbox"]["prechat"] == {
        "enabled": True,
        "fields": ["name", "topic"],
        "topics": ["Orders", "退款"],
    }


def leave(token, **body):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ORIGIN=ORIGIN)
    return client.post("/api/widget/v1/leave-message", body, format="json")


def test_leaving_a_message_queues_a_conversation_the_team_sees(world):
    session = open_session(world.inbox)
    response = leave(
        session["token"], name="Zhang San", email="zs@example.cn", body="请明天给我回电话"
    )
    assert response.status_code == 201
    conversation = Conversation.objects.get(pk=response.json()["conversation"]["id"])
    assert conversation.status == "queued" and conversation.inbox == world.inbox
    assert conversation.contact.name == "Zhang San"
    assert conversation.contact.email == "zs@example.cn"
    timeline = list(conversation.messages.order_by("seq").values_list("kind", "body"))
    assert timeline[0][0] == "event" and timeline[1] == ("text", "请明天给我回电话")


@pytest.mark.parametrize("bad", [{"email": "not-an-email"}, {"body": ""}, {"name": ""}])
def test_a_bad_leave_message_form_is_refused_and_nothing_is_created(world, bad):
    session = open_session(world.inbox)
    body = {"name": "A", "email": "a@example.cn", "body": "hi", **bad}
    response = leave(session["token"], **body)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not Conversation.objects.exists()


def test_leaving_the_same_message_twice_keeps_one(world):
    import uuid

    session = open_session(world.inbox)
    body = {"name": "A", "email": "a@example.cn", "body": "call me", "client_id": str(uuid.uuid4())}
    first = leave(session["token"], **body)
    retry = leave(session["token"], **body)
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json() == retry.json()
    assert Conversation.objects.count() == 1


def test_leaving_messages_is_rate_limited(world, throttle_rates):
    throttle_rates(leave_message="2/hour")
    token = open_session(world.inbox)["token"]
    statuses = [
        leave(token, name="A", email="a@example.cn", body=f"m{n}").status_code for n in range(3)
    ]
    assert statuses == [201, 201, 429]
    assert Conversation.objects.count() == 2
