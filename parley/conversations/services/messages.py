"""Use cases that add messages: start a conversation, send (idempotently), leave a message."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, IntegerField, OuterRef, Subquery, Value
from django.utils import timezone

from parley.accounts.models import Member
from parley.analytics import events as reporting
from parley.compliance.consent import ensure_consent
from parley.contacts.models import Contact
from parley.contacts.services import contact_touch
from parley.conversations import realtime, selectors
from parley.conversations.attachments import unsent_attachments
from parley.conversations.models import (
    Attachment,
    AttachmentKind,
    Conversation,
    Message,
    MessageKind,
    SenderType,
    Status,
)
from parley.conversations.services.reads import advance_member_read
from parley.conversations.services.timeline import (
    SYSTEM,
    Sender,
    SendResult,
    append_entry,
    append_event,
    lock_conversation,
    request_routing,
    save_state,
)
from parley.conversations.text import clean_body
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.ratelimits import rate_limit


@transaction.atomic
def conversation_start(
    *, inbox: Inbox, contact: Contact, topic: str = "", status: Status = Status.QUEUED
) -> Conversation:
    if contact.workspace_id != inbox.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such contact.")
    conversation = Conversation.objects.create(
        workspace_id=inbox.workspace_id,
        inbox=inbox,
        contact=contact,
        topic=topic,
        status=status,
        queued_at=timezone.now() if status == Status.QUEUED else None,
    )
    reporting.event_conversation_created(conversation=conversation)
    realtime.publish_conversation_updated(conversation)
    request_routing(inbox.pk)
    return conversation


def _chat_start(*, inbox: Inbox, contact: Contact, topic: str) -> Conversation:
    """A visitor's new chat: with the inbox's bot first when it has one (parley.bot), which
    greets them; else straight into the queue."""
    from parley.bot.conversation.turn import bot_answers_first, bot_greet  # bot builds on us

    if not bot_answers_first(inbox):
        return conversation_start(inbox=inbox, contact=contact, topic=topic)
    conversation = conversation_start(inbox=inbox, contact=contact, topic=topic, status=Status.BOT)
    bot_greet(conversation=lock_conversation(conversation.pk), contact=contact)
    return conversation


def _parse_client_id(client_id: str | uuid.UUID | None) -> uuid.UUID | None:
    if client_id is None or isinstance(client_id, uuid.UUID):
        return client_id
    try:
        return uuid.UUID(str(client_id))
    except ValueError as exc:
        raise ApplicationError(
            ErrorCode.INVALID, "client_id must be a UUID.", fields={"client_id": "not a UUID"}
        ) from exc


@transaction.atomic
def message_send(
    *,
    conversation: Conversation,
    sender: Sender,
    body: str,
    client_id: str | uuid.UUID | None = None,
    private: bool = False,
    attachment_ids: list[int] | None = None,
) -> SendResult:
    """Store a message once per ``client_id`` and fan it out after commit.

    A retry with a ``client_id`` stored before returns that message (``created=False``) and
    sends nothing. Replies move the conversation along as a person would expect: a contact
    writing into a pending or resolved conversation reopens it; an agent's first public reply
    to an unassigned conversation takes it.
    """
    return _message_store(
        conversation=conversation,
        sender=sender,
        body=body,
        client_id=client_id,
        private=private,
        attachment_ids=attachment_ids,
    )


def _message_store(
    *,
    conversation: Conversation,
    sender: Sender,
    body: str,
    client_id: str | uuid.UUID | None = None,
    private: bool = False,
    attachment_ids: list[int] | None = None,
) -> SendResult:
    """``message_send`` inside the caller's transaction: a caller that already holds one (the
    widget's send) saves the savepoint and its release, two round trips on every message."""
    cid = _parse_client_id(client_id)
    text = clean_body(body, allow_empty=bool(attachment_ids))
    if len(attachment_ids or []) > settings.PARLEY_MAX_ATTACHMENTS:
        raise ApplicationError(ErrorCode.INVALID, "Too many attachments in one message.")
    if private and sender.type != SenderType.AGENT:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only members write private notes.")
    locked = lock_conversation(conversation.pk)
    if cid is not None:
        existing = selectors.message_by_client_id(conversation_id=locked.pk, client_id=str(cid))
        if existing is not None:
            return SendResult(message=existing, created=False, conversation=locked)
    return _store_on_locked(
        locked,
        sender=sender,
        text=text,
        cid=cid,
        private=private,
        attachment_ids=attachment_ids,
    )


