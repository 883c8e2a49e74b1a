"""Changing a conversation's status, along the allowed transitions."""

from __future__ import annotations

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
    if is_closed_ticket(locked.pk):
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            "A closed ticket stays closed; the customer's next message opens a follow-up.",
        )
    if status not in TRANSITIONS[locked.status]:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"A conversation cannot go from {locked.status} to {status}.",
        )
    previous = locked.status
    locked.status = status
    locked.resolved_at = timezone.now() if status == Status.RESOLVED else None
    event = "reopened" if previous == Status.RESOLVED else "status_changed"
    append_event(
        locked,
        body=f"{actor.name} changed the status to {status}",
        data={"event": event, "from": previous, "to": status, "by": actor.pk},
    )
    save_state(locked, "status", "resolved_at")
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
