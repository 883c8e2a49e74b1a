"""A whole bot conversation over the real widget socket: greeted, answered with the source
article, a "did you mean", then "转人工" — and routing gives it to the agent with the skill the
answered FAQ asks for, who sees the bot's transcript and the intent."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from parley.bot.models import BotSession
from parley.conversations.models import Conversation, Status
from parley.conversations.presence import mark_present
from parley.routing.models import AgentSkill
from tests.bot.bot_world import bot_on, knowledge_base
from tests.conftest import World, build_world, client_for
from tests.realtime import agent_socket, new_client_id, receive_until, widget_socket, widget_token

pytestmark = [pytest.mark.django_db(transaction=True)]


def bot_world() -> World:
    world = build_world()
    world.contact.locale = "zh-CN"
    world.contact.save(update_fields=["locale"])
    knowledge_base(world)
    bot_on(world)
    world.inbox.settings = {**world.inbox.settings, "routing": {"policy": "skills"}}
    world.inbox.save(update_fields=["settings"])
    AgentSkill.objects.create(member=world.other_agent, skill="logistics", level=2)
    mark_present([world.agent.pk, world.other_agent.pk])
    return world


async def bot_message(socket: WebsocketCommunicator) -> dict[str, Any]:
    while True:
        frame = await receive_until(socket, "message.created")
        if frame["message"]["sender"]["type"] == "bot":
            return dict(frame["message"])


async def send(socket: WebsocketCommunicator, conversation: int | None, body: str) -> int:
    await socket.send_json_to(
        {
            "type": "message.create",
            "client_id": new_client_id(),
            "conversation": conversation,
            "body": body,
        }
    )
    ack = await receive_until(socket, "message.ack")
    return int(ack["message"]["conversation"])


async def test_a_bot_conversation_ends_with_the_skilled_agent() -> None:
    world = await sync_to_async(bot_world)()
    skilled, _ = await agent_socket(world.other_agent.user)
    widget, _ = await widget_socket(widget_token(world.contact.pk, world.inbox))

    conversation_id = await send(widget, None, "收货地址写错了怎么办")
    greeting = await bot_message(widget)
    answer = await bot_message(widget)

    assert greeting["body"].startswith("您好")
    assert greeting["data"]["bot"]["kind"] == "greeting"
    assert answer["body"] == "发货前可在订单详情中修改收货地址。"
    assert answer["data"]["bot"]["source"]["url"].endswith(
        "/articles/change-address-zh/?lang=zh-CN"
    )
    stored = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert stored.status == Status.BOT

    await send(widget, conversation_id, "退款 地址")
    suggestion = await bot_message(widget)
    assert suggestion["data"]["bot"]["kind"] == "suggest"
    assert len(suggestion["data"]["bot"]["choices"]) >= 2

    await send(widget, conversation_id, "转人工")
    told = await bot_message(widget)
    assert "转接人工客服" in told["body"]

    # Routing ran after the handoff committed: the agent with the logistics skill has it.
    assigned = await receive_until(skilled, "conversation.updated")
    while (
        assigned["conversation"].get("assignee") is None
        or assigned["conversation"]["id"] != conversation_id
    ):
        assigned = await receive_until(skilled, "conversation.updated")
    stored = await sync_to_async(Conversation.objects.get)(pk=conversation_id)
    assert stored.status == Status.OPEN
    assert stored.assignee_id == world.other_agent.pk
    assert stored.topic == "change_address"
    session = await sync_to_async(BotSession.objects.get)(conversation_id=conversation_id)
    assert session.handoff_reason == "requested"

    # The agent reads the bot's transcript in the same timeline, and the intent.
    def agent_view() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        client = client_for(world.other_agent)
        slug = world.workspace.slug
        messages = client.get(
            f"/api/v1/workspaces/{slug}/conversations/{conversation_id}/messages/"
        )
        bot = client.get(f"/api/v1/workspaces/{slug}/bot/conversations/{conversation_id}/")
        assert messages.status_code == 200, messages.content
        body = messages.json()
        return (body["results"] if isinstance(body, dict) else body), bot.json()["bot"]

    timeline, summary = await sync_to_async(agent_view)()
    senders = [(m["sender"]["type"], m["body"]) for m in timeline if m["kind"] != "event"]
    assert ("contact", "收货地址写错了怎么办") in senders
    assert ("bot", "发货前可在订单详情中修改收货地址。") in senders
    handoff = [m for m in timeline if m["data"].get("event") == "bot_handoff"]
    assert handoff and handoff[0]["data"]["intent"] == "change_address"
    assert summary["intent"] == "change_address"
    assert summary["handoff_reason"] == "requested"
    await widget.disconnect()
    await skilled.disconnect()
