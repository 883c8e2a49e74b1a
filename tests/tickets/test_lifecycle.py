"""Escalation, view statuses, the reopen window, closing and follow-up tickets."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from parley.accounts.models import AuditEvent
from parley.conversations.models import Conversation, Message, MessageKind, Status
from parley.conversations.services import (
    Sender,
    conversation_assign,
    conversation_set_status,
    message_send,
)
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import CreatedVia, Ticket, TicketSettings
from parley.tickets.services import ticket_contact_reply, ticket_escalate, tickets_close_solved
from parley.tickets.status import ViewStatus, ticket_view_status
from tests.conftest import Published, World
from tests.factories import ConversationFactory


def chat(world: World) -> Conversation:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    message_send(conversation=conversation, sender=Sender.of_contact(world.contact), body="Hi")
    conversation_assign(conversation=conversation, assignee=world.agent, actor=world.agent)
    message_send(conversation=conversation, sender=Sender.of_member(world.agent), body="Hello!")
    return Conversation.objects.get(pk=conversation.pk)


def test_escalating_a_chat_keeps_its_history_and_records_it(
    world: World, published: Published
) -> None:
    conversation = chat(world)
    before = list(Message.objects.filter(conversation=conversation).values_list("seq", "body"))

    with published.committing():
        ticket = ticket_escalate(conversation=conversation, actor=world.agent, subject="Refund")

    assert ticket.pk == conversation.pk
    assert ticket.number == 10001
    assert ticket.created_via == CreatedVia.ESCALATION
    timeline = list(Message.objects.filter(conversation=conversation).order_by("seq"))
    assert [(m.seq, m.body) for m in timeline[: len(before)]] == before
    event = timeline[-1]
    assert event.kind == MessageKind.EVENT
    assert event.seq == len(before) + 1
    assert event.data == {"event": "ticket_escalated", "ticket": 10001, "by": world.agent.pk}
    assert AuditEvent.objects.filter(action="ticket.escalated", target_id=str(ticket.pk)).exists()
    frames = published.frames("ticket.updated")
    assert frames[-1]["ticket"]["number"] == 10001
    assert frames[-1]["ticket"]["status"] == ViewStatus.OPEN
    # Staff only: the customer learns the number from the timeline event, not the ticket frame.
    groups = published.groups_of("ticket.updated")[-1]
    assert f"inbox.{world.inbox.pk}" in groups
    assert f"member.{world.agent.pk}" in groups
    assert not any(g.startswith("contact.") for g in groups)
    to_contact = published.frames("message.created", f"contact.{world.contact.pk}")
    assert to_contact[-1]["message"]["data"]["event"] == "ticket_escalated"


def test_a_conversation_is_escalated_once(world: World) -> None:
    conversation = chat(world)
    ticket_escalate(conversation=conversation, actor=world.agent)

    with pytest.raises(ApplicationError) as caught:
        ticket_escalate(conversation=conversation, actor=world.supervisor)

    assert caught.value.code == ErrorCode.INVALID_TRANSITION
    assert Ticket.objects.count() == 1


def test_an_agent_may_not_escalate_someone_elses_chat(world: World) -> None:
    conversation = chat(world)

    with pytest.raises(ApplicationError) as caught:
        ticket_escalate(conversation=conversation, actor=world.other_agent)

    assert caught.value.code == ErrorCode.PERMISSION_DENIED
    assert not Ticket.objects.exists()


def test_view_status_follows_the_conversation(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = make_ticket()

    def status() -> ViewStatus:
        fresh = Ticket.objects.select_related("conversation").get(pk=ticket.pk)
        return ticket_view_status(fresh.conversation, fresh)

    assert status() == ViewStatus.NEW
    conversation_assign(conversation=ticket.conversation, assignee=world.agent, actor=world.agent)
    assert status() == ViewStatus.OPEN
    conversation_set_status(conversation=ticket.conversation, status="pending", actor=world.agent)
    assert status() == ViewStatus.PENDING
    conversation_set_status(conversation=ticket.conversation, status="resolved", actor=world.agent)
    assert status() == ViewStatus.SOLVED
    tickets_close_solved(now=timezone.now() + timedelta(days=5))
    assert status() == ViewStatus.CLOSED


def solved(world: World, make_ticket: Callable[..., Ticket], ago: timedelta) -> Ticket:
    ticket = make_ticket()
    conversation_set_status(
        conversation=ticket.conversation, status=Status.RESOLVED, actor=world.supervisor
    )
    Conversation.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - ago)
    return Ticket.objects.select_related("conversation").get(pk=ticket.pk)


def test_a_reply_within_the_window_reopens_the_solved_ticket(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = solved(world, make_ticket, ago=timedelta(days=3))

    assert tickets_close_solved(now=timezone.now()) == 0
    reply = ticket_contact_reply(ticket=ticket, body="It broke again")

    assert reply.follow_up is False
    assert reply.ticket.pk == ticket.pk
    conversation = Conversation.objects.get(pk=ticket.pk)
    assert conversation.status == Status.QUEUED
    assert reply.message.conversation_id == ticket.pk
    assert Ticket.objects.count() == 1


def test_solved_tickets_close_after_the_window_and_stay_closed(
    world: World, make_ticket: Callable[..., Ticket], published: Published
) -> None:
    old = solved(world, make_ticket, ago=timedelta(days=4, minutes=1))
    recent = solved(world, make_ticket, ago=timedelta(days=3))

    with published.committing():
        assert tickets_close_solved(now=timezone.now()) == 1

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.closed_at is not None
    assert recent.closed_at is None
    last = Message.objects.filter(conversation_id=old.pk).order_by("-seq").first()
    assert last is not None and last.data["event"] == "ticket_closed"
    assert published.frames("ticket.updated")[-1]["ticket"]["status"] == ViewStatus.CLOSED
    assert tickets_close_solved(now=timezone.now()) == 0


def test_the_window_is_set_per_workspace(
    world: World, other_world: World, make_ticket: Callable[..., Ticket]
) -> None:
    TicketSettings.objects.create(workspace=world.workspace, reopen_window=timedelta(hours=1))
    short = solved(world, make_ticket, ago=timedelta(hours=2))
    default = solved(other_world, lambda: make_ticket(other_world), ago=timedelta(hours=2))

    assert tickets_close_solved(now=timezone.now()) == 1

    assert Ticket.objects.get(pk=short.pk).closed_at is not None
    assert Ticket.objects.get(pk=default.pk).closed_at is None


def test_a_reply_to_a_closed_ticket_starts_a_linked_follow_up(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    old = solved(world, make_ticket, ago=timedelta(days=10))
    tickets_close_solved(now=timezone.now())
    old.refresh_from_db()
    old_last_seq = Conversation.objects.get(pk=old.pk).last_seq

    reply = ticket_contact_reply(ticket=old, body="Same problem with the new parcel")

    assert reply.follow_up is True
    follow = reply.ticket
    assert follow.pk != old.pk
    assert follow.number == old.number + 1
    assert follow.follow_up_of == old
    assert follow.requester == world.contact
    assert reply.message.conversation_id == follow.pk
    assert reply.message.body == "Same problem with the new parcel"
    old_conversation = Conversation.objects.get(pk=old.pk)
    assert old_conversation.status == Status.RESOLVED
    assert Ticket.objects.get(pk=old.pk).closed_at is not None
    note = Message.objects.get(conversation_id=old.pk, seq=old_last_seq + 1)
    assert note.data["event"] == "ticket_followed_up"
    assert note.data["follow_up"] == follow.number


def test_an_agent_reopening_before_the_close_wins(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    ticket = solved(world, make_ticket, ago=timedelta(days=5))
    conversation_set_status(conversation=ticket.conversation, status="open", actor=world.supervisor)

    assert tickets_close_solved(now=timezone.now()) == 0
    assert Ticket.objects.get(pk=ticket.pk).closed_at is None


def test_status_is_set_by_its_ticket_name_and_a_closed_ticket_keeps_it(
    world: World, make_ticket: Callable[..., Ticket], published: Published
) -> None:
    from parley.tickets.services import TicketChanges, ticket_update

    ticket = make_ticket()

    with published.committing():
        ticket_update(
            ticket=ticket, actor=world.supervisor, changes=TicketChanges(status=ViewStatus.SOLVED)
        )

    assert Conversation.objects.get(pk=ticket.pk).status == Status.RESOLVED
    assert published.frames("ticket.updated")[-1]["ticket"]["status"] == ViewStatus.SOLVED
    with pytest.raises(ApplicationError) as new:
        ticket_update(
            ticket=ticket, actor=world.supervisor, changes=TicketChanges(status=ViewStatus.NEW)
        )
    assert new.value.code == ErrorCode.INVALID

    Conversation.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - timedelta(days=9))
    tickets_close_solved(now=timezone.now())
    with pytest.raises(ApplicationError) as closed:
        ticket_update(
            ticket=ticket, actor=world.supervisor, changes=TicketChanges(status=ViewStatus.OPEN)
        )
    assert closed.value.code == ErrorCode.INVALID_TRANSITION
    assert Conversation.objects.get(pk=ticket.pk).status == Status.RESOLVED


def test_the_close_command_closes_due_tickets(
    world: World, make_ticket: Callable[..., Ticket]
) -> None:
    from io import StringIO

    from django.core.management import call_command

    old = solved(world, make_ticket, ago=timedelta(days=30))
    out = StringIO()

    call_command("close_solved_tickets", stdout=out)

    assert "closed 1 ticket(s)" in out.getvalue()
    assert Ticket.objects.get(pk=old.pk).closed_at is not None


def test_a_left_message_becomes_a_ticket_once(world: World) -> None:
    from parley.conversations.services import contact_leave_message
    from parley.tickets.services import ticket_from_channel

    left = contact_leave_message(
        contact=world.contact,
        inbox=world.inbox,
        name="Li Lei",
        email="lilei@example.test",
        body="Please call me back about my order.",
    )

    ticket = ticket_from_channel(
        conversation=left.conversation, created_via=CreatedVia.LEAVE_MESSAGE
    )
    again = ticket_from_channel(
        conversation=left.conversation, created_via=CreatedVia.LEAVE_MESSAGE
    )

    assert again.pk == ticket.pk == left.conversation.pk
    assert ticket.number == 10001
    assert ticket.created_via == CreatedVia.LEAVE_MESSAGE
    bodies = list(
        Message.objects.filter(conversation_id=ticket.pk)
        .order_by("seq")
        .values_list("body", flat=True)
    )
    assert "Please call me back about my order." in bodies
    assert bodies[-1] == "Ticket #10001 created"
    assert Ticket.objects.count() == 1
