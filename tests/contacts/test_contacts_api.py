"""The contact panel's API: profile and history, within what the member may see."""

from __future__ import annotations

from tests.conftest import client_for
from tests.factories import ContactFactory, ConversationFactory, InboxFactory


def url(world, contact_id):
    return f"/api/v1/workspaces/{world.workspace.slug}/contacts/{contact_id}/"


def test_profile_attributes_and_previous_conversations(world):
    world.contact.attributes = {"plan": "gold", "订单": "12345"}
    world.contact.save()
    first = ConversationFactory(inbox=world.inbox, contact=world.contact, status="resolved")
    second = ConversationFactory(inbox=world.inbox, contact=world.contact)
    body = client_for(world.agent).get(url(world, world.contact.pk)).json()
    local, domain = world.contact.email.split("@")
    assert body["email"] == f"{local[0]}***@{domain}"  # agents see it masked (no view PII)
    admin_view = client_for(world.admin).get(url(world, world.contact.pk)).json()
    assert admin_view["email"] == world.contact.email
    assert body["attributes"] == {"plan": "gold", "订单": "12345"}
    assert {c["id"] for c in body["conversations"]} == {first.pk, second.pk}


def test_an_agent_sees_only_contacts_and_history_of_their_inboxes(world):
    hidden_inbox = InboxFactory(workspace=world.workspace)
    stranger = ContactFactory(workspace=world.workspace)
    ConversationFactory(inbox=hidden_inbox, contact=stranger)
    assert client_for(world.agent).get(url(world, stranger.pk)).status_code == 404
    assert client_for(world.supervisor).get(url(world, stranger.pk)).status_code == 200
    shared = ConversationFactory(inbox=world.inbox, contact=stranger)
    body = client_for(world.agent).get(url(world, stranger.pk)).json()
    assert [c["id"] for c in body["conversations"]] == [shared.pk]


def test_another_workspaces_contact_is_not_found(world, other_world):
    assert client_for(world.owner).get(url(world, other_world.contact.pk)).status_code == 404