def _store_on_locked(
    locked: Conversation,
    *,
    sender: Sender,
    text: str,
    cid: uuid.UUID | None,
    private: bool = False,
    attachment_ids: list[int] | None = None,
    rules_exist: bool = True,
) -> SendResult:
    """Store a new message on a conversation locked by the caller, who has checked the input
    and found no message with this ``client_id``. ``rules_exist=False``: the caller read, in
    this transaction, that the workspace has no rules for customer messages."""
    files = unsent_attachments(
        ids=attachment_ids or [],
        workspace_id=locked.workspace_id,
        member_id=sender.member.pk if sender.member else None,
        contact_id=sender.contact.pk if sender.contact else None,
    )
    # The state change a message causes comes first in the timeline ("Agent One joined",
    # "reopened by the customer"), then the message that caused it.
    if sender.contact is not None:
        _contact_wakes_conversation(locked)
    elif sender.member is not None and not private:
        _agent_takes_if_free(locked, sender.member)
    message = append_entry(
        locked,
        sender=sender,
        body=text,
        private=private,
        client_id=cid,
        kind=_kind_of(files),
        attachments=files,
    )
    if sender.contact is not None:
        # Imported here: automation builds on these services. Its rules run now, before
        # commit, so a message they mark as spam is never routed.
        from parley.automation.hooks import automation_after_customer_message

        automation_after_customer_message(
            conversation=locked, message=message, rules_exist=rules_exist
        )
        if locked.status == Status.BOT:
            from parley.bot.conversation.turn import bot_after_customer_message  # bot builds on us

            bot_after_customer_message(conversation=locked, message=message)
    if sender.member is not None:
        advance_member_read(conversation=locked, member=sender.member, seq=locked.last_seq)
    return SendResult(message=message, created=True, conversation=locked)


def _kind_of(files: list[Attachment]) -> str:
    if not files:
        return MessageKind.TEXT
    if all(f.kind == AttachmentKind.IMAGE for f in files):
        return MessageKind.IMAGE
    return MessageKind.FILE


def _contact_wakes_conversation(conversation: Conversation) -> None:
    if conversation.spam:
        return  # spam stays resolved whatever the sender writes next
    if conversation.status == Status.RESOLVED:
        conversation.status = Status.OPEN if conversation.assignee_id else Status.QUEUED
        conversation.resolved_at = None
        append_event(
            conversation,
            body="Conversation reopened by the customer",
            data={
                "event": "reopened",
                "from": Status.RESOLVED,
                "to": conversation.status,
                "by": None,
                "by_contact": conversation.contact_id,
            },
        )
        save_state(conversation, "status", "resolved_at")
        reporting.event_reopened(conversation=conversation)
    elif conversation.status == Status.PENDING:
        conversation.status = Status.OPEN
        append_event(
            conversation,
            body="Customer replied",
            data={
                "event": "status_changed",
                "from": Status.PENDING,
                "to": Status.OPEN,
                "by": None,
                "by_contact": conversation.contact_id,
            },
        )
        save_state(conversation, "status")


def _agent_takes_if_free(conversation: Conversation, member: Member) -> None:
    if conversation.assignee_id is None and conversation.status in {Status.QUEUED, Status.BOT}:
        conversation.assignee = member
        conversation.status = Status.OPEN
        append_event(
            conversation,
            body=f"{member.name} joined the conversation",
            internal=True,
            data={"event": "assigned", "assignee": member.pk, "previous": None, "by": member.pk},
        )
        save_state(conversation, "assignee", "status")


