"""Changing a conversation's status, along the allowed transitions."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.analytics import events as reporting
from parley.conversations import policies
from parley.conversations.models import (
    Conversation,
    Status,
)
from parley.conversations.services.timeline import (
    append_event,
    lock_conversation,
    save_state,
)
from parley.errors import ApplicationError, ErrorCode

# Which status a member may move a conversation to from each status. Reopening is
# resolved → open; a contact writing into a resolved or pending conversation reopens it too.
TRANSITIONS: dict[str, set[str]] = {
    Status.BOT: {Status.QUEUED, Status.OPEN, Status.RESOLVED},
    Status.QUEUED: {Status.OPEN, Status.PENDING, Status.RESOLVED},
    Status.OPEN: {Status.QUEUED, Status.PENDING, Status.RESOLVED},
    Status.PENDING: {Status.OPEN, Status.RESOLVED},
    Status.RESOLVED: {Status.OPEN},
}


def is_closed_ticket(conversation_id: int) -> bool:
    # Imported here: tickets build on conversations, not the other way round.
    from parley.tickets.selectors import closed_ticket_exists

    return closed_ticket_exists(conversation_id=conversation_id)


# The rules below are shared by conversation_set_status and the bulk path (batch.py callers in
# parley/tickets/services/bulk.py): one change or two hundred, the same checks and events.


def status_change_check(conversation: Conversation, status: str, *, closed: bool) -> None:
    """Refuse (409) a closed ticket or a move the transitions do not allow."""
    if closed:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            "A closed ticket stays closed; the customer's next message opens a follow-up.",
        )
    if status not in TRANSITIONS[conversation.status]:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"A conversation cannot go from {conversation.status} to {status}.",
        )


def status_changes(status: str) -> dict[str, Any]:
    """The fields a move to ``status`` sets (``save_state`` then keeps the queue's clocks)."""
    return {
        "status": status,
        "resolved_at": timezone.now() if status == Status.RESOLVED else None,
    }


def status_change_event(*, actor: Member, previous: str, status: str) -> tuple[str, dict[str, Any]]:
    """The timeline event's body and data; public: the customer sees the status."""
    event = "reopened" if previous == Status.RESOLVED else "status_changed"
    return (
        f"{actor.name} changed the status to {status}",
        {"event": event, "from": previous, "to": status, "by": actor.pk},
    )


@transaction.atomic
def conversation_set_status(
    *, conversation: Conversation, status: str, actor: Member
) -> Conversation:
    if status not in Status.values:
        raise ApplicationError(
            ErrorCode.INVALID, f"Unknown status {status!r}.", fields={"status": "unknown"}
        )
    locked = lock_conversation(conversation.pk)
    if not policies.can_change_status(actor=actor, conversation=locked):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only the assignee or a supervisor may do this."
        )
    if locked.status == status:
        return locked
    status_change_check(locked, status, closed=is_closed_ticket(locked.pk))
    previous = locked.status
    changes = status_changes(status)
    for name, value in changes.items():
        setattr(locked, name, value)
    body, data = status_change_event(actor=actor, previous=previous, status=status)
    append_event(locked, body=body, data=data)
    save_state(locked, *changes)
    if previous == Status.RESOLVED:
        reporting.event_reopened(conversation=locked)
    audit_record(
        workspace=actor.workspace,
        actor=actor,
        action="conversation.status_changed",
        target=locked,
        data={"from": previous, "to": status},
    )
    # Imported here: automation builds on these services.
    from parley.automation.hooks import automation_after_update

    automation_after_update(conversation=locked, changed=["status"])
    return locked
