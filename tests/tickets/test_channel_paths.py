"""Tickets through the everyday paths: leave-a-message makes one; a closed ticket never
reopens, whether the customer writes from the widget or an agent tries to reopen it."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from parley.conversations import services as conversation_services
from parley.conversations.models import Conversation, Status
from parley.errors import ApplicationError
from parley.tickets.models import Ticket
from tests.conftest import client_for
from tests.factories import ORIGIN


def widget(world):
    session = (
        APIClient()
        .post(
            "/api/widget/v1/sessions",
            {"inbox": world.inbox.public_key},
            format="json",
            headers={"Origin": ORIGIN},
        )
        .json()
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {session['token']}", HTTP_ORIGIN=ORIGIN)
    return client


def test_leaving_a_message_makes_a_ticket_once(world):
    client = widget(world)
    body = {
        "name": "Li",
        "email": "li@example.cn",
        "body": "请回电",
        "client_id": str(uuid.uuid4()),
    }
    first = client.post("/api/widget/v1/leave-message", body, format="json")
    again = client.post("/api/widget/v1/leave-message", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    ticket = Ticket.objects.get()
    assert ticket.created_via == "leave_message" and ticket.number >= 10001
    assert ticket.pk == first.json()["conversation"]["id"]


def test_a_ticket_nobody_named_takes_the_customers_first_words_as_subject(world):
    words = "包裹破损了，可以换一个吗？" + "很着急" * 80
    widget(world).post(
        "/api/widget/v1/leave-message",
        {"name": "Li", "email": "li@example.cn", "body": words + "\n订单 2024-0901"},
        format="json",
    )

    subject = Ticket.objects.get().subject
    assert subject.startswith("包裹破损了，可以换一个吗？很着急")
    assert len(subject) == 200 and subject.endswith("…")


@pytest.fixture
def closed_ticket(world):
    client = widget(world)
    sent = client.post(
        "/api/widget/v1/leave-message",
        {"name": "Li", "email": "li@example.cn", "body": "help"},
        format="json",
    ).json()
    conversation = Conversation.objects.get(pk=sent["conversation"]["id"])
    conversation_services.conversation_set_status(
        conversation=conversation, status=Status.RESOLVED, actor=world.admin
    )
    Ticket.objects.filter(pk=conversation.pk).update(closed_at=timezone.now() - timedelta(1))
    return client, conversation


def test_a_customer_writing_into_a_closed_ticket_opens_a_follow_up(world, closed_ticket):
    client, conversation = closed_ticket
    client_id = str(uuid.uuid4())
    body = {"client_id": client_id, "conversation": conversation.pk, "body": "still broken"}
    first = client.post("/api/widget/v1/messages", body, format="json")
    retry = client.post("/api/widget/v1/messages", body, format="json")
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED  # the closed one stays closed
    follow_up = Ticket.objects.get(follow_up_of_id=conversation.pk)
    assert first.json()["conversation"] == follow_up.pk
    assert Ticket.objects.count() == 2


def test_nobody_reopens_a_closed_ticket(world, closed_ticket):
    _, conversation = closed_ticket
    with pytest.raises(ApplicationError) as error:
        conversation_services.conversation_set_status(
            conversation=conversation, status=Status.OPEN, actor=world.admin
        )
    assert error.value.code == "invalid_transition"
    response = client_for(world.admin).post(
        f"/api/v1/workspaces/{world.workspace.slug}/conversations/{conversation.pk}/status/",
        {"status": "open"},
        format="json",
    )
    assert response.status_code == 409
    conversation.refresh_from_db()
    assert conversation.status == Status.RESOLVED
