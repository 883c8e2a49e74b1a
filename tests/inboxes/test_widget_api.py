"""The widget's HTTP API: sessions, origin checks, the REST fallback for messages."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from parley.contacts.models import Contact
from parley.conversations.models import Message
from tests.factories import ORIGIN, ConversationFactory, InboxFactory


def open_session(inbox, origin=ORIGIN, **body):
    return APIClient().post(
        "/api/widget/v1/sessions",
        {"inbox": inbox.public_key, **body},
        format="json",
        headers={"Origin": origin} if origin else {},
    )


def widget_client(token, origin=ORIGIN):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ORIGIN=origin)
    return client


def test_a_session_creates_an_anonymous_contact_and_a_token(world):
    response = open_session(world.inbox, name="Li Lei")
    assert response.status_code == 201
    body = response.json()
    contact = Contact.objects.get(pk=body["contact"]["id"])
    assert contact.workspace == world.workspace and contact.name == "Li Lei"
    assert body["conversations"] == []
    assert body["token"]
    assert response["Access-Control-Allow-Origin"] in ("*", ORIGIN)


def test_the_session_remembers_the_language_the_visitor_is_served_in(world):
    first = open_session(world.inbox, locale="zh-CN").json()
    contact = Contact.objects.get(pk=first["contact"]["id"])
    assert contact.locale == "zh-CN"

    open_session(world.inbox, token=first["token"], locale="en-GB")

    contact.refresh_from_db()
    assert contact.locale == "en"


def test_an_earlier_token_returns_the_same_contact_and_their_conversations(world):
    first = open_session(world.inbox).json()
    widget_client(first["token"]).post(
        "/api/widget/v1/messages",
        {"client_id": str(uuid.uuid4()), "conversation": None, "body": "hi"},
        format="json",
    )
    again = open_session(world.inbox, token=first["token"]).json()
    assert again["contact"]["id"] == first["contact"]["id"]
    assert [c["last_seq"] for c in again["conversations"]] == [1]
    assert Contact.objects.count() == 2  # the world's contact and this visitor


@pytest.mark.parametrize("token", ["garbage", "a" * 50])
def test_an_invalid_token_starts_a_fresh_contact(world, token):
    response = open_session(world.inbox, token=token)
    assert response.status_code == 201


def test_a_token_of_another_inbox_does_not_carry_over(world, other_world):
    first = open_session(world.inbox).json()
    response = open_session(other_world.inbox, token=first["token"])
    assert response.json()["contact"]["id"] != first["contact"]["id"]


@pytest.mark.parametrize("origin", ["https://evil.example", None, "https://shop.example.evil.test"])
def test_a_foreign_or_missing_origin_is_refused(world, origin):
    before = Contact.objects.count()
    response = open_session(world.inbox, origin=origin)
    assert response.status_code == 403
    assert response.json()["code"] == "origin_not_allowed"
    assert Contact.objects.count() == before


def test_an_unknown_inbox_key_is_404(world):
    response = APIClient().post(
        "/api/widget/v1/sessions", {"inbox": "nope"}, format="json", headers={"Origin": ORIGIN}
    )
    assert response.status_code == 404 and response.json()["code"] == "inbox_not_found"


def test_session_creation_is_rate_limited(world, throttle_rates):
    throttle_rates(widget_session="2/min")
    statuses = [open_session(world.inbox).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert open_session(world.inbox).json()["code"] == "throttled"


def test_send_over_rest_is_idempotent_and_readable(world):
    token = open_session(world.inbox).json()["token"]
    client = widget_client(token)
    client_id = str(uuid.uuid4())
    first = client.post(
        "/api/widget/v1/messages",
        {"client_id": client_id, "conversation": None, "body": "我想申请退款"},
        format="json",
    )
    retry = client.post(
        "/api/widget/v1/messages",
        {"client_id": client_id, "conversation": None, "body": "我想申请退款"},
        format="json",
    )
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    conversation_id = first.json()["conversation"]
    messages = client.get(f"/api/widget/v1/conversations/{conversation_id}/messages").json()
    assert [m["body"] for m in messages["results"]] == ["我想申请退款"]
    assert messages["conversation"]["status"] == "queued"


def test_private_notes_never_reach_the_widget(world):
    from parley.conversations import services
    from parley.conversations.services import Sender

    session = open_session(world.inbox).json()
    contact = Contact.objects.get(pk=session["contact"]["id"])
    conversation = ConversationFactory(inbox=world.inbox, contact=contact)
    services.message_send(
        conversation=conversation,
        sender=Sender.of_member(world.agent),
        body="internal only",
        private=True,
    )
    services.message_send(
        conversation=conversation, sender=Sender.of_member(world.agent), body="Hello!"
    )
    results = (
        widget_client(session["token"])
        .get(f"/api/widget/v1/conversations/{conversation.pk}/messages")
        .json()["results"]
    )
    assert [m["body"] for m in results if m["kind"] == "text"] == ["Hello!"]


def test_a_visitor_cannot_read_or_write_another_visitors_conversation(world):
    mine = open_session(world.inbox).json()["token"]
    stranger = ConversationFactory(inbox=world.inbox)
    client = widget_client(mine)
    assert client.get(f"/api/widget/v1/conversations/{stranger.pk}/messages").status_code == 404
    response = client.post(
        "/api/widget/v1/messages",
        {"client_id": str(uuid.uuid4()), "conversation": stranger.pk, "body": "hi"},
        format="json",
    )
    assert response.status_code == 404
    assert not Message.objects.filter(conversation=stranger).exists()


def test_widget_calls_need_a_token_and_an_allowed_origin(world):
    token = open_session(world.inbox).json()["token"]
    body = {"client_id": str(uuid.uuid4()), "conversation": None, "body": "hi"}
    no_token = APIClient().post(
        "/api/widget/v1/messages", body, format="json", headers={"Origin": ORIGIN}
    )
    assert no_token.status_code == 401
    wrong_origin = widget_client(token, origin="https://evil.example").post(
        "/api/widget/v1/messages", body, format="json"
    )
    assert wrong_origin.status_code == 403
    assert not Message.objects.exists()


def test_an_inbox_of_another_kind_has_no_widget(world):
    api_inbox = InboxFactory(workspace=world.workspace, kind="api")
    assert open_session(api_inbox).status_code == 403


def test_a_same_origin_get_without_an_origin_header_counts_as_the_servers_own(world):
    world.inbox.allowed_origins = ["http://testserver"]
    world.inbox.save()
    token = open_session(world.inbox, origin="http://testserver").json()["token"]
    conversation = ConversationFactory(inbox=world.inbox)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    # A cross-site caller cannot claim this: browsers set Sec-Fetch-Site themselves.
    assert client.get(f"/api/widget/v1/conversations/{conversation.pk}/messages").status_code == 403
    same_site = client.get(
        f"/api/widget/v1/conversations/{conversation.pk}/messages",
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert same_site.status_code == 404  # past the origin check; not this visitor's conversation
