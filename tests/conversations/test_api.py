"""The members' REST API for conversations: filters, paging, writes, roles, tenant isolation."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from parley.conversations import services
from parley.conversations.models import Message, Status
from parley.conversations.services import Sender
from tests.conftest import client_for
from tests.factories import ConversationFactory, InboxFactory, TeamFactory


def url(world, path=""):
    return f"/api/v1/workspaces/{world.workspace.slug}/{path}"


@pytest.fixture
def conversation(world):
    return ConversationFactory(inbox=world.inbox, contact=world.contact)


def test_list_is_newest_activity_first_with_unread_counts(world, conversation):
    older = ConversationFactory(inbox=world.inbox)
    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="new"
    )
    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="newer"
    )
    services.conversation_mark_read_by_member(conversation=conversation, member=world.agent, seq=1)
    response = client_for(world.agent).get(url(world, "conversations/"))
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [conversation.pk, older.pk]
    assert rows[0]["unread"] == 1 and rows[1]["unread"] == 0
    assert rows[0]["last_message"] == {
        "body": "newer",
        "kind": "text",
        "sender_type": "contact",
        "private": False,
    }
    assert rows[1]["last_message"] is None
    assert rows[0]["contact"] == {"id": world.contact.pk, "name": world.contact.name}


def test_list_filters(world):
    team = TeamFactory(workspace=world.workspace)
    second_inbox = InboxFactory(workspace=world.workspace)
    mine = ConversationFactory(inbox=world.inbox, assignee=world.agent, status=Status.OPEN)
    queued = ConversationFactory(inbox=world.inbox)
    teamed = ConversationFactory(inbox=world.inbox, team=team, status=Status.PENDING)
    elsewhere = ConversationFactory(inbox=second_inbox, status=Status.RESOLVED)
    client = client_for(world.admin)

    def ids(query):
        response = client.get(url(world, f"conversations/?{query}"))
        assert response.status_code == 200, response.json()
        return {r["id"] for r in response.json()["results"]}

    assert ids("status=queued") == {queued.pk}
    assert ids(f"inbox={second_inbox.pk}") == {elsewhere.pk}
    assert ids(f"team={team.pk}") == {teamed.pk}
    assert ids(f"assignee={world.agent.pk}") == {mine.pk}
    assert ids("assignee=none") == {queued.pk, teamed.pk, elsewhere.pk}
    assert (
        client_for(world.agent)
        .get(url(world, "conversations/?assignee=me"))
        .json()["results"][0]["id"]
        == mine.pk
    )


@pytest.mark.parametrize("query", ["status=lost", "inbox=abc", "assignee=someone", "before=x"])
def test_bad_filters_are_a_400_with_a_code(world, query):
    response = client_for(world.admin).get(url(world, f"conversations/?{query}"))
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_an_agent_sees_only_their_inboxes_and_their_assignments(world):
    private_inbox = InboxFactory(workspace=world.workspace)  # the agent is not in it
    hidden = ConversationFactory(inbox=private_inbox)
    assigned = ConversationFactory(inbox=private_inbox, assignee=world.agent)
    visible = ConversationFactory(inbox=world.inbox)
    agent = client_for(world.agent)
    ids = {r["id"] for r in agent.get(url(world, "conversations/")).json()["results"]}
    assert ids == {assigned.pk, visible.pk}
    assert agent.get(url(world, f"conversations/{hidden.pk}/")).status_code == 404
    admin_ids = {
        r["id"] for r in client_for(world.admin).get(url(world, "conversations/")).json()["results"]
    }
    assert hidden.pk in admin_ids


def test_messages_are_paged_by_seq(world, conversation):
    for n in range(5):
        services.message_send(
            conversation=conversation, sender=Sender.of_contact(world.contact), body=f"m{n}"
        )
    client = client_for(world.agent)
    page = client.get(url(world, f"conversations/{conversation.pk}/messages/?limit=2")).json()
    assert [m["seq"] for m in page["results"]] == [1, 2] and page["next_after"] == 2
    page = client.get(
        url(world, f"conversations/{conversation.pk}/messages/?after=2&limit=10")
    ).json()
    assert [m["body"] for m in page["results"]] == ["m2", "m3", "m4"]
    assert page["next_after"] is None


def test_send_a_message_and_a_private_note(world, conversation):
    client = client_for(world.agent)
    client_id = str(uuid.uuid4())
    response = client.post(
        url(world, f"conversations/{conversation.pk}/messages/"),
        {"body": "Hello!", "client_id": client_id},
        format="json",
    )
    assert response.status_code == 201
    # seq 1 is the "joined" event of the agent's first reply, which takes the conversation
    assert response.json()["seq"] == 2 and response.json()["sender"]["type"] == "agent"
    retry = client.post(
        url(world, f"conversations/{conversation.pk}/messages/"),
        {"body": "Hello!", "client_id": client_id},
        format="json",
    )
    assert retry.status_code == 200 and retry.json()["id"] == response.json()["id"]
    note = client.post(
        url(world, f"conversations/{conversation.pk}/messages/"),
        {"body": "VIP customer", "private": True},
        format="json",
    )
    assert note.status_code == 201 and note.json()["private"] is True
    assert Message.objects.filter(conversation=conversation, kind="text").count() == 2


def test_an_oversized_message_is_refused_and_the_timeline_is_intact(world, conversation):
    services.message_send(
        conversation=conversation, sender=Sender.of_contact(world.contact), body="before"
    )
    response = client_for(world.agent).post(
        url(world, f"conversations/{conversation.pk}/messages/"),
        {"body": "x" * 10_001},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "body_too_long"
    assert list(conversation.messages.values_list("body", flat=True)) == ["before"]


def test_assign_team_status_and_read_endpoints(world, conversation):
    client = client_for(world.supervisor)
    team = TeamFactory(workspace=world.workspace)
    base = url(world, f"conversations/{conversation.pk}/")
    assigned = client.post(base + "assign/", {"assignee": world.agent.pk}, format="json")
    assert assigned.status_code == 200
    assert assigned.json()["assignee"]["id"] == world.agent.pk
    assert assigned.json()["status"] == "open"
    teamed = client.post(base + "team/", {"team": team.pk}, format="json")
    assert teamed.json()["team"] == {"id": team.pk, "name": team.name}
    resolved = client.post(base + "status/", {"status": "resolved"}, format="json")
    assert resolved.json()["status"] == "resolved"
    bad = client.post(base + "status/", {"status": "pending"}, format="json")
    assert bad.status_code == 409 and bad.json()["code"] == "invalid_transition"
    read = client.post(base + "read/", {"seq": 2}, format="json")
    assert read.json() == {"conversation": conversation.pk, "seq": 2}
    conversation.refresh_from_db()
    assert conversation.status == "resolved"


# --- roles: every state-changing endpoint ----------------------------------------------------

ROLE_CASES = [
    # (endpoint, body builder, roles allowed) on a conversation assigned to `other_agent`
    ("assign/", lambda w: {"assignee": w.agent.pk}, {"owner", "admin", "supervisor"}),
    ("team/", lambda w: {"team": None}, {"owner", "admin", "supervisor"}),
    ("status/", lambda w: {"status": "pending"}, {"owner", "admin", "supervisor"}),
    ("messages/", lambda w: {"body": "hi"}, {"owner", "admin", "supervisor", "agent"}),
    ("read/", lambda w: {"seq": 0}, {"owner", "admin", "supervisor", "agent"}),
]


@pytest.mark.parametrize("role", ["owner", "admin", "supervisor", "agent"])
@pytest.mark.parametrize(("endpoint", "body", "allowed"), ROLE_CASES)
def test_role_rules_for_state_changing_endpoints(world, role, endpoint, body, allowed):
    conversation = ConversationFactory(
        inbox=world.inbox, assignee=world.other_agent, status=Status.OPEN
    )
    team = TeamFactory(workspace=world.workspace)
    conversation.team = team
    conversation.save()
    response = client_for(world.member(role)).post(
        url(world, f"conversations/{conversation.pk}/{endpoint}"), body(world), format="json"
    )
    if role in allowed:
        assert response.status_code in (200, 201), response.json()
    else:
        assert response.status_code == 403
        assert response.json()["code"] == "permission_denied"
        conversation.refresh_from_db()
        assert conversation.assignee == world.other_agent
        assert conversation.status == Status.OPEN and conversation.team == team
        assert not conversation.messages.exists()


def test_anonymous_callers_are_refused_everywhere(world, conversation, api):
    for path in ("conversations/", f"conversations/{conversation.pk}/messages/", "members/"):
        response = api.get(url(world, path))
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
    response = api.post(url(world, f"conversations/{conversation.pk}/messages/"), {"body": "x"})
    assert response.status_code == 401
    assert not conversation.messages.exists()


# --- tenant isolation: every endpoint ---------------------------------------------------------

Endpoint = tuple[str, str, dict[str, Any] | None]

CONVERSATION_ENDPOINTS: list[Endpoint] = [
    ("get", "conversations/{id}/", None),
    ("get", "conversations/{id}/messages/", None),
    ("post", "conversations/{id}/messages/", {"body": "hi"}),
    ("post", "conversations/{id}/assign/", {"assignee": None}),
    ("post", "conversations/{id}/team/", {"team": None}),
    ("post", "conversations/{id}/status/", {"status": "resolved"}),
    ("post", "conversations/{id}/read/", {"seq": 1}),
]
WORKSPACE_ENDPOINTS: list[Endpoint] = [
    ("get", "conversations/", None),
    ("get", "inboxes/", None),
    ("get", "members/", None),
    ("get", "teams/", None),
    ("get", "tokens/", None),
    ("post", "tokens/", {"name": "x"}),
]


@pytest.mark.parametrize(("method", "path", "body"), CONVERSATION_ENDPOINTS)
def test_another_workspaces_conversation_is_not_found(world, other_world, method, path, body):
    foreign = ConversationFactory(inbox=other_world.inbox, contact=other_world.contact)
    services.message_send(
        conversation=foreign, sender=Sender.of_contact(other_world.contact), body="secret"
    )
    response = getattr(client_for(world.owner), method)(
        url(world, path.format(id=foreign.pk)), body, format="json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    foreign.refresh_from_db()
    assert foreign.status == Status.QUEUED and foreign.last_seq == 1


@pytest.mark.parametrize(
    ("method", "path", "body"), CONVERSATION_ENDPOINTS[:1] + WORKSPACE_ENDPOINTS
)
def test_another_workspaces_slug_is_not_found(world, other_world, method, path, body):
    conversation = ConversationFactory(inbox=other_world.inbox)
    response = getattr(client_for(world.owner), method)(
        url(other_world, path.format(id=conversation.pk)), body, format="json"
    )
    assert response.status_code == 404


def test_assigning_a_member_or_team_of_another_workspace_is_not_found(
    world, other_world, conversation
):
    client = client_for(world.admin)
    base = url(world, f"conversations/{conversation.pk}/")
    assert (
        client.post(base + "assign/", {"assignee": other_world.agent.pk}, format="json").status_code
        == 404
    )
    foreign_team = TeamFactory(workspace=other_world.workspace)
    assert client.post(base + "team/", {"team": foreign_team.pk}, format="json").status_code == 404
    conversation.refresh_from_db()
    assert conversation.assignee is None and conversation.team is None


def test_lists_never_include_another_workspaces_rows(world, other_world):
    ConversationFactory(inbox=other_world.inbox)
    client = client_for(world.owner)
    assert client.get(url(world, "conversations/")).json()["results"] == []
    inbox_ids = {i["id"] for i in client.get(url(world, "inboxes/")).json()}
    assert inbox_ids == {world.inbox.pk}
    member_ids = {m["id"] for m in client.get(url(world, "members/")).json()}
    assert other_world.agent.pk not in member_ids and world.agent.pk in member_ids


def test_the_conversation_list_costs_the_same_few_queries_for_1_or_20_rows(
    world, django_assert_max_num_queries
):
    client = client_for(world.admin)
    ConversationFactory(inbox=world.inbox, assignee=world.agent)
    with django_assert_max_num_queries(6) as one:
        client.get(url(world, "conversations/"))
    for _ in range(20):
        ConversationFactory(inbox=world.inbox, assignee=world.agent)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(client.get(url(world, "conversations/")).json()["results"]) == 21


def test_paging_the_list_neither_skips_nor_repeats_rows_with_the_same_time(world):
    from django.utils import timezone

    from parley.conversations.api import LIST_LIMIT
    from parley.conversations.models import Conversation

    ConversationFactory.create_batch(LIST_LIMIT + 5, inbox=world.inbox)
    Conversation.objects.update(last_activity_at=timezone.now())
    client = client_for(world.admin)
    first = client.get(url(world, "conversations/")).json()
    second = client.get(
        url(world, "conversations/"),
        {"before": first["next_before"], "before_id": first["next_before_id"]},
    ).json()
    ids = [r["id"] for r in first["results"]] + [r["id"] for r in second["results"]]
    assert len(ids) == len(set(ids)) == LIST_LIMIT + 5
    assert second["next_before"] is None
