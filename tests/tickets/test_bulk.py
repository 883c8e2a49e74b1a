"""Bulk actions: one query for all tickets, each ticket's timeline and audit still right."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parley.accounts.models import AuditEvent
from parley.conversations.models import Conversation, Message, Priority, Status
from parley.conversations.services import conversation_assign
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import Ticket
from parley.tickets.services import (
    tickets_bulk_add_tag,
    tickets_bulk_assign,
    tickets_bulk_set_priority,
    tickets_bulk_solve,
)
from tests.conftest import Published, World, audit_lock_queries


@pytest.fixture
def tickets(world: World, make_ticket: Callable[..., Ticket]) -> list[Ticket]:
    return [make_ticket() for _ in range(3)]


def last_event(ticket: Ticket) -> Message:
    message = Message.objects.filter(conversation_id=ticket.pk).order_by("-seq").first()
    assert message is not None
    return message


@pytest.mark.parametrize("count", [3, 12])
def test_set_priority_takes_the_same_queries_for_any_number(
    world: World,
    make_ticket: Callable[..., Ticket],
    django_assert_max_num_queries: Callable[..., object],
    count: int,
) -> None:
    many = [make_ticket() for _ in range(count)]
    seqs = {t.pk: Conversation.objects.get(pk=t.pk).last_seq for t in many}

    with django_assert_max_num_queries(10 + audit_lock_queries()):  # type: ignore[attr-defined]
        changed = tickets_bulk_set_priority(
            actor=world.supervisor, ticket_ids=[t.pk for t in many], priority=Priority.URGENT
        )

    assert changed == count
    for ticket in many:
        conversation = Conversation.objects.get(pk=ticket.pk)
        assert conversation.priority == Priority.URGENT
        event = last_event(ticket)
        assert event.seq == seqs[ticket.pk] + 1 == conversation.last_seq
        assert event.data["event"] == "priority_changed"
        assert event.data["to"] == "urgent"
    audits = AuditEvent.objects.filter(action="ticket.bulk_priority")
    assert sorted(int(a.target_id) for a in audits) == sorted(t.pk for t in many)


def test_add_tag_in_bounded_queries_skips_tickets_that_have_it(
    world: World,
    tickets: list[Ticket],
    django_assert_max_num_queries: Callable[..., object],
    published: Published,
) -> None:
    tickets_bulk_add_tag(actor=world.supervisor, ticket_ids=[tickets[0].pk], tag="refund")
    seq_before = Conversation.objects.get(pk=tickets[0].pk).last_seq

    # 13: the lock, the tag, the rows tagged, the INSERTs, UPDATE, events, the audit chain…
    budget = 13 + audit_lock_queries()
    with published.committing(), django_assert_max_num_queries(budget):  # type: ignore[attr-defined]
        changed = tickets_bulk_add_tag(
            actor=world.supervisor, ticket_ids=[t.pk for t in tickets], tag="refund"
        )

    assert changed == 2
    for ticket in tickets:
        assert list(ticket.tags.values_list("name", flat=True)) == ["refund"]
    assert Conversation.objects.get(pk=tickets[0].pk).last_seq == seq_before
    assert last_event(tickets[1]).data["event"] == "tag_added"
    frames = published.frames("ticket.updated")
    assert {f["ticket"]["id"] for f in frames} == {tickets[1].pk, tickets[2].pk}
    assert all(f["ticket"]["tags"] == ["refund"] for f in frames)
    created = published.frames("message.created")
    assert {f["conversation"] for f in created} == {tickets[1].pk, tickets[2].pk}


def test_assign_and_solve_record_what_single_changes_record(
    world: World, tickets: list[Ticket]
) -> None:
    ids = [t.pk for t in tickets]

    assert tickets_bulk_assign(actor=world.supervisor, ticket_ids=ids, assignee=world.agent) == 3
    assert tickets_bulk_solve(actor=world.supervisor, ticket_ids=ids) == 3

    for ticket in tickets:
        conversation = Conversation.objects.get(pk=ticket.pk)
        assert conversation.assignee == world.agent
        assert conversation.status == Status.RESOLVED
    assert AuditEvent.objects.filter(action="conversation.assigned").count() == 3
    assert AuditEvent.objects.filter(action="conversation.status_changed").count() == 3


def test_another_workspaces_ticket_fails_the_whole_request(
    world: World, other_world: World, tickets: list[Ticket], make_ticket: Callable[..., Ticket]
) -> None:
    foreign = make_ticket(other_world)

    with pytest.raises(ApplicationError) as caught:
        tickets_bulk_set_priority(
            actor=world.supervisor,
            ticket_ids=[tickets[0].pk, foreign.pk],
            priority=Priority.HIGH,
        )

    assert caught.value.code == ErrorCode.NOT_FOUND
    assert Conversation.objects.get(pk=tickets[0].pk).priority == Priority.NORMAL
    assert Conversation.objects.get(pk=foreign.pk).priority == Priority.NORMAL


def test_an_agent_may_not_change_someone_elses_tickets(world: World, tickets: list[Ticket]) -> None:
    conversation_assign(
        conversation=tickets[0].conversation, assignee=world.other_agent, actor=world.supervisor
    )

    with pytest.raises(ApplicationError) as caught:
        tickets_bulk_set_priority(
            actor=world.agent, ticket_ids=[t.pk for t in tickets], priority=Priority.HIGH
        )

    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not Conversation.objects.filter(priority=Priority.HIGH).exists()
