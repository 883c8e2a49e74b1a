"""Revealing personal data: refused to agents, audited when allowed, scoped like any read."""

from __future__ import annotations

from parley.accounts.models import AuditEvent
from parley.conversations.services import Sender, message_send
from tests.conftest import World, client_for
from tests.factories import ConversationFactory, InboxFactory

BODY = "请回电 13812341234"


def reveal_url(world: World, message_id: int) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}/privacy/messages/{message_id}/reveal/"


def a_message(world: World, inbox=None):
    conversation = ConversationFactory(inbox=inbox or world.inbox, contact=world.contact)
    return message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body=BODY
    ).message


def reveals() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="pii.revealed"))


def test_an_agent_may_not_reveal_and_nothing_is_recorded(world: World) -> None:
    message = a_message(world)
    response = client_for(world.agent).post(reveal_url(world, message.pk))
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert "13812341234" not in response.content.decode()
    assert reveals() == []


def test_a_supervisor_reveals_and_the_reveal_is_audited(world: World) -> None:
    message = a_message(world)
    response = client_for(world.supervisor).post(reveal_url(world, message.pk))
    assert response.status_code == 200
    assert response.json()["body"] == BODY
    assert response["Cache-Control"] == "no-store"
    [entry] = reveals()
    assert entry.actor == world.supervisor
    assert (entry.target_type, entry.target_id) == ("conversations.message", str(message.pk))
    assert entry.data["field"] == "message.body"
    assert entry.data["kinds"] == ["cn_mobile"]
    assert "13812341234" not in str(entry.data)  # the log says what was seen, not the value


def test_reading_the_same_message_again_is_still_masked(world: World) -> None:
    message = a_message(world)
    client_for(world.supervisor).post(reveal_url(world, message.pk))
    listed = client_for(world.supervisor).get(
        f"/api/v1/workspaces/{world.workspace.slug}/conversations/{message.conversation_id}/messages/"
    )
    assert listed.json()["results"][0]["body"] == "请回电 138****1234"


def test_another_workspaces_message_is_not_found(world: World, other_world: World) -> None:
    foreign = a_message(other_world)
    response = client_for(world.owner).post(reveal_url(world, foreign.pk))
    assert response.status_code == 404
    assert reveals() == []


def test_a_reveal_by_get_is_not_allowed(world: World) -> None:
    message = a_message(world)
    assert client_for(world.supervisor).get(reveal_url(world, message.pk)).status_code == 405
    assert reveals() == []


def test_contact_fields_are_revealed_one_at_a_time_and_audited(world: World) -> None:
    world.contact.phone = "+44 7911 123456"
    world.contact.save()
    url = f"/api/v1/workspaces/{world.workspace.slug}/privacy/contacts/{world.contact.pk}/reveal/"
    assert client_for(world.agent).post(url, {"field": "phone"}, format="json").status_code == 403
    bad = client_for(world.admin).post(url, {"field": "attributes"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    response = client_for(world.admin).post(url, {"field": "phone"}, format="json")
    assert response.json() == {
        "contact": world.contact.pk,
        "field": "phone",
        "value": "+44 7911 123456",
    }
    [entry] = reveals()
    assert entry.actor == world.admin and entry.data == {"field": "contact.phone"}


def test_a_supervisor_cannot_reveal_a_contact_of_another_workspace(world, other_world) -> None:
    path = f"privacy/contacts/{other_world.contact.pk}/reveal/"
    url = f"/api/v1/workspaces/{world.workspace.slug}/{path}"
    response = client_for(world.owner).post(url, {"field": "phone"}, format="json")
    assert response.status_code == 404


def test_the_profile_says_who_may_reveal(world: World) -> None:
    for role, allowed in [("owner", True), ("admin", True), ("supervisor", True), ("agent", False)]:
        me = client_for(world.member(role)).get("/api/v1/auth/me").json()
        [membership] = me["memberships"]
        assert membership["permissions"]["view_pii"] is allowed


def test_an_agent_of_another_inbox_cannot_see_the_message_either(world: World) -> None:
    hidden = InboxFactory(workspace=world.workspace)
    message = a_message(world, inbox=hidden)
    response = client_for(world.supervisor).post(reveal_url(world, message.pk))
    assert response.status_code == 200  # supervisors see every inbox
    listed = client_for(world.agent).get(
        f"/api/v1/workspaces/{world.workspace.slug}/conversations/{message.conversation_id}/messages/"
    )
    assert listed.status_code == 404
