"""Use cases that make tickets: create one, escalate a live chat, and a customer's reply that
either reopens a solved ticket or, once it is closed, starts a follow-up ticket."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.contacts.models import Contact
from parley.conversations import policies
from parley.conversations.models import Conversation, Message, Priority
from parley.conversations.selectors import customer_first_words
from parley.conversations.services import (
    Sender,
    SendResult,
    contact_leave_message,
    conversation_start,
    message_send,
)

# Tickets extend the conversation's one timeline, so they add events the way its services do.
from parley.conversations.services.timeline import append_event, lock_conversation, save_state
from parley.conversations.text import clean_body
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.tickets.fields import custom_fields_clean
from parley.tickets.models import CreatedVia, Ticket
from parley.tickets.sensitive import custom_fields_store, sensitive_keys
from parley.tickets.services.common import (
    clean_tag_names,
    tags_ensure,
    ticket_announce_created,
    ticket_number_next,
)

SUBJECT_MAX = 200
TYPE_MAX = 60


def clean_subject(subject: str) -> str:
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"The subject is at most {SUBJECT_MAX} characters.",
            fields={"subject": f"at most {SUBJECT_MAX} characters"},
        )
    return subject


def clean_type(ticket_type: str) -> str:
    ticket_type = " ".join(ticket_type.split())
    if len(ticket_type) > TYPE_MAX:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"The type is at most {TYPE_MAX} characters.",
            fields={"type": f"at most {TYPE_MAX} characters"},
        )
    return ticket_type


def _headline(conversation: Conversation) -> str:
    """A subject for a ticket nobody named: the chat's topic, else the customer's first words."""
    return conversation.topic or customer_first_words(
        conversation=conversation, max_chars=SUBJECT_MAX
    )


def _check_priority(priority: int | None) -> None:
    if priority is not None and priority not in Priority.values:
        raise ApplicationError(
            ErrorCode.INVALID, "Unknown priority.", fields={"priority": "unknown"}
        )


@transaction.atomic
def ticket_create(
    *,
    inbox: Inbox,
    contact: Contact,
    subject: str,
    description: str,
    created_via: CreatedVia,
    actor: Member | None = None,
    priority: int | None = None,
    ticket_type: str = "",
    tags: list[str] | None = None,
    custom_fields: dict[str, Any] | None = None,
    follow_up_of: Ticket | None = None,
    client_id: str | uuid.UUID | None = None,
) -> Ticket:
    """A new conversation in ``inbox`` carrying the next ticket number, whose first message is
    the requester's description. Members must fill the required custom fields; a customer
    (web form, leave a message, a follow-up) cannot, so theirs are checked only for kind."""
    if contact.workspace_id != inbox.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such contact.")
    if actor is not None and actor.workspace_id != inbox.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such inbox.")
    subject = clean_subject(subject)
    clean_body(description)
    _check_priority(priority)
    tag_names = clean_tag_names(tags or [])
    fields = custom_fields_clean(
        workspace_id=inbox.workspace_id,
        values=custom_fields or {},
        enforce_required=actor is not None,
    )
    conversation = conversation_start(inbox=inbox, contact=contact, topic=subject[:80])
    ticket = Ticket(
        conversation=conversation,
        workspace_id=inbox.workspace_id,
        number=ticket_number_next(workspace_id=inbox.workspace_id),
        subject=subject,
        type=clean_type(ticket_type),
        created_via=created_via,
        follow_up_of=follow_up_of,
    )
    sealed = sensitive_keys(workspace_id=inbox.workspace_id) if fields else frozenset()
    custom_fields_store(ticket, fields, sealed)
    ticket.save(force_insert=True)
    ticket.tags.set(tags_ensure(workspace_id=inbox.workspace_id, names=tag_names))
    locked = lock_conversation(conversation.pk)
    if priority is not None and priority != locked.priority:
        locked.priority = priority
        locked.save(update_fields=["priority"])
    data: dict[str, Any] = {
        "event": "ticket_created",
        "ticket": ticket.number,
        "via": str(created_via),
        "by": actor.pk if actor else None,
    }
    if follow_up_of is not None:
        data["follow_up_of"] = follow_up_of.number
    append_event(locked, body=f"Ticket #{ticket.number} created", data=data)
    message_send(
        conversation=locked,
        sender=Sender.of_contact(contact),
        body=description,
        client_id=client_id,
    )
    ticket.conversation = locked
    if actor is not None:
        audit_record(
            workspace=actor.workspace,
            actor=actor,
            action="ticket.created",
            target=ticket,
            data={"number": ticket.number, "via": str(created_via)},
        )
    ticket_announce_created(ticket)
    return ticket


@transaction.atomic
def ticket_escalate(
    *,
    conversation: Conversation,
    actor: Member,
    subject: str = "",
    priority: int | None = None,
    ticket_type: str = "",
) -> Ticket:
    """Turn a live chat into a ticket: the same conversation, its whole history kept, now with
    a ticket number; the timeline records who escalated it."""
    subject = clean_subject(subject)
    ticket_type = clean_type(ticket_type)
    _check_priority(priority)
    locked = lock_conversation(conversation.pk)
    if not policies.can_change_status(actor=actor, conversation=locked):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            "Only the assignee or a supervisor may escalate this conversation.",
        )
    existing = Ticket.objects.filter(pk=locked.pk).first()
    if existing is not None:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"This conversation is already ticket #{existing.number}.",
        )
    ticket = Ticket.objects.create(
        conversation=locked,
        workspace_id=locked.workspace_id,
        number=ticket_number_next(workspace_id=locked.workspace_id),
        subject=subject or _headline(locked),
        type=ticket_type,
        created_via=CreatedVia.ESCALATION,
    )
    append_event(
        locked,
        body=f"{actor.name} escalated the chat to ticket #{ticket.number}",
        data={"event": "ticket_escalated", "ticket": ticket.number, "by": actor.pk},
    )
    if priority is not None and priority != locked.priority:
        locked.priority = priority
        save_state(locked, "priority")
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="ticket.escalated",
        target=ticket,
        data={"number": ticket.number, "conversation": locked.pk},
    )
    ticket_announce_created(ticket)
    return ticket


@transaction.atomic
def ticket_from_channel(
    *, conversation: Conversation, created_via: CreatedVia, subject: str = ""
) -> Ticket:
    """A conversation a customer started through a channel that makes tickets (leave a message
    now; e-mail later) becomes a ticket: the next number, an event in its timeline, the
    ticket-created e-mail. Idempotent: a conversation that is a ticket already stays as it is."""
    subject = clean_subject(subject)
    locked = lock_conversation(conversation.pk)
    existing = Ticket.objects.filter(pk=locked.pk).first()
    if existing is not None:
        return existing
    ticket = Ticket.objects.create(
        conversation=locked,
        workspace_id=locked.workspace_id,
        number=ticket_number_next(workspace_id=locked.workspace_id),
        subject=subject or _headline(locked),
        created_via=created_via,
    )
    append_event(
        locked,
        body=f"Ticket #{ticket.number} created",
        data={
            "event": "ticket_created",
            "ticket": ticket.number,
            "via": str(created_via),
            "by": None,
        },
    )
    ticket_announce_created(ticket)
    return ticket


@dataclass(frozen=True)
class TicketReply:
    ticket: Ticket  # the ticket the reply went to: the one written to, or its follow-up
    message: Message
    follow_up: bool


@transaction.atomic
def ticket_contact_reply(
    *, ticket: Ticket, body: str, client_id: str | uuid.UUID | None = None
) -> TicketReply:
    """The requester writes to their ticket. Within the reopen window a solved ticket reopens
    (the conversation's own rule); a closed ticket stays closed and the reply starts a
    follow-up ticket linked to it."""
    locked = lock_conversation(ticket.pk)
    current = Ticket.objects.select_related("conversation").get(pk=ticket.pk)
    if current.closed_at is None:
        result = message_send(
            conversation=locked,
            sender=Sender.of_contact(locked.contact),
            body=body,
            client_id=client_id,
        )
        current.conversation = result.conversation
        return TicketReply(ticket=current, message=result.message, follow_up=False)
    follow_up = ticket_create(
        inbox=locked.inbox,
        contact=locked.contact,
        subject=current.subject,
        description=body,
        created_via=current.created_via,  # type: ignore[arg-type]
        ticket_type=current.type,
        follow_up_of=current,
        client_id=client_id,  # a retry of this reply finds the follow-up, not a third ticket
    )
    append_event(
        locked,
        body=f"The customer wrote again: follow-up ticket #{follow_up.number}",
        data={
            "event": "ticket_followed_up",
            "ticket": current.number,
            "by": None,
            "follow_up": follow_up.number,
        },
    )
    # The customer's own words: the follow-up's timeline also holds events.
    message = follow_up.conversation.messages.filter(sender_type="contact").order_by("-seq").first()
    assert message is not None
    return TicketReply(ticket=follow_up, message=message, follow_up=True)


@transaction.atomic
def ticket_leave_message(
    *,
    contact: Contact,
    inbox: Inbox,
    name: str,
    email: str,
    body: str,
    client_id: str | uuid.UUID | None = None,
    auto_reply: str | None = None,
) -> SendResult:
    """A visitor leaves a message when nobody can chat: it is stored as a conversation and
    becomes a ticket, with a number the customer gets by e-mail. A retry finds both again."""
    result = contact_leave_message(
        contact=contact,
        inbox=inbox,
        name=name,
        email=email,
        body=body,
        client_id=client_id,
        auto_reply=auto_reply,
    )
    ticket = ticket_from_channel(
        conversation=result.conversation, created_via=CreatedVia.LEAVE_MESSAGE
    )
    if result.created:
        # Rules see the left message once it is a ticket (so they may tag it). Imported
        # here: automation builds on the ticket services.
        from parley.automation.hooks import automation_after_customer_message

        automation_after_customer_message(conversation=ticket.conversation, message=result.message)
    # The conversation as it stands now, the ticket's event included.
    return SendResult(
        message=result.message, created=result.created, conversation=ticket.conversation
    )