@transaction.atomic
def contact_message_send(
    *,
    contact: Contact,
    inbox: Inbox,
    conversation_id: int | None,
    body: str,
    client_id: str | uuid.UUID | None,
    attachment_ids: list[int] | None = None,
    topic: str = "",
) -> SendResult:
    """A contact writes from the widget. With no conversation id the message goes to their
    current open conversation in this inbox, or starts one — and a retry of that first message
    (same client_id) finds the conversation it started instead of starting another."""
    # One budget for socket and REST together, so switching transport does not double it.
    rate_limit(
        scope="contact_messages", key=str(contact.pk), rate=settings.PARLEY_RATE_CONTACT_MESSAGES
    )
    text = clean_body(body, allow_empty=bool(attachment_ids))  # refuse bad input first
    cid = _parse_client_id(client_id)
    if conversation_id is not None:
        return _send_into_conversation(
            contact, inbox, conversation_id, body=body, text=text, cid=cid, files=attachment_ids
        )
    # Serialise a contact's "new conversation" requests so two tabs cannot start two.
    contact_locked = Contact.objects.select_for_update().get(pk=contact.pk)
    earlier = None
    if cid is not None:
        earlier = selectors.contact_message_by_client_id(
            contact=contact_locked, inbox=inbox, client_id=cid
        )
    if earlier is not None:
        conversation = earlier.conversation
    else:
        current = selectors.contact_current_conversation(contact=contact_locked, inbox_id=inbox.pk)
        if current is None:
            # A workspace that requires consent starts no conversation without it.
            ensure_consent(contact=contact_locked)
        conversation = current or _chat_start(inbox=inbox, contact=contact_locked, topic=topic[:80])
    return _message_store(
        conversation=conversation,
        sender=Sender.of_contact(contact),
        body=body,
        client_id=cid,
        attachment_ids=attachment_ids,
    )


@dataclass(frozen=True)
class _ContactLock:
    """A contact's conversation locked for their message, with what the send needs to know of
    it, read by the locking query itself (docs/benchmarks.md, "What the profiler found")."""

    conversation: Conversation
    closed_ticket: bool
    earlier_id: int | None  # the message stored before with this client_id
    seen_seq: int  # last_seq in the statement's snapshot (see _lock_for_contact)
    rules_exist: bool  # the workspace has rules for customer messages


def _lock_for_contact(
    *, contact: Contact, conversation_id: int, cid: uuid.UUID | None
) -> _ContactLock:
    """One query instead of four (the contact's conversation, the closed-ticket check, the
    lock, the client_id look-up), and the automation rules' query skipped when there are none.

    On PostgreSQL a SELECT … FOR UPDATE that waited for the lock returns the row as the other
    transaction committed it, but its subqueries still read the snapshot taken before the
    wait: a message committed meanwhile under this client_id (a resend racing the first send)
    is not seen by ``earlier_id``. Every message moves ``last_seq`` in its own transaction, so
    such a wait shows as ``seen_seq`` (the snapshot's) differing from the locked row's; the
    caller then looks again. SQLite serialises writers for the whole transaction.

    The conversation comes without its related rows (inbox, contact, assignee, team): a plain
    message needs none, and the caller reads them (``lock_conversation``) where it does.
    """
    sql, slots = _contact_lock_sql(connection.vendor, with_client_id=cid is not None)
    inputs: dict[str, Any] = {"conversation_id": conversation_id, "contact_id": contact.pk}
    if cid is not None:
        inputs["client_id"] = _client_id_as_stored(cid)
    params = [inputs[slot.name] if isinstance(slot, _Input) else slot for slot in slots]
    row = next(iter(Conversation.objects.raw(sql, params)), None)
    if row is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such conversation.")
    return _ContactLock(
        conversation=row,
        # The raw query's extra columns, as the database answers: SQLite's EXISTS is 0 or 1.
        closed_ticket=bool(row.closed_ticket),  # type: ignore[attr-defined]
        earlier_id=row.earlier_id,  # type: ignore[attr-defined]
        seen_seq=row.seen_seq,  # type: ignore[attr-defined]
        rules_exist=bool(row.rules_exist),  # type: ignore[attr-defined]
    )


