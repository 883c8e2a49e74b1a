"""Query budgets of the real-time send path: what one socket message (and a waiting visitor's
keep-alive) costs the database.

The widget's and the console's `message.create` run these functions in a socket thread
(consumers/widget.py, consumers/agent.py); every query is a round trip while a visitor waits
and the thread cannot take the next call (docs/benchmarks.md, "Real-time path"). A feature
that adds one to every message must change the budget here, on purpose.

Counted inside the test's transaction, so each `transaction.atomic` shows as a SAVEPOINT and
its RELEASE; in production they are BEGIN and COMMIT. The counts are the same on SQLite and
PostgreSQL (both CI passes run this).
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from parley.automation.models import Event, Rule, RuleRun
from parley.conversations import frames, services
from parley.conversations.consumers import widget
from parley.conversations.consumers.agent import send_as_member
from parley.conversations.consumers.widget import send_as_contact
from parley.conversations.models import Message
from tests.conftest import World
from tests.factories import ContactFactory, ConversationFactory


def contact_frame(
    conversation: int | None, body: str = "Where is my parcel?"
) -> frames.MessageCreate:
    return frames.MessageCreate(
        client_id=uuid.uuid4(),
        conversation=conversation,
        body=body,
        private=False,
        attachments=[],
        topic="",
    )


def test_a_visitor_message_into_an_open_conversation(
    world: World, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    services.message_send(
        conversation=conversation,
        sender=services.Sender.of_contact(world.contact),
        body="first",
    )
    frame = contact_frame(conversation.pk)

    # Transaction (2: the send runs in the widget call's transaction, no savepoint of its own),
    # the lock (which also reads that the conversation is the contact's, that it is no closed
    # ticket, that the client_id is new and that the workspace has no rules), INSERT, UPDATE
    # of last_seq.
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(5):
        ack = send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame)

    stored = Message.objects.get(client_id=frame.client_id)
    assert ack == {
        "id": stored.pk,
        "seq": stored.seq,
        "conversation": conversation.pk,
        "created_at": stored.created_at.isoformat(),
    }


def test_a_repeated_client_id_costs_no_write(
    world: World, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    frame = contact_frame(conversation.pk)
    with django_capture_on_commit_callbacks(execute=False):
        first = send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame)

    # Transaction (2), the lock, which finds the client_id, then the message (and its
    # attachments) as the REST fallback answers it.
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        django_assert_num_queries(5),
    ):
        again = send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame)

    assert again == first
    assert callbacks == []  # nothing published twice
    assert Message.objects.filter(client_id=frame.client_id).count() == 1


def test_a_workspace_with_rules_reads_them_once_per_visitor_message(
    world: World, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    rule = Rule.objects.create(
        workspace=world.workspace,
        name="urgent words",
        event=Event.MESSAGE_CREATED,
        conditions=[{"field": "message", "op": "contains", "value": ["refund"]}],
        actions=[{"type": "set_priority", "value": "urgent"}],
    )

    # As for a workspace without rules (5), then the conversation's related rows (which rules
    # may read), the rules, and the chain's savepoint (2) with its look-up of the rules that
    # already ran for this message; the condition does not hold.
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(10):
        send_as_contact(
            contact=world.contact, inbox=world.inbox, frame=contact_frame(conversation.pk)
        )

    assert not RuleRun.objects.filter(rule=rule).exists()


def test_an_agent_reply_in_an_assigned_conversation(
    world: World, django_assert_num_queries, django_capture_on_commit_callbacks
) -> None:
    conversation = ConversationFactory(
        inbox=world.inbox, contact=world.contact, assignee=world.agent, status="open"
    )
    members = [world.agent]
    with django_capture_on_commit_callbacks(execute=False):
        # The first reply also records the first response (SLA, reporting) and the read marker.
        send_as_member(members, contact_frame(conversation.pk, body="Let me check."))
    frame = contact_frame(conversation.pk, body="It ships today.")

    # Transaction (2), the conversation's workspace, the conversation for the member, lock,
    # client_id look-up, INSERT, UPDATE of last_seq, the member's read marker (read, move).
    with django_capture_on_commit_callbacks(execute=False), django_assert_num_queries(10):
        ack = send_as_member(members, frame)

    assert ack["conversation"] == conversation.pk


def test_keep_alives_of_waiting_visitors_read_their_inbox_queue_once_in_a_while(
    world: World, django_assert_num_queries
) -> None:
    widget.queue_facts_forget()
    first = ConversationFactory(inbox=world.inbox, contact=world.contact, queued_at=timezone.now())
    other = ContactFactory(workspace=world.workspace)
    second = ConversationFactory(inbox=world.inbox, contact=other, queued_at=timezone.now())

    (place,) = widget.queue_places(contact=world.contact)  # reads the inbox's queue
    assert place["conversation"] == first.pk and place["position"] == 1

    # Another waiting visitor of the same inbox, within QUEUE_FACTS_TTL: only their own
    # waiting conversations are read; the queue is the one read above.
    with django_assert_num_queries(1):
        (place,) = widget.queue_places(contact=other)
    assert place["conversation"] == second.pk and place["position"] == 2


def test_a_conversation_queued_after_the_queue_was_read_reads_it_again(world: World) -> None:
    widget.queue_facts_forget()
    ConversationFactory(inbox=world.inbox, queued_at=timezone.now())
    widget.queue_places(contact=ContactFactory(workspace=world.workspace))
    late = ConversationFactory(inbox=world.inbox, contact=world.contact, queued_at=timezone.now())

    (place,) = widget.queue_places(contact=world.contact)

    assert place["conversation"] == late.pk and place["position"] == 2
