"""Query budgets of the REST probe's two requests (docs/benchmarks.md, "Real-time path"): list
conversations and send a message, each with an integration's API token, as bench/load sends
them. Every query is a round trip while the caller waits; a feature that adds one to these
requests must change the budget here, on purpose (bench/rest_path.py measures their time).

Counted inside the test's transaction, so each `transaction.atomic` shows as a SAVEPOINT and
its RELEASE; in production they are BEGIN and COMMIT.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone
from rest_framework.test import APIClient

from parley.accounts.models import ApiToken, Member
from parley.accounts.services import api_token_issue
from parley.analytics.models import ConversationSentiment
from parley.conversations import realtime, services
from parley.conversations.models import Message, Status
from parley.conversations.services import Sender
from tests.conftest import World
from tests.factories import (
    ContactFactory,
    ConversationFactory,
    InboxFactory,
    MemberFactory,
    TeamFactory,
)


def token_client(member: Member) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(member=member, name='t').key}")
    return client


def url(world: World, path: str = "") -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


def busy_conversations(world: World, count: int) -> None:
    """Conversations with everything a list row shows: an assignee (a user with a name), a
    team, a contact without a name (shown by the masked address), a last message, a read
    mark and a sentiment badge."""
    team = TeamFactory(workspace=world.workspace)
    for n in range(count):
        assignee = MemberFactory(workspace=world.workspace)
        conversation = ConversationFactory(
            inbox=world.inbox,
            contact=ContactFactory(workspace=world.workspace, name=""),
            assignee=assignee,
            team=team,
            status=Status.OPEN,
        )
        services.message_send(
            conversation=conversation,
            sender=Sender.of_contact(conversation.contact),
            body=f"order {n}",
        )
        services.conversation_mark_read_by_member(
            conversation=conversation, member=world.admin, seq=1
        )
        ConversationSentiment.objects.create(
            conversation=conversation, workspace=world.workspace, label="negative", score=-0.6
        )


@pytest.mark.parametrize("rows", [2, 12])
def test_the_list_costs_the_same_queries_whatever_the_page_holds(
    world: World, django_assert_num_queries: Any, rows: int
) -> None:
    busy_conversations(world, rows)
    client = token_client(world.admin)
    client.get(url(world, "conversations/"))  # the token's first use is written down

    # The token (with its member, user and workspace), the page (with its names, unread
    # counts, last messages and sentiment).
    with django_assert_num_queries(2):
        response = client.get(url(world, "conversations/"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == rows
    row = results[0]
    assert row["assignee"]["name"].startswith("User ") and row["team"]["name"]
    assert row["contact"]["name"].endswith("@example.test") and "*" in row["contact"]["name"]
    assert row["unread"] == 0 and row["sentiment"]["label"] == "negative"
    assert row["last_message"] == {
        "body": f"order {rows - 1}",
        "kind": "text",
        "sender_type": "contact",
        "private": False,
    }


def test_an_agents_list_costs_the_same(world: World, django_assert_num_queries: Any) -> None:
    busy_conversations(world, 3)
    ConversationFactory(inbox=InboxFactory(workspace=world.workspace))  # not the agent's
    client = token_client(world.agent)
    client.get(url(world, "conversations/"))

    with django_assert_num_queries(2):
        response = client.get(url(world, "conversations/"))
    assert {r["inbox"]["id"] for r in response.json()["results"]} == {world.inbox.pk}


def test_the_preview_of_the_last_message_is_masked(world: World) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    services.message_send(
        conversation=conversation,
        sender=Sender.of_contact(world.contact),
        body="call me on 13812345678 " + "please " * 30,
    )
    preview = token_client(world.agent).get(url(world, "conversations/")).json()["results"][0]
    body = preview["last_message"]["body"]
    assert "13812345678" not in body and body.startswith("call me on 138")
    assert len(body) == 120


def test_sending_costs_a_fixed_number_of_queries(
    world: World, django_assert_num_queries: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation = ConversationFactory(
        inbox=world.inbox, contact=world.contact, assignee=world.admin, status=Status.OPEN
    )
    client = token_client(world.admin)
    client.get(url(world, "conversations/"))
    path = url(world, f"conversations/{conversation.pk}/messages/")

    # The view's two: the token (with its member, user and workspace) and the conversation's
    # key, if the member may see it (not its joins: the service locks and reads the row
    # again). Then message_send's twelve, this being the first reply: its transaction (2), the
    # lock, the client_id, INSERT, last_seq and first response, the SLA, the first-response
    # event, the sender's read mark (4). No read of the new message's attachments: it has none.
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(14):
        response = client.post(
            path, {"body": "On its way", "client_id": str(uuid.uuid4())}, format="json"
        )
    assert response.status_code == 201
    assert response.json()["attachments"] == [] and response.json()["body"] == "On its way"
    assert Message.objects.filter(conversation=conversation, body="On its way").count() == 1


def test_a_resent_message_is_answered_with_its_attachments(world: World) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    client = token_client(world.agent)
    body = {"body": "Here", "client_id": str(uuid.uuid4())}
    path = url(world, f"conversations/{conversation.pk}/messages/")
    first = client.post(path, body, format="json")
    again = client.post(path, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["attachments"] == []


def test_sending_to_a_conversation_the_agent_cannot_see_is_a_404(world: World) -> None:
    hidden = ConversationFactory(inbox=InboxFactory(workspace=world.workspace))
    response = token_client(world.agent).post(
        url(world, f"conversations/{hidden.pk}/messages/"), {"body": "hi"}, format="json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert not Message.objects.filter(conversation=hidden).exists()


def test_a_token_is_written_down_as_used_at_most_once_a_minute(
    world: World, django_assert_num_queries: Any
) -> None:
    client = token_client(world.admin)
    token = ApiToken.objects.get()
    assert token.last_used_at is None
    client.get(url(world, "conversations/"))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None

    client.get(url(world, "conversations/"))
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: not written again

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    client.get(url(world, "conversations/"))
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at > first - timedelta(seconds=1)
    assert timezone.now() - token.last_used_at < timedelta(minutes=1)


@pytest.mark.django_db(transaction=True)
async def test_a_sent_messages_frames_leave_in_one_hop_after_the_commit(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The request commits for real here: the frames the send publishes at commit are
    collected and sent together once the service returns, and reach the inbox's members.

    The member's channel lives on this test's event loop, as a socket's does on its process's
    (the pub/sub layer delivers only to channels of the loop that made them)."""
    layer = get_channel_layer()
    assert layer is not None
    channel = await layer.new_channel()
    await layer.group_add(realtime.inbox_group(world.inbox.pk), channel)
    hops: list[list[str]] = []
    send_all = realtime.asend_all

    async def counted(outbox: list[realtime.Outgoing]) -> None:
        hops.append([frame["type"] for _, frame in outbox])
        await send_all(outbox)

    monkeypatch.setattr(realtime, "asend_all", counted)

    def send() -> int:
        conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
        response = token_client(world.agent).post(
            url(world, f"conversations/{conversation.pk}/messages/"), {"body": "Hi"}, format="json"
        )
        return int(response.status_code)

    assert await sync_to_async(send)() == 201
    assert len(hops) == 1 and "message.created" in hops[0] and len(hops[0]) > 1
    received = []
    for _ in hops[0]:
        try:
            received.append(await _receive_soon(layer, channel))
        except TimeoutError:
            break
    bodies = [
        m["frame"]["message"]["body"] for m in received if m["frame"]["type"] == "message.created"
    ]
    assert bodies[-1:] == ["Hi"]  # after the event of the agent taking the conversation


async def _receive_soon(layer: Any, channel: str) -> Any:
    return await asyncio.wait_for(layer.receive(channel), timeout=2)