@dataclass(frozen=True)
class _Input:
    """Where an input of the locking query goes among its parameters."""

    name: str


def _client_id_as_stored(client_id: uuid.UUID) -> Any:
    """A client_id as the database takes it as a parameter (SQLite: hex text)."""
    return Message._meta.get_field("client_id").get_db_prep_value(client_id, connection)


# Values no row has, standing for the locking query's inputs while the ORM compiles it.
_MARKS: dict[str, Any] = {
    "conversation_id": -7_301_001,
    "contact_id": -7_301_002,
    "client_id": uuid.UUID(int=7_301_003),
}


@functools.cache
def _contact_lock_sql(vendor: str, *, with_client_id: bool) -> tuple[str, tuple[Any, ...]]:
    """The locking query of ``_lock_for_contact``, compiled by the ORM once per process: its
    SQL, and its parameters with an ``_Input`` where the caller's values go.

    Django building this SQL (four subqueries) took about 3 ms of CPU on every visitor
    message, more than anything else on the path; run as a raw query it takes about 0.5 ms
    (docs/benchmarks.md). The ORM still writes it, so it follows the models, the vendor
    (FOR UPDATE OF on PostgreSQL, nothing on SQLite) and ``customer_message_rules``."""
    # Imported here: tickets and automation build on conversations.
    from parley.automation.hooks import customer_message_rules
    from parley.tickets.models import Ticket

    here = OuterRef("pk")
    earlier: Any = Value(None, output_field=IntegerField())
    if with_client_id:
        with_mark = Message.objects.filter(conversation_id=here, client_id=_MARKS["client_id"])
        earlier = Subquery(with_mark.values("pk")[:1])
    query = (
        Conversation.objects.select_for_update(of=("self",))
        .filter(pk=_MARKS["conversation_id"], contact_id=_MARKS["contact_id"])
        .annotate(
            closed_ticket=Exists(Ticket.objects.filter(pk=here, closed_at__isnull=False)),
            earlier_id=earlier,
            seen_seq=Subquery(Conversation.objects.filter(pk=here).values("last_seq")[:1]),
            rules_exist=Exists(customer_message_rules(workspace_id=OuterRef("workspace_id"))),
        )
    )[:1]
    sql, params = query.query.sql_with_params()
    marks = {
        "conversation_id": _MARKS["conversation_id"],
        "contact_id": _MARKS["contact_id"],
        "client_id": _client_id_as_stored(_MARKS["client_id"]),
    }
    slots = tuple(
        next((_Input(name) for name, mark in marks.items() if _same(param, mark)), param)
        for param in params
    )
    placed = sorted(slot.name for slot in slots if isinstance(slot, _Input))
    expected = sorted(["conversation_id", "contact_id"] + (["client_id"] if with_client_id else []))
    if placed != expected:  # each input in exactly one place, or the query is not what we think
        raise RuntimeError(f"the contact lock's inputs compiled to {placed}")
    return sql, slots


def _same(param: Any, mark: Any) -> bool:
    # By type as well: a parameter True or 1 must never pass for a mark.
    return type(param) is type(mark) and bool(param == mark)


