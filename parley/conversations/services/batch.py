"""The set-based twin of ``append_event`` + ``save_state`` (timeline.py), for bulk actions.

Many conversations, locked by the caller in id order, change together: one UPDATE per distinct
set of new values (a bulk action has one or two: the same status for all, or "opened" and
"stays"), one INSERT of their timeline events, one INSERT … ON CONFLICT of the CSAT requests of
those resolved, the SLA clocks in a fixed number of queries. The follow-ups a single change has
are the same and use the same code: the queue's clocks (``queue_clocks``), the reporting
events (``request_reporting``, stored in one INSERT by ``events_batched``), the CSAT request
(``csat_requests_many``), the SLA clocks (``sla_conversations_changed``), and after commit the
realtime frames and e-mails (``publish_entry``) and routing, once per inbox.

Automation's ``conversation_updated`` rules are not run for these changes, as for every bulk
action (docs/automation.md): a batch of two hundred must not fan out into rule runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from parley.analytics import events as reporting
from parley.conversations import realtime
from parley.conversations.models import Conversation, Message, MessageKind, SenderType, Status
from parley.conversations.services.csat import csat_requests_many
from parley.conversations.services.timeline import (
    publish_entry,
    queue_clocks,
    request_reporting,
    request_routing,
)


@dataclass
class BatchChange:
    """One conversation's change: the new field values and the event that records it."""

    conversation: Conversation
    values: dict[str, Any]
    body: str
    data: dict[str, Any]
    internal: bool = False  # staff-only event (who handles it), like append_event's
    also_tell: list[int] = field(default_factory=list)  # e.g. the previous assignee


def conversations_change_many(changes: list[BatchChange]) -> list[Message]:
    """Apply the changes to their locked conversations; returns the events, in order."""
    if not changes:
        return []
    with reporting.events_batched():
        return _change_many(changes)


def _change_many(changes: list[BatchChange]) -> list[Message]:
    now = timezone.now()
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = {}
    changed_fields: set[str] = set()
    queued_before: list[datetime | None] = []  # when each started waiting, for reporting
    for change in changes:
        conversation = change.conversation
        queued_before.append(conversation.queued_at)
        for name, value in change.values.items():
            setattr(conversation, name, value)
        fields = queue_clocks(conversation, set(change.values), now)
        if conversation.queued_at == queued_before[-1]:
            fields.discard("queued_at")  # kept as it was: no need to write (or group by) it
        changed_fields |= fields
        conversation.last_seq += 1
        conversation.last_activity_at = now
        key = tuple(sorted((name, getattr(conversation, name)) for name in fields))
        groups.setdefault(key, []).append(conversation.pk)
    for key, ids in groups.items():
        Conversation.objects.filter(pk__in=ids).update(
            last_seq=F("last_seq") + 1, last_activity_at=now, **dict(key)
        )
    events = Message.objects.bulk_create(
        [
            Message(
                workspace_id=change.conversation.workspace_id,
                conversation=change.conversation,
                seq=change.conversation.last_seq,
                sender_type=SenderType.SYSTEM,
                kind=MessageKind.EVENT,
                body=change.body,
                private=change.internal,
                data=change.data,
            )
            for change in changes
        ]
    )
    conversations = [change.conversation for change in changes]
    for change, queued_since in zip(changes, queued_before, strict=True):
        request_reporting(change.conversation, set(change.values), queued_since=queued_since)
    if "status" in changed_fields:
        csat_requests_many(
            conversations=[
                change.conversation
                for change in changes
                if "status" in change.values
                and change.conversation.status == Status.RESOLVED
                and not change.conversation.spam
            ]
        )
    # Imported here: tickets build on these services, so they cannot be imported at load time.
    from parley.tickets.sla.tracking import sla_conversations_changed

    sla_conversations_changed(conversations=conversations, fields=changed_fields)
    for change, event in zip(changes, events, strict=True):
        publish_entry(change.conversation, event)
        realtime.publish_conversation_updated(change.conversation, extra_members=change.also_tell)
    for inbox_id in sorted({c.inbox_id for c in conversations}):
        request_routing(inbox_id)
    return events
