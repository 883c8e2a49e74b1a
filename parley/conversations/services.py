"""Every change to a conversation happens here, inside a transaction, with its events sent after
commit. Views and consumers validate input, call one of these and shape the answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from parley.accounts.models import Member, Team
from parley.accounts.services import audit_record
from parley.contacts.models import Contact
from parley.contacts.services import contact_touch
from parley.conversations import policies, realtime, selectors
from parley.conversations.attachments import unsent_attachments
from parley.conversations.models import (
    Attachment,
    AttachmentKind,
    Conversation,
    ConversationRead,
    Message,
    MessageKind,
    SenderType,
    Status,
)
from parley.conversations.payloads import message_created_frame
from parley.conversations.search_text import index_words
from parley.conversations.text import clean_body
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox

# Which status a member may move a conversation to from each status. Reopening is
# resolved → open; a contact writing into a resolved or pending conversation reopens it too.
TRANSITIONS: dict[str, set[str]] = {
    Status.BOT: {Status.QUEUED, Status.OPEN, Status.RESOLVED},
    Status.QUEUED: {Status.OPEN, Status.PENDING, Status.RESOLVED},
    Status.OPEN: {Status.QUEUED, Status.PENDING, Status.RESOLVED},
    Status.PENDING: {Status.OPEN, Status.RESOLVED},
    Status.RESOLVED: {Status.OPEN},
}


@dataclass(frozen=True)
class Sender:
    type: SenderType
    member: Member | None = None
    contact: Contact | None = None

    @classmethod
    def of_member(cls, member: Member) -> Sender:
        return cls(type=SenderType.AGENT, member=member)

    @classmethod
    def of_contact(cls, contact: Contact) -> Sender:
        return cls(type=SenderType.CONTACT, contact=contact)


SYSTEM = Sender(type=SenderType.SYSTEM)


@dataclass(frozen=True)
class SendResult:
    message: Message
    created: bool  # False when the client_id had been stored before: same ack, no duplicate
    conversation: Conversation = field(compare=False)


def _lock(conversation_id: int) -> Conversation:
    """The conversation row, locked until commit; the one place seq order is serialised.

    PostgreSQL takes a row lock; SQLite's IMMEDIATE transactions already serialise writers.
    """
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("inbox", "contact", "assignee__user", "team")
        .get(pk=conversation_id)
    )


def _append(
    conversation: Conversation,
    *,
    sender: Sender,
    body: str,
    kind: str = MessageKind.TEXT,
    private: bool = False,
    client_id: uuid.UUID | None = None,
    data: dict[str, Any] | None = None,
    attachments: list[Attachment] | None = None,
) -> Message:
    """Add one entry to a locked conversation's timeline and schedule its fan-out."""
    now = timezone.now()
    conversation.last_seq += 1
    conversation.last_activity_at = now
    message = Message.objects.create(
        workspace_id=conversation.workspace_id,
        conversation=conversation,
        seq=conversation.last_seq,
        client_id=client_id,
        sender_type=sender.type,
        sender_member=sender.member,
        sender_contact=sender.contact,
        kind=kind,
        body=body,
        private=private,
        data=data or {},
        search_words=index_words(body) if kind != MessageKind.EVENT else "",
    )
    Conversation.objects.filter(pk=conversation.pk).update(
        last_seq=conversation.last_seq, last_activity_at=now
    )
    for attachment in attachments or []:
        attachment.message = message
        attachment.save(update_fields=["message"])
    frame = message_created_frame(message, attachments or [])
    groups = realtime.staff_groups(conversation)
    if not private:
        groups.append(realtime.contact_group(conversation.contact_id))
    realtime.publish_on_commit(groups, frame)
    return message


def _event(conversation: Conversation, *, body: str, data: dict[str, Any]) -> Message:
    return _append(conversation, sender=SYSTEM, body=body, kind=MessageKind.EVENT, data=data)


def _save_state(conversation: Conversation, *fields: str) -> None:
    conversation.save(update_fields=list(fields))
    realtime.publish_conversation_updated(conversation)


