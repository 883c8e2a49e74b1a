"""The shared core of every change: lock a conversation, add a timeline entry, publish after
commit. Only the service modules beside this one use it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from parley.accounts.models import Member
from parley.analytics import events as reporting
from parley.contacts.models import Contact
from parley.conversations import realtime
from parley.conversations.models import (
    Attachment,
    Conversation,
    Message,
    MessageKind,
    SenderType,
    Status,
)
from parley.conversations.payloads import message_created_frame
from parley.conversations.search_text import index_words
from parley.conversations.services.csat import csat_request
from parley.privacy.mask import mask_text


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


def lock_conversation(conversation_id: int) -> Conversation:
    """The conversation row, locked until commit; the one place seq order is serialised.

    PostgreSQL takes a row lock; SQLite's IMMEDIATE transactions already serialise writers.
    """
    return (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("inbox", "contact", "assignee__user", "team")
        .get(pk=conversation_id)
    )


def append_entry(
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
        # The index holds no personal data in clear (docs/security.md, "PII masking").
        search_words=index_words(mask_text(body)) if kind != MessageKind.EVENT else "",
    )
    changes: dict[str, Any] = {"last_seq": conversation.last_seq, "last_activity_at": now}
    if _is_first_response(conversation, sender=sender, kind=kind, private=private):
        conversation.first_response_at = message.created_at
        changes["first_response_at"] = message.created_at
    Conversation.objects.filter(pk=conversation.pk).update(**changes)
    if "first_response_at" in changes:
        request_sla_first_response(conversation)
        reporting.event_first_response(
            conversation=conversation,
            member_id=sender.member.pk if sender.member else None,
            at=message.created_at,
        )
    for attachment in attachments or []:
        attachment.message = message
        attachment.save(update_fields=["message"])
    publish_entry(conversation, message, attachments)
    return message


def publish_entry(
    conversation: Conversation, message: Message, attachments: list[Attachment] | None = None
) -> None:
    """After commit, the new entry's frames and e-mail, as for every timeline entry: shared
    by ``append_entry`` and the bulk path (batch.py), so both fan out alike."""
    private = message.private
    # Staff frames carry personal data masked (one frame for the whole inbox group; clear
    # text is read through the audited reveal); the contact's own frame is as written. Most
    # messages hold none, and then one frame serves both.
    frame = message_created_frame(message, attachments or [])
    groups = realtime.staff_groups(conversation)
    if not private:
        clear = message_created_frame(message, attachments or [], clear=True)
        if clear == frame:
            groups.append(realtime.contact_group(conversation.contact_id))
        else:
            realtime.publish_on_commit([realtime.contact_group(conversation.contact_id)], clear)
    realtime.publish_on_commit(groups, frame)
    request_notifications(conversation, message)


def _is_first_response(
    conversation: Conversation, *, sender: Sender, kind: str, private: bool
) -> bool:
    """A member's first message the customer sees; notes and events are not answers."""
    return (
        conversation.first_response_at is None
        and sender.type == SenderType.AGENT
        and not private
        and kind != MessageKind.EVENT
    )


def append_event(
    conversation: Conversation, *, body: str, data: dict[str, Any], internal: bool = False
) -> Message:
    """A timeline event. ``internal`` ones (who handles it, which team) are for staff only,
    like private notes: the customer sees the conversation's status, not its routing."""
    return append_entry(
        conversation,
        sender=SYSTEM,
        body=body,
        kind=MessageKind.EVENT,
        data=data,
        private=internal,
    )


def save_state(
    conversation: Conversation,
    *fields: str,
    also_tell: list[int] | None = None,
    route: bool = True,
) -> None:
    """Save and announce the new state; ``also_tell`` names members who no longer see it
    through their groups (a previous assignee) but need to know it changed.

    Keeps the queue's clocks (`queued_at`, `assigned_at`) in step, and asks routing to look at
    the inbox after commit: a conversation may now wait for a person, or capacity was freed.
    A conversation that has just been resolved asks its contact for a rating (CSAT)."""
    queued_since = conversation.queued_at  # read before the clocks move: a wait may end
    changed = queue_clocks(conversation, set(fields), timezone.now())
    conversation.save(update_fields=sorted(changed))
    request_reporting(conversation, set(fields), queued_since=queued_since)
    if "status" in fields and conversation.status == Status.RESOLVED and not conversation.spam:
        csat_request(conversation=conversation)
    realtime.publish_conversation_updated(conversation, extra_members=also_tell or [])
    if route:
        request_routing(conversation.inbox_id)
    request_sla_update(conversation, changed)


def request_reporting(
    conversation: Conversation, fields: set[str], *, queued_since: datetime | None
) -> None:
    """Reporting events (parley/analytics/events.py) for an assignment and a resolution."""
    if "assignee" in fields and conversation.assignee_id is not None:
        reporting.event_assigned(
            conversation=conversation,
            queued_since=queued_since,
            at=conversation.assigned_at or timezone.now(),
        )
    resolved = "resolved_at" in fields and conversation.status == Status.RESOLVED
    if resolved and not conversation.spam:
        reporting.event_resolved(conversation=conversation)


def queue_clocks(conversation: Conversation, fields: set[str], now: datetime) -> set[str]:
    """Set the queue's clocks for a change of ``fields`` (not saved); returns the fields to
    save. Shared by ``save_state`` and the bulk path (batch.py), so both keep the same rules:
    waiting since (``queued_at``) while queued with nobody, ``assigned_at`` at each assignment."""
    changed = set(fields)
    if "status" in changed:
        waiting = conversation.status == Status.QUEUED and conversation.assignee_id is None
        if waiting and conversation.queued_at is None:
            conversation.queued_at = now
        elif not waiting:
            conversation.queued_at = None
        changed.add("queued_at")
    if "assignee" in changed and conversation.assignee_id is not None:
        conversation.assigned_at = now
        changed.add("assigned_at")
    return changed


def request_routing(inbox_id: int) -> None:
    """After commit, let routing match the inbox's queue with free agents. Asks for the same
    inbox before its pass starts share that pass (parley/routing/tasks.py)."""
    # Imported here: routing builds on these services, so it cannot be imported at load time.
    from parley.routing.tasks import request_route_inbox

    transaction.on_commit(lambda: request_route_inbox(inbox_id))


def request_sla_update(conversation: Conversation, fields: set[str]) -> None:
    """A ticket's SLA clocks follow its status (paused while pending, met when solved), its
    priority, inbox and team (parley/tickets/sla/tracking.py); a chat costs one query."""
    # Imported here: tickets build on these services, so they cannot be imported at load time.
    from parley.tickets.sla.tracking import sla_conversation_changed

    sla_conversation_changed(conversation=conversation, fields=fields)


def request_sla_first_response(conversation: Conversation) -> None:
    """A member's first public reply meets a ticket's first-response target."""
    from parley.tickets.sla.tracking import sla_first_response

    sla_first_response(conversation=conversation)


def request_notifications(conversation: Conversation, message: Message) -> None:
    """After commit, e-mail the contact what they hear of by e-mail (an agent's public reply,
    the conversation solved); parley.notifications decides and sends."""
    from parley.notifications.services import notify_timeline_entry

    notify_timeline_entry(conversation=conversation, message=message)
