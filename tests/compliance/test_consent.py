"""The privacy notice in the widget and the consent the server enforces."""

from __future__ import annotations

import uuid

import pytest

from parley.compliance.consent import truncate_address
from parley.compliance.models import ConsentRecord, PrivacySettings
from parley.conversations.models import Conversation, Message
from parley.conversations.services import contact_message_send
from parley.errors import ApplicationError
from tests.conftest import World
from tests.inboxes.test_widget_api import open_session, widget_client


@pytest.fixture
def required(world: World) -> PrivacySettings:
    return PrivacySettings.objects.create(
        workspace=world.workspace,
        notice_en="We keep your messages for 30 days.",
        notice_zh="我们保存您的消息 30 天。",
        consent_required=True,
        notice_version=3,
    )


def send(token: str, body: str = "hello"):
    return widget_client(token).post(
        "/api/widget/v1/messages",
        {"client_id": str(uuid.uuid4()), "body": body},
        format="json",
    )


def consent(token: str, version: int, accepted: bool = True, **headers):
    return widget_client(token).post(
        "/api/widget/v1/consent",
        {"notice_version": version, "accepted": accepted},
        format="json",
        **headers,
    )


def test_without_a_notice_the_session_carries_none(world: World):
    body = open_session(world.inbox).json()
    assert body["privacy"] is None
    assert send(body["token"]).status_code == 201


def test_the_session_carries_the_notice_in_the_visitors_language(world: World, required):
    english = open_session(world.inbox).json()["privacy"]
    chinese = open_session(world.inbox, locale="zh-CN").json()["privacy"]

    assert english == {
        "notice": "We keep your messages for 30 days.",
        "version": 3,
        "consent_required": True,
        "consented": False,
    }
    assert chinese["notice"] == "我们保存您的消息 30 天。"


def test_no_conversation_starts_without_consent_and_nothing_is_stored(world: World, required):
    token = open_session(world.inbox).json()["token"]
    conversations, messages = Conversation.objects.count(), Message.objects.count()

    refused = send(token)

    assert refused.status_code == 403
    assert refused.json()["code"] == "consent_required"
    assert refused.json()["notice_version"] == 3
    assert (Conversation.objects.count(), Message.objects.count()) == (conversations, messages)
    left = widget_client(token).post(
        "/api/widget/v1/leave-message",
        {"name": "Li", "email": "li@example.test", "body": "call me"},
        format="json",
    )
    assert left.status_code == 403 and left.json()["code"] == "consent_required"
    assert Conversation.objects.count() == conversations


def test_the_socket_path_is_refused_too(world: World, required):
    """The socket's message.create calls the same service as REST."""
    contact = world.contact
    with pytest.raises(ApplicationError) as refused:
        contact_message_send(
            contact=contact, inbox=world.inbox, conversation_id=None, body="hi", client_id=None
        )
    assert refused.value.code == "consent_required"


def test_consent_is_recorded_and_lets_the_visitor_chat(world: World, required):
    session = open_session(world.inbox).json()

    answer = consent(session["token"], 3, REMOTE_ADDR="203.0.113.77")

    assert answer.status_code == 201
    record = ConsentRecord.objects.get()
    assert (record.contact_id, record.inbox_id, record.notice_version) == (
        session["contact"]["id"],
        world.inbox.pk,
        3,
    )
    assert record.accepted and record.created_at is not None
    assert record.ip_prefix == ""  # addresses are not collected by default
    assert send(session["token"]).status_code == 201
    again = open_session(world.inbox, token=session["token"]).json()["privacy"]
    assert again["consented"] is True


def test_a_new_notice_version_asks_again(world: World, required):
    token = open_session(world.inbox).json()["token"]
    consent(token, 3)
    required.notice_version = 4
    required.save()

    assert open_session(world.inbox, token=token).json()["privacy"]["consented"] is False
    assert send(token).json()["code"] == "consent_required"
    assert consent(token, 4).status_code == 201
    assert send(token).status_code == 201


def test_a_declined_notice_or_an_outdated_version_does_not_open_the_chat(world: World, required):
    token = open_session(world.inbox).json()["token"]

    declined = consent(token, 3, accepted=False)
    outdated = consent(token, 2)
    garbage = widget_client(token).post(
        "/api/widget/v1/consent", {"notice_version": "x"}, format="json"
    )

    assert declined.status_code == 201
    assert outdated.status_code == 400
    assert outdated.json()["fields"] == {"notice_version": "outdated"}
    assert garbage.status_code == 400
    assert ConsentRecord.objects.count() == 1  # only the declined answer
    assert send(token).json()["code"] == "consent_required"


def test_an_ongoing_conversation_continues_after_a_new_version(world: World, required):
    token = open_session(world.inbox).json()["token"]
    consent(token, 3)
    first = send(token).json()
    required.notice_version = 4
    required.save()

    reply = widget_client(token).post(
        "/api/widget/v1/messages",
        {
            "client_id": str(uuid.uuid4()),
            "body": "still here",
            "conversation": first["conversation"],
        },
        format="json",
    )

    assert reply.status_code == 201


def test_the_address_is_kept_truncated_only_where_addresses_are_collected(world: World, required):
    required.collect = [*required.collect, "ip"]
    required.save()
    token = open_session(world.inbox).json()["token"]

    consent(token, 3, REMOTE_ADDR="203.0.113.77")

    assert ConsentRecord.objects.get().ip_prefix == "203.0.113.0/24"
    assert truncate_address("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert truncate_address("not an address") == ""


def test_consent_needs_a_widget_token(world: World, required):
    response = widget_client("forged").post(
        "/api/widget/v1/consent", {"notice_version": 3, "accepted": True}, format="json"
    )
    assert response.status_code == 401
    assert not ConsentRecord.objects.exists()