@transaction.atomic
def conversation_start(
    *, inbox: Inbox, contact: Contact, topic: str = "", status: Status = Status.QUEUED
) -> Conversation:
    if contact.workspace_id != inbox.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such contact.")
    conversation = Conversation.objects.create(
        workspace_id=inbox.workspace_id, inbox=inbox, contact=contact, topic=topic, status=status
    )
    realtime.publish_conversation_updated(conversation)
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
    cid = _parse_client_id(client_id)
    text = clean_body(body, allow_empty=bool(attachment_ids))
    if len(attachment_ids or []) > settings.PARLEY_MAX_ATTACHMENTS:
        raise ApplicationError(ErrorCode.INVALID, "Too many attachments in one message.")
    if private and sender.type != SenderType.AGENT:
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only members write private notes.")
    locked = _lock(conversation.pk)
    if cid is not None:
        existing = selectors.message_by_client_id(conversation_id=locked.pk, client_id=str(cid))
        if existing is not None:
            return SendResult(message=existing, created=False, conversation=locked)

    files = unsent_attachments(
        ids=attachment_ids or [],
        workspace_id=locked.workspace_id,
        member_id=sender.member.pk if sender.member else None,
        contact_id=sender.contact.pk if sender.contact else None,
    )
    message = _append(
        locked,
        sender=sender,
        body=text,
        private=private,
        client_id=cid,
        kind=_kind_of(files),
        attachments=files,
    )
    if sender.contact is not None:
        _after_contact_message(locked)
    elif sender.member is not None and not private:
        _after_agent_reply(locked, sender.member)
    return SendResult(message=message, created=True, conversation=locked)


def _kind_of(files: list[Attachment]) -> str:
    if not files:
        return MessageKind.TEXT
    if all(f.kind == AttachmentKind.IMAGE for f in files):
        return MessageKind.IMAGE
    return MessageKind.FILE


def _after_contact_message(conversation: Conversation) -> None:
    if conversation.status == Status.RESOLVED:
        conversation.status = Status.OPEN if conversation.assignee_id else Status.QUEUED
        conversation.resolved_at = None
        _event(
            conversation,
            body="Conversation reopened by the customer",
            data={"event": "reopened", "by": "contact", "to": conversation.status},
        )
        _save_state(conversation, "status", "resolved_at")
    elif conversation.status == Status.PENDING:
        conversation.status = Status.OPEN
        _event(
            conversation,
            body="Customer replied",
            data={"event": "status_changed", "from": Status.PENDING, "to": Status.OPEN},
        )
        _save_state(conversation, "status")


def _after_agent_reply(conversation: Conversation, member: Member) -> None:
    if conversation.assignee_id is None and conversation.status in {Status.QUEUED, Status.BOT}:
        conversation.assignee = member
        conversation.status = Status.OPEN
        _event(
            conversation,
            body=f"{member.name} joined the conversation",
            data={"event": "assigned", "assignee": member.pk, "by": member.pk},
        )
        _save_state(conversation, "assignee", "status")


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
    clean_body(body, allow_empty=bool(attachment_ids))  # refuse bad input before creating
    cid = _parse_client_id(client_id)
    if conversation_id is not None:
        conversation = selectors.conversation_for_contact(
            contact=contact, conversation_id=conversation_id
        )
    else:
        # Serialise a contact's "new conversation" requests so two tabs cannot start two.
        contact_locked = Contact.objects.select_for_update().get(pk=contact.pk)
        earlier = None
        if cid is not None:
            earlier = (
                Message.objects.filter(
                    conversation__contact=contact_locked, conversation__inbox=inbox, client_id=cid
                )
                .select_related("conversation")
                .first()
            )
        if earlier is not None:
            conversation = earlier.conversation
        else:
            conversation = selectors.contact_current_conversation(
                contact=contact_locked, inbox_id=inbox.pk
            ) or conversation_start(inbox=inbox, contact=contact_locked, topic=topic[:80])
    return message_send(
        conversation=conversation,
        sender=Sender.of_contact(contact),
        body=body,
        client_id=cid,
        attachment_ids=attachment_ids,
    )


@transaction.atomic
def contact_leave_message(
    *, contact: Contact, inbox: Inbox, name: str, email: str, body: str
) -> Conversation:
    """A visitor leaves a message while nobody can chat: a new conversation in the queue that
    says so, with the contact's details kept so the team can answer later."""
    text = clean_body(body)
    contact_touch(contact=contact, name=name, email=email, overwrite=True)
    conversation = conversation_start(inbox=inbox, contact=contact)
    locked = _lock(conversation.pk)
    _event(
        locked,
        body="Left a message while the team was away",
        data={"event": "left_message", "email": contact.email},
    )
    _append(locked, sender=Sender.of_contact(contact), body=text)
    return locked


