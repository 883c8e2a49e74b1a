"""A contact's e-mail address: masked (z***@example.test) for members without "view PII" on
every API answer that carries it, clear for those with it; masked for every staff member where
it only stands in for a missing name (lists, frames, search), as socket frames are shared."""

from __future__ import annotations

import json
from typing import Any

import pytest

from parley.accounts.models import AuditEvent
from parley.contacts.models import Contact
from parley.contacts.services import contact_update
from parley.conversations.models import Conversation
from parley.conversations.services import Sender, message_send
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.services import TicketChanges, ticket_create, ticket_update
from tests.conftest import Published, World, client_for
from tests.factories import ContactFactory, ConversationFactory

ADDRESS = "zhang.wei@example.test"
MASKED = "z***@example.test"


@pytest.fixture
def customer(world: World) -> Contact:
    contact = ContactFactory(workspace=world.workspace, name="")
    contact_update(contact=contact, actor=world.admin, email=ADDRESS, phone="13812345678")
    return contact


@pytest.fixture
def conversation(world: World, customer: Contact) -> Conversation:
    conversation = ConversationFactory(inbox=world.inbox, contact=customer)
    message_send(
        conversation=conversation, sender=Sender.of_contact(customer), body="Where is my parcel?"
    )
    return conversation


@pytest.fixture
def ticket(world: World, customer: Contact) -> Ticket:
    return ticket_create(
        inbox=world.inbox,
        contact=customer,
        subject="Parcel",
        description="Where is it?",
        created_via=CreatedVia.CONSOLE,
        actor=world.supervisor,
    )


def url(world: World, path: str) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


def expected(role: str) -> str:
    return MASKED if role == "agent" else ADDRESS


ROLES = ["agent", "supervisor", "admin", "owner"]


@pytest.mark.parametrize("role", ROLES)
def test_contact_detail(world: World, customer: Contact, conversation: Any, role: str) -> None:
    body = client_for(world.member(role)).get(url(world, f"contacts/{customer.pk}/")).json()

    assert body["email"] == expected(role)
    assert body["display_name"] == MASKED  # the name it stands in for: masked for everyone
    assert body["phone"] == "138****5678"


@pytest.mark.parametrize("role", ROLES)
def test_contact_list_by_phone(
    world: World, customer: Contact, conversation: Any, role: str
) -> None:
    response = client_for(world.member(role)).get(url(world, "contacts/"), {"phone": "13812345678"})

    [found] = response.json()["results"]
    assert found["id"] == customer.pk and found["email"] == expected(role)


@pytest.mark.parametrize("role", ROLES)
def test_contact_edit_answer(world: World, customer: Contact, conversation: Any, role: str) -> None:
    response = client_for(world.member(role)).patch(
        url(world, f"contacts/{customer.pk}/"), {"name": "Zhang Wei"}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["email"] == expected(role)
    assert response.json()["display_name"] == "Zhang Wei"
    customer.refresh_from_db()
    assert customer.email == ADDRESS  # the edit left the address alone


@pytest.mark.parametrize("role", ROLES)
def test_ticket_requester_in_list_detail_and_change(
    world: World, ticket: Ticket, role: str
) -> None:
    client = client_for(world.member(role))

    listed = client.get(url(world, "tickets/")).json()["results"]
    detail = client.get(url(world, f"tickets/{ticket.pk}/")).json()

    [row] = [t for t in listed if t["id"] == ticket.pk]
    for payload in (row, detail):
        assert payload["requester"]["email"] == expected(role)
        assert payload["requester"]["name"] == MASKED
    if role != "agent":  # agents change tickets assigned to them or unassigned ones
        changed = client.patch(
            url(world, f"tickets/{ticket.pk}/"), {"type": "Parcel"}, format="json"
        )
        assert changed.json()["requester"]["email"] == expected(role)


@pytest.mark.parametrize("role", ROLES)
def test_ticket_created_by_email(world: World, role: str) -> None:
    response = client_for(world.member(role)).post(
        url(world, "tickets/"),
        {
            "inbox": world.inbox.pk,
            "email": ADDRESS,
            "subject": "Parcel",
            "description": "Where is it?",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["requester"]["email"] == expected(role)


def test_the_ticket_frame_carries_the_address_masked(
    world: World, ticket: Ticket, published: Published
) -> None:
    with published.committing():
        ticket_update(
            ticket=ticket, actor=world.supervisor, changes=TicketChanges(ticket_type="Parcel")
        )

    [frame] = published.frames("ticket.updated")
    assert frame["ticket"]["requester"]["email"] == MASKED
    assert ADDRESS not in json.dumps(frame)


@pytest.mark.parametrize("role", ROLES)
def test_conversation_payloads_and_search_hold_no_clear_address(
    world: World, conversation: Conversation, role: str
) -> None:
    client = client_for(world.member(role))

    answers = [
        client.get(url(world, "conversations/")),
        client.get(url(world, f"conversations/{conversation.pk}/")),
        client.get(url(world, f"conversations/{conversation.pk}/messages/")),
        client.get(url(world, "search/"), {"q": "zhang.wei"}),
        client.get(url(world, "search/"), {"q": "parcel"}),
    ]

    for answer in answers:
        assert answer.status_code == 200
        assert ADDRESS not in answer.content.decode()
    for listed in answers[:2]:
        assert MASKED in listed.content.decode()  # the conversation is there, named masked
    search = answers[3].json()["results"]
    assert [hit["conversation"]["contact"]["name"] for hit in search] == [MASKED]
    assert search[0]["snippet"] == MASKED
    messages = answers[2].json()["results"]
    assert messages[0]["sender"]["name"] == MASKED


def test_a_supervisor_reveals_the_address_and_the_reveal_is_audited(
    world: World, customer: Contact, conversation: Any
) -> None:
    refused = client_for(world.agent).post(
        url(world, f"privacy/contacts/{customer.pk}/reveal/"), {"field": "email"}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert not AuditEvent.objects.filter(action="pii.revealed").exists()

    revealed = client_for(world.supervisor).post(
        url(world, f"privacy/contacts/{customer.pk}/reveal/"), {"field": "email"}, format="json"
    )

    assert revealed.json() == {"contact": customer.pk, "field": "email", "value": ADDRESS}
    entry = AuditEvent.objects.get(action="pii.revealed")
    assert entry.actor == world.supervisor and entry.data == {"field": "contact.email"}


def test_a_named_contact_keeps_its_name_and_an_unknown_one_is_a_visitor(world: World) -> None:
    named = ContactFactory(workspace=world.workspace, name="Li Lei", email=ADDRESS)
    nobody = ContactFactory(workspace=world.workspace, name="", email="")

    assert named.display_name == "Li Lei"
    assert nobody.display_name == f"Visitor #{nobody.pk}"
