"""Changing a ticket: subject, type, tags, custom fields, and the conversation's priority and
status.

A member sets a ticket's status by its ticket view name: open, pending or solved. "New"
and "closed" are not set: they follow from the assignment and from the reopen window. A closed
ticket's status no longer changes (a customer reply starts a follow-up ticket instead)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.conversations import policies
from parley.conversations.models import Status
from parley.conversations.services import conversation_set_status
from parley.conversations.services.timeline import append_event, lock_conversation, save_state
from parley.errors import ApplicationError, ErrorCode
from parley.privacy.mask import mask_text
from parley.tickets.fields import custom_fields_clean
from parley.tickets.models import Ticket
from parley.tickets.sensitive import (
    custom_fields_audit,
    custom_fields_shown,
    custom_fields_store,
    keys_to_seal,
    ticket_custom_fields,
)
from parley.tickets.services.common import clean_tag_names, publish_ticket_updated, tags_ensure
from parley.tickets.services.create import _check_priority, clean_subject, clean_type
from parley.tickets.status import PRIORITY_NAME, ViewStatus

SETTABLE_STATUS: dict[str, str] = {
    ViewStatus.OPEN: Status.OPEN,
    ViewStatus.PENDING: Status.PENDING,
    ViewStatus.SOLVED: Status.RESOLVED,
}


@dataclass(frozen=True)
class TicketChanges:
    """What to change; ``None`` leaves a detail as it is. ``custom_fields`` is merged into the
    ticket's values (a ``None`` value removes one); ``tags`` replaces the ticket's tags."""

    priority: int | None = None
    ticket_type: str | None = None
    tags: list[str] | None = None
    custom_fields: dict[str, Any] | None = None
    status: ViewStatus | None = None
    subject: str | None = None


@transaction.atomic
def ticket_update(*, ticket: Ticket, actor: Member, changes: TicketChanges) -> Ticket:
    _check_priority(changes.priority)
    locked = lock_conversation(ticket.pk)
    if not policies.can_change_status(actor=actor, conversation=locked):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED, "Only the assignee or a supervisor may change this ticket."
        )
    current = Ticket.objects.get(pk=ticket.pk)
    current.conversation = locked
    if changes.status is not None and changes.status not in SETTABLE_STATUS:
        raise ApplicationError(
            ErrorCode.INVALID,
            "A ticket's status is set to open, pending or solved.",
            fields={"status": "one of open, pending, solved"},
        )
    if changes.status is not None and current.closed_at is not None:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"Ticket #{current.number} is closed; a reply from the customer opens a follow-up.",
        )
    changed: dict[str, Any] = {}
    fields: list[str] = []
    if changes.subject is not None:
        subject = clean_subject(changes.subject)
        if subject == mask_text(current.subject):
            subject = current.subject  # staff were shown it masked and sent it back unchanged
        if not subject:
            raise ApplicationError(
                ErrorCode.INVALID, "A ticket needs a subject.", fields={"subject": "required"}
            )
        if subject != current.subject:
            changed["subject"] = subject
            current.subject = subject
            fields.append("subject")
            # The conversation's topic is the subject's start, as when the ticket was made.
            locked.topic = subject[:80]
            save_state(locked, "topic", route=False)
    if changes.ticket_type is not None:
        new_type = clean_type(changes.ticket_type)
        if new_type != current.type:
            changed["type"] = new_type
            current.type = new_type
            fields.append("type")
    if changes.custom_fields is not None:
        # A value sent back as staff were shown it (masked) is not a change.
        clear = ticket_custom_fields(current)
        shown = custom_fields_shown(current)
        sent = {
            key: value
            for key, value in changes.custom_fields.items()
            if not (key in shown and value == shown[key] and value != clear[key])
        }
        values = custom_fields_clean(
            workspace_id=locked.workspace_id,
            values=sent,
            partial_of=clear,
        )
        sealed = keys_to_seal(workspace_id=locked.workspace_id, ticket=current)
        if values != clear:
            changed["custom_fields"] = custom_fields_audit(values, sealed)
            custom_fields_store(current, values, sealed)
            fields.extend(["custom_fields", "sensitive_custom_fields"])
    if fields:
        current.save(update_fields=fields)
    if changes.tags is not None:
        names = clean_tag_names(changes.tags)
        before = sorted(current.tags.values_list("name", flat=True))
        if sorted(names) != before:
            current.tags.set(tags_ensure(workspace_id=locked.workspace_id, names=names))
            changed["tags"] = sorted(names)
    if changes.priority is not None and changes.priority != locked.priority:
        previous = locked.priority
        locked.priority = changes.priority
        append_event(
            locked,
            body=f"{actor.name} set the priority to {PRIORITY_NAME[changes.priority]}",
            internal=True,
            data={
                "event": "priority_changed",
                "from": PRIORITY_NAME[previous],
                "to": PRIORITY_NAME[changes.priority],
                "by": actor.pk,
            },
        )
        save_state(locked, "priority")
        changed["priority"] = PRIORITY_NAME[changes.priority]
    if changes.status is not None and SETTABLE_STATUS[changes.status] != locked.status:
        # The conversation's own transition rules, events and audit record apply.
        locked = conversation_set_status(
            conversation=locked, status=SETTABLE_STATUS[changes.status], actor=actor
        )
        current.conversation = locked
        if not changed:
            publish_ticket_updated(current)
    if changed:
        audit_record(
            workspace=actor.workspace,
            actor=actor,
            action="ticket.updated",
            target=current,
            data=changed,
        )
        publish_ticket_updated(current)
    # A status change was announced to automation by conversation_set_status already.
    # Imported here: automation builds on the ticket services.
    from parley.automation.hooks import automation_after_update

    automation_after_update(
        conversation=locked, changed=[k for k in ("priority", "tags") if k in changed]
    )
    return current