@transaction.atomic
def conversation_assign(
    *, conversation: Conversation, assignee: Member | None, actor: Member
) -> Conversation:
    locked = _lock(conversation.pk)
    if assignee is not None and (
        assignee.workspace_id != locked.workspace_id or not assignee.is_active
    ):
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such member.")
    if not policies.can_assign(actor=actor, conversation=locked, assignee=assignee):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Your role may not make this assignment."
        )
    if locked.assignee_id == (assignee.pk if assignee else None):
        return locked
    previous = locked.assignee_id
    locked.assignee = assignee
    if assignee is not None and locked.status in {Status.QUEUED, Status.BOT}:
        locked.status = Status.OPEN
    elif assignee is None and locked.status == Status.OPEN:
        locked.status = Status.QUEUED
    if assignee is not None:
        body = f"Assigned to {assignee.name} by {actor.name}"
    else:
        body = f"Unassigned by {actor.name}"
    _event(
        locked,
        body=body,
        data={
            "event": "assigned",
            "assignee": assignee.pk if assignee else None,
            "previous": previous,
            "by": actor.pk,
        },
    )
    _save_state(locked, "assignee", "status")
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.assigned",
        target=locked,
        data={"assignee": locked.assignee_id, "previous": previous},
    )
    return locked


@transaction.atomic
def conversation_set_team(
    *, conversation: Conversation, team: Team | None, actor: Member
) -> Conversation:
    locked = _lock(conversation.pk)
    if team is not None and team.workspace_id != locked.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such team.")
    if not policies.can_change_status(actor=actor, conversation=locked):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Your role may not move this.")
    if locked.team_id == (team.pk if team else None):
        return locked
    previous = locked.team_id
    locked.team = team
    _event(
        locked,
        body=f"Team set to {team.name}" if team else "Team removed",
        data={
            "event": "team_changed",
            "team": team.pk if team else None,
            "previous": previous,
            "by": actor.pk,
        },
    )
    _save_state(locked, "team")
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.team_changed",
        target=locked,
        data={"team": locked.team_id, "previous": previous},
    )
    return locked


@transaction.atomic
def conversation_set_status(
    *, conversation: Conversation, status: str, actor: Member
) -> Conversation:
    if status not in Status.values:
        raise ApplicationError(
            ErrorCode.INVALID, f"Unknown status {status!r}.", fields={"status": "unknown"}
        )
    locked = _lock(conversation.pk)
    if not policies.can_change_status(actor=actor, conversation=locked):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only the assignee or a supervisor may do this."
        )
    if locked.status == status:
        return locked
    if status not in TRANSITIONS[locked.status]:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION, f"A {locked.status} conversation cannot become {status}."
        )
    previous = locked.status
    locked.status = status
    locked.resolved_at = timezone.now() if status == Status.RESOLVED else None
    event = "reopened" if previous == Status.RESOLVED else "status_changed"
    _event(
        locked,
        body=f"{actor.name} changed the status to {status}",
        data={"event": event, "from": previous, "to": status, "by": actor.pk},
    )
    _save_state(locked, "status", "resolved_at")
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.status_changed",
        target=locked,
        data={"from": previous, "to": status},
    )
    return locked


def _current_last_seq(conversation: Conversation) -> int:
    return Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation.pk)


def conversation_mark_read_by_member(
    *, conversation: Conversation, member: Member, seq: int
) -> int:
    """Move the member's read pointer forward (never back); returns where it stands."""
    seq = max(0, min(seq, _current_last_seq(conversation)))
    read, created = ConversationRead.objects.get_or_create(
        member=member, conversation=conversation, defaults={"seq": seq}
    )
    if not created and seq > read.seq:
        ConversationRead.objects.filter(pk=read.pk, seq__lt=seq).update(seq=seq)
    seq = max(read.seq, seq)
    realtime.publish_on_commit(
        [realtime.contact_group(conversation.contact_id)],
        {
            "type": "read",
            "conversation": conversation.pk,
            "seq": seq,
            "by": {"type": SenderType.AGENT, "id": member.pk, "name": member.name},
        },
    )
    return seq


def conversation_mark_read_by_contact(*, conversation: Conversation, seq: int) -> int:
    seq = max(0, min(seq, _current_last_seq(conversation)))
    Conversation.objects.filter(pk=conversation.pk, contact_read_seq__lt=seq).update(
        contact_read_seq=seq
    )
    realtime.publish_on_commit(
        realtime.staff_groups(conversation),
        {
            "type": "read",
            "conversation": conversation.pk,
            "seq": seq,
            "by": {
                "type": SenderType.CONTACT,
                "id": conversation.contact_id,
                "name": conversation.contact.display_name,
            },
        },
    )
    return seq
