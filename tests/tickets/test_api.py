"""The tickets REST API: filters, create, read, change, escalate, bulk, custom fields; every
endpoint tenant-isolated and role-checked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from parley.accounts.models import AuditEvent, Role
from parley.conversations.models import Conversation, Priority, Status
from parley.conversations.services import conversation_assign, conversation_set_status
from parley.tickets.models import CreatedVia, CustomFieldDefinition, CustomFieldKind, Ticket
from tests.conftest import World, client_for
from tests.factories import ConversationFactory

Client = Callable[..., APIClient]


def base(world: World) -> str:
    return f"/api/v1/workspaces/{world.workspace.slug}"


@pytest.fixture
def order_field(world: World) -> CustomFieldDefinition:
    return CustomFieldDefinition.objects.create(
        workspace=world.workspace,
        key="order_id",
        label="Order",
        kind=CustomFieldKind.TEXT,
        required=True,
    )


def test_list_filters_by_view_status_priority_assignee_tag_and_type(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    new = make_ticket(priority=Priority.URGENT, tags=["refund"], ticket_type="Billing")
    mine = make_ticket()
    conversation_assign(conversation=mine.conversation, assignee=world.agent, actor=world.agent)
    solved = make_ticket()
    conversation_set_status(conversation=solved.conversation, status="resolved", actor=world.admin)
    api = client_for(world.agent)

    def numbers(query: str) -> list[int]:
        response = api.get(f"{base(world)}/tickets/?{query}")
        assert response.status_code == 200, response.json()
        return [row["number"] for row in response.json()["results"]]

    assert numbers("") == [solved.number, mine.number, new.number]
    assert numbers("status=new") == [new.number]
    assert numbers("status=open") == [mine.number]
    assert numbers("status=solved") == [solved.number]
    assert numbers("status=closed") == []
    assert numbers("priority=urgent") == [new.number]
    assert numbers("assignee=me") == [mine.number]
    assert numbers(f"assignee={world.agent.pk}") == [mine.number]
    assert numbers("assignee=none&status=new") == [new.number]
    assert numbers("tag=refund") == [new.number]
    assert numbers("type=Billing") == [new.number]
    row = api.get(f"{base(world)}/tickets/?status=new").json()["results"][0]
    assert row["display_number"] == f"#{new.number}"
    assert row["priority"] == "urgent"
    assert row["tags"] == ["refund"]
    assert row["requester"]["id"] == world.contact.pk


def test_list_is_paginated_in_bounded_queries(
    world: World,
    make_ticket: Callable[..., Ticket],
    django_assert_max_num_queries: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from parley.tickets import api as tickets_api

    monkeypatch.setattr(tickets_api, "PAGE_SIZE", 2)
    for _ in range(5):
        make_ticket(tags=["a", "b"])
    api = client_for(world.supervisor)

    with django_assert_max_num_queries(8):
        first = api.get(f"{base(world)}/tickets/").json()
    third = api.get(f"{base(world)}/tickets/?page=3").json()

    assert [r["number"] for r in first["results"]] == [10005, 10004]
    assert first["next_page"] == 2
    assert [r["number"] for r in third["results"]] == [10001]
    assert third["next_page"] is None


def test_bad_filters_are_a_400(world: World) -> None:
    api = client_for(world.agent)
    for query in ["status=later", "priority=huge", "assignee=someone", "page=0"]:
        response = api.get(f"{base(world)}/tickets/?{query}")
        assert response.status_code == 400, query


def test_create_by_email_with_fields_and_tags(world: World, order_field: Any) -> None:
    response = client_for(world.agent).post(
        f"{base(world)}/tickets/",
        {
            "inbox": world.inbox.pk,
            "name": "Ann",
            "email": "ann@example.test",
            "subject": "Invoice",
            "description": "Please send the invoice.",
            "priority": "high",
            "type": "Billing",
            "tags": ["invoice", "invoice", "vip"],
            "custom_fields": {"order_id": "A-7"},
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == 10001
    assert body["status"] == "new"
    assert body["priority"] == "high"
    assert body["tags"] == ["invoice", "vip"]
    assert body["custom_fields"] == {"order_id": "A-7"}
    assert body["created_via"] == CreatedVia.CONSOLE
    assert body["requester"]["email"] == "a***@example.test"  # an agent: no "view PII"
    assert AuditEvent.objects.filter(action="ticket.created", actor=world.agent).exists()


def test_create_refuses_bad_custom_fields_by_key(world: World, order_field: Any) -> None:
    response = client_for(world.supervisor).post(
        f"{base(world)}/tickets/",
        {
            "inbox": world.inbox.pk,
            "contact": world.contact.pk,
            "subject": "Invoice",
            "description": "Please.",
            "custom_fields": {"colour": "red"},
        },
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"]["custom_fields"] == {
        "colour": "is not a custom field of this workspace",
        "order_id": "is required",
    }
    assert not Ticket.objects.exists()
    assert not Conversation.objects.exists()


def test_create_in_another_workspaces_inbox_or_for_its_contact_is_a_404(
    world: World, other_world: World
) -> None:
    api = client_for(world.admin)
    payload = {"subject": "x", "description": "y"}

    foreign_inbox = api.post(
        f"{base(world)}/tickets/",
        {**payload, "inbox": other_world.inbox.pk, "contact": world.contact.pk},
        format="json",
    )
    foreign_contact = api.post(
        f"{base(world)}/tickets/",
        {**payload, "inbox": world.inbox.pk, "contact": other_world.contact.pk},
        format="json",
    )

    assert foreign_inbox.status_code == 404
    assert foreign_contact.status_code == 404
    assert not Ticket.objects.exists()


def test_an_api_token_creates_api_tickets(world: World) -> None:
    from parley.accounts.services import api_token_issue

    issued = api_token_issue(member=world.admin, name="shop")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")

    response = api.post(
        f"{base(world)}/tickets/",
        {"inbox": world.inbox.pk, "email": "b@example.test", "subject": "s", "description": "d"},
        format="json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["created_via"] == CreatedVia.API


def test_read_and_patch(world: World, make_ticket: Callable[..., Ticket], order_field: Any) -> None:
    ticket = make_ticket(custom_fields={"order_id": "A-1"})
    api = client_for(world.agent)

    read = api.get(f"{base(world)}/tickets/{ticket.pk}/")
    patched = api.patch(
        f"{base(world)}/tickets/{ticket.pk}/",
        {"priority": "urgent", "type": "Refund", "tags": ["late"]},
        format="json",
    )
    refused = api.patch(
        f"{base(world)}/tickets/{ticket.pk}/", {"custom_fields": {"order_id": None}}, format="json"
    )

    assert read.status_code == 200
    assert read.json()["subject"] == "Refund for order 1234"
    assert patched.status_code == 200, patched.json()
    assert patched.json()["priority"] == "urgent"
    assert patched.json()["type"] == "Refund"
    assert patched.json()["tags"] == ["late"]
    assert Conversation.objects.get(pk=ticket.pk).priority == Priority.URGENT
    assert refused.status_code == 400
    assert refused.json()["fields"]["custom_fields"] == {"order_id": "is required"}
    solved = api.patch(f"{base(world)}/tickets/{ticket.pk}/", {"status": "solved"}, format="json")
    assert solved.status_code == 200
    assert solved.json()["status"] == "solved"
    assert solved.json()["conversation_status"] == Status.RESOLVED
    bad = api.patch(f"{base(world)}/tickets/{ticket.pk}/", {"status": "closed"}, format="json")
    assert bad.status_code == 400
    audit = AuditEvent.objects.get(action="ticket.updated")
    assert audit.data == {"type": "Refund", "tags": ["late"], "priority": "urgent"}


def test_an_agent_may_not_patch_someone_elses_ticket(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()
    conversation_assign(
        conversation=ticket.conversation, assignee=world.other_agent, actor=world.supervisor
    )

    response = client_for(world.agent).patch(
        f"{base(world)}/tickets/{ticket.pk}/", {"priority": "low"}, format="json"
    )
    by_supervisor = client_for(world.supervisor).patch(
        f"{base(world)}/tickets/{ticket.pk}/", {"priority": "low"}, format="json"
    )

    assert response.status_code == 403
    assert by_supervisor.status_code == 200


def test_escalate_over_the_api(world: World) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)

    response = client_for(world.agent).post(
        f"{base(world)}/conversations/{conversation.pk}/escalate/",
        {"subject": "Broken parcel", "priority": "high"},
        format="json",
    )
    again = client_for(world.agent).post(
        f"{base(world)}/conversations/{conversation.pk}/escalate/", {}, format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["created_via"] == CreatedVia.ESCALATION
    assert response.json()["priority"] == "high"
    assert again.status_code == 409


def test_bulk_over_the_api(world: World, make_ticket: Callable[..., Ticket]) -> None:
    tickets = [make_ticket(), make_ticket()]
    ids = [t.pk for t in tickets]
    api = client_for(world.supervisor)

    def bulk(**body: Any) -> Any:
        return api.post(f"{base(world)}/tickets/bulk/", {"ids": ids, **body}, format="json")

    assert bulk(action="set_priority", priority="high").json() == {"changed": 2}
    assert bulk(action="add_tag", tag="vip").json() == {"changed": 2}
    assert bulk(action="assign", assignee=world.agent.pk).json() == {"changed": 2}
    assert bulk(action="solve").json() == {"changed": 2}
    assert bulk(action="set_priority").status_code == 400
    for ticket in tickets:
        conversation = Conversation.objects.get(pk=ticket.pk)
        assert conversation.priority == Priority.HIGH
        assert conversation.status == Status.RESOLVED
        assert conversation.assignee == world.agent
        assert list(ticket.tags.values_list("name", flat=True)) == ["vip"]


def test_custom_fields_are_defined_by_admins_only(world: World) -> None:
    url = f"{base(world)}/ticket-fields/"
    definition = {"key": "plan", "label": "Plan", "kind": "choice", "choices": ["free", "pro"]}

    for role in (Role.AGENT, Role.SUPERVISOR):
        refused = client_for(world.member(role)).post(url, definition, format="json")
        assert refused.status_code == 403, role
    created = client_for(world.admin).post(url, definition, format="json")
    duplicate = client_for(world.owner).post(url, definition, format="json")
    no_choices = client_for(world.admin).post(
        url, {**definition, "key": "tier", "choices": []}, format="json"
    )

    assert created.status_code == 201, created.json()
    assert duplicate.status_code == 400
    assert no_choices.status_code == 400
    field_id = created.json()["id"]
    detail = f"{url}{field_id}/"
    assert client_for(world.agent).get(url).json()[0]["key"] == "plan"
    assert (
        client_for(world.agent).patch(detail, {"required": True}, format="json").status_code == 403
    )
    assert client_for(world.agent).delete(detail).status_code == 403
    changed = client_for(world.admin).patch(detail, {"required": True}, format="json")
    assert changed.status_code == 200
    assert changed.json()["required"] is True
    assert client_for(world.admin).delete(detail).status_code == 204
    assert not CustomFieldDefinition.objects.exists()


def test_every_endpoint_hides_another_workspaces_ids(
    world: World, other_world: World, make_ticket: Callable[..., Ticket]
) -> None:
    foreign = make_ticket(other_world)
    foreign_field = CustomFieldDefinition.objects.create(
        workspace=other_world.workspace, key="k", label="K", kind=CustomFieldKind.TEXT
    )
    api = client_for(world.owner)
    b = base(world)

    assert api.get(f"{b}/tickets/").json()["results"] == []
    assert api.get(f"{b}/tickets/{foreign.pk}/").status_code == 404
    assert api.patch(f"{b}/tickets/{foreign.pk}/", {"type": "x"}, format="json").status_code == 404
    assert (
        api.post(f"{b}/conversations/{foreign.pk}/escalate/", {}, format="json").status_code == 404
    )
    bulk = api.post(f"{b}/tickets/bulk/", {"ids": [foreign.pk], "action": "solve"}, format="json")
    assert bulk.status_code == 404
    assert api.get(f"{b}/ticket-fields/").json() == []
    assert api.get(f"{b}/ticket-fields/{foreign_field.pk}/").status_code == 404
    assert (
        api.patch(
            f"{b}/ticket-fields/{foreign_field.pk}/", {"label": "x"}, format="json"
        ).status_code
        == 404
    )
    assert api.delete(f"{b}/ticket-fields/{foreign_field.pk}/").status_code == 404
    # Another workspace's slug: not a member there.
    assert api.get(f"{base(other_world)}/tickets/").status_code == 404
    assert Conversation.objects.get(pk=foreign.pk).status != Status.RESOLVED
    assert Ticket.objects.get(pk=foreign.pk).type == ""


def test_an_agent_sees_only_tickets_of_their_inboxes(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    from tests.factories import InboxFactory

    elsewhere = InboxFactory(workspace=world.workspace)
    hidden = make_ticket(inbox=elsewhere)
    api = client_for(world.agent)

    assert api.get(f"{base(world)}/tickets/").json()["results"] == []
    assert api.get(f"{base(world)}/tickets/{hidden.pk}/").status_code == 404
    assert (
        client_for(world.supervisor).get(f"{base(world)}/tickets/{hidden.pk}/").status_code == 200
    )


def test_anonymous_callers_are_refused(world: World, api: APIClient) -> None:
    assert api.get(f"{base(world)}/tickets/").status_code in (401, 403)
    assert api.post(f"{base(world)}/tickets/bulk/", {}, format="json").status_code in (401, 403)
