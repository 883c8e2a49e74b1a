"""A visitor's message into a conversation they name (the widget's hot path), whose one locking
query also answers whose conversation it is, whether it is a closed ticket and whether the
client_id was stored before (services/messages.py, ``_lock_for_contact``)."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from parley.conversations import frames, services
from parley.conversations.consumers.widget import send_as_contact
from parley.conversations.models import Conversation, Message, Status
from parley.conversations.services import messages
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.services import ticket_create
from tests.conftest import Published, World, build_world
from tests.factories import ContactFactory, ConversationFactory


def frame_for(conversation: int, body: str, client_id: uuid.UUID | None = None) -> Any:
    return frames.MessageCreate(
        client_id=client_id or uuid.uuid4(),
        conversation=conversation,
        body=body,
        private=False,
        attachments=[],
        topic="",
    )


def test_a_message_into_a_closed_ticket_goes_to_one_follow_up(world: World) -> None:
    ticket = ticket_create(
        inbox=world.inbox,
        contact=world.contact,
        subject="Broken parcel",
        description="It arrived broken.",
        created_via=CreatedVia.CONSOLE,
        actor=world.supervisor,
    )
    Conversation.objects.filter(pk=ticket.pk).update(status=Status.RESOLVED)
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now())
    frame = frame_for(ticket.pk, "The new one is broken too")

    ack = send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame)
    again = send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame)

    follow_up = Ticket.objects.get(follow_up_of=ticket)
    assert ack["conversation"] == follow_up.pk != ticket.pk
    assert again == ack
    assert Message.objects.get(pk=ack["id"]).body == "The new one is broken too"
    assert Ticket.objects.count() == 2  # the resend started no third ticket


def test_another_contacts_conversation_is_not_found_and_left_alone(world: World) -> None:
    theirs = ConversationFactory(
        inbox=world.inbox, contact=ContactFactory(workspace=world.workspace)
    )

    with pytest.raises(ApplicationError) as refused:
        send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame_for(theirs.pk, "hi"))

    assert refused.value.code == ErrorCode.NOT_FOUND
    assert not Message.objects.filter(conversation=theirs).exists()


def test_a_resent_message_is_found_after_messages_sent_since(world: World) -> None:
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    first = frame_for(conversation.pk, "first")
    ack = send_as_contact(contact=world.contact, inbox=world.inbox, frame=first)
    send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame_for(conversation.pk, "2"))

    again = send_as_contact(contact=world.contact, inbox=world.inbox, frame=first)

    assert again == ack
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_the_locking_query_is_compiled_once_and_takes_each_callers_values(world: World) -> None:
    other = ContactFactory(workspace=world.workspace)
    mine = ConversationFactory(inbox=world.inbox, contact=world.contact)
    theirs = ConversationFactory(inbox=world.inbox, contact=other)
    send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame_for(mine.pk, "warm"))
    compiled = messages._contact_lock_sql.cache_info().misses

    a = send_as_contact(contact=world.contact, inbox=world.inbox, frame=frame_for(mine.pk, "a"))
    b = send_as_contact(contact=other, inbox=world.inbox, frame=frame_for(theirs.pk, "b"))

    assert messages._contact_lock_sql.cache_info().misses == compiled
    assert (a["conversation"], b["conversation"]) == (mine.pk, theirs.pk)
    assert Message.objects.get(pk=b["id"]).sender_contact == other


def test_a_message_into_a_resolved_conversation_reopens_it_with_its_full_state(
    world: World, published: Published
) -> None:
    conversation = ConversationFactory(
        inbox=world.inbox, contact=world.contact, status=Status.RESOLVED, assignee=world.agent
    )

    with published.committing():
        send_as_contact(
            contact=world.contact, inbox=world.inbox, frame=frame_for(conversation.pk, "again")
        )

    conversation.refresh_from_db()
    assert conversation.status == Status.OPEN
    (updated, *_) = published.frames("conversation.updated")
    assert updated["conversation"]["status"] == Status.OPEN
    assert updated["conversation"]["assignee"]["id"] == world.agent.pk
    assert updated["conversation"]["inbox"]["name"] == world.inbox.name


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_resend_that_waited_for_the_first_sends_lock_returns_its_message() -> None:
    """The first send holds the conversation's lock until it commits; the resend's locking
    query started before that commit, so its snapshot misses the first message. It must look
    again rather than store a second message (or fail on the unique constraint)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks and snapshots are what is tested: needs PostgreSQL")
    world = build_world()
    conversation = ConversationFactory(inbox=world.inbox, contact=world.contact)
    client_id = uuid.uuid4()
    first_stored, commit_first = threading.Event(), threading.Event()
    results: dict[str, services.SendResult] = {}
    errors: list[BaseException] = []

    def send() -> services.SendResult:
        return services.contact_message_send(
            contact=world.contact,
            inbox=world.inbox,
            conversation_id=conversation.pk,
            body="Where is my parcel?",
            client_id=client_id,
        )

    def first() -> None:
        try:
            with transaction.atomic():
                results["first"] = send()
                first_stored.set()
                commit_first.wait(timeout=30)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            first_stored.set()
            connections.close_all()

    def resend() -> None:
        try:
            results["resend"] = send()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=resend)]
    threads[0].start()
    assert first_stored.wait(timeout=30)
    threads[1].start()
    try:
        _wait_for_a_lock_wait()
    finally:
        commit_first.set()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert results["first"].created is True
    assert results["resend"].created is False
    assert results["resend"].message.pk == results["first"].message.pk
    assert Message.objects.filter(conversation=conversation, client_id=client_id).count() == 1


def _wait_for_a_lock_wait(timeout: float = 20.0) -> None:
    """Until another session of this database waits for a row lock (the resend)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the resend never waited for the first send's lock")