def _send_into_conversation(
    contact: Contact,
    inbox: Inbox,
    conversation_id: int,
    *,
    body: str,
    text: str,
    cid: uuid.UUID | None,
    files: list[int] | None,
) -> SendResult:
    """A contact's message into a conversation they name: the widget's hot path. ``text`` is
    ``body`` cleaned; a closed ticket's follow-up takes ``body`` as written, as it always did."""
    if len(files or []) > settings.PARLEY_MAX_ATTACHMENTS:
        raise ApplicationError(ErrorCode.INVALID, "Too many attachments in one message.")
    lock = _lock_for_contact(contact=contact, conversation_id=conversation_id, cid=cid)
    locked = lock.conversation
    if lock.closed_ticket:
        return _follow_up_closed_ticket(locked, contact, inbox, body, cid)
    if cid is not None:
        raced = lock.seen_seq != locked.last_seq  # see _lock_for_contact
        if lock.earlier_id is not None or raced:
            existing = selectors.message_by_client_id(conversation_id=locked.pk, client_id=str(cid))
            if existing is not None:
                return SendResult(message=existing, created=False, conversation=locked)
    if lock.rules_exist or locked.status not in _PLAIN_STATUSES:
        # Rules, the bot or a status change read the conversation's related rows (and the
        # payloads sent at commit): read them once, as every other service's lock does.
        locked = lock_conversation(locked.pk)
    return _store_on_locked(
        locked,
        sender=Sender.of_contact(contact),
        text=text,
        cid=cid,
        attachment_ids=files,
        rules_exist=lock.rules_exist,
    )


# A contact's message into a conversation in these leaves its status as it is
# (``_contact_wakes_conversation``) and is not the bot's to answer.
_PLAIN_STATUSES = frozenset({Status.OPEN, Status.QUEUED})


def _follow_up_closed_ticket(
    conversation: Conversation, contact: Contact, inbox: Inbox, body: str, cid: uuid.UUID | None
) -> SendResult:
    """A customer writes into a ticket closed for good: a linked follow-up ticket takes the
    message (once per client_id: a retry finds it)."""
    # Imported here: tickets build on conversations, not the other way round.
    from parley.tickets.selectors import ticket_of
    from parley.tickets.services import ticket_contact_reply

    if cid is not None:
        earlier = selectors.contact_message_by_client_id(
            contact=contact, inbox=inbox, client_id=cid
        )
        if earlier is not None:
            return SendResult(message=earlier, created=False, conversation=earlier.conversation)
    ticket = ticket_of(conversation_id=conversation.pk)
    assert ticket is not None
    reply = ticket_contact_reply(ticket=ticket, body=body, client_id=cid)
    return SendResult(message=reply.message, created=True, conversation=reply.message.conversation)


@transaction.atomic
def contact_leave_message(
    *,
    contact: Contact,
    inbox: Inbox,
    name: str,
    email: str,
    body: str,
    client_id: str | uuid.UUID | None = None,
    auto_reply: str | None = None,
) -> SendResult:
    """A visitor leaves a message while nobody can chat: a new conversation in the queue that
    says so, with the contact's details kept so the team can answer later. A retry with the
    same ``client_id`` finds the message left before instead of leaving it twice.

    ``auto_reply`` (outside business hours: when the team will answer) follows the visitor's
    message as a public system message."""
    text = clean_body(body)
    cid = _parse_client_id(client_id)
    contact_locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if cid is not None:
        earlier = selectors.contact_message_by_client_id(
            contact=contact_locked, inbox=inbox, client_id=cid
        )
        if earlier is not None:
            return SendResult(message=earlier, created=False, conversation=earlier.conversation)
    ensure_consent(contact=contact_locked)
    contact_touch(contact=contact_locked, name=name, email=email, overwrite=True)
    conversation = conversation_start(inbox=inbox, contact=contact_locked)
    locked = lock_conversation(conversation.pk)
    append_event(
        locked,
        body="Left a message while the team was away",
        data={"event": "left_message", "email": contact_locked.email},
    )
    message = append_entry(
        locked, sender=Sender.of_contact(contact_locked), body=text, client_id=cid
    )
    if auto_reply:
        append_entry(locked, sender=SYSTEM, body=auto_reply)
    return SendResult(message=message, created=True, conversation=locked)
