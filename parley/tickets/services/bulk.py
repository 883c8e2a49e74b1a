"""Bulk actions on a list of tickets the member may change.

Priority, team and tags change in one UPDATE / one INSERT for all tickets, and their timeline events
and audit records are inserted in one query each: the tickets' conversation rows are locked
first, so each event takes the next seq of its conversation exactly as a single change would.
Assigning and status changes are set-based too (``conversations_change_many`` in
parley/conversations/services/batch.py): every ticket first passes the same checks as one
change (permissions, transitions, closed tickets), then the same events, queue clocks, CSAT
requests, SLA clocks, audit records, e-mails and realtime frames follow, in a fixed number of
queries. Automation's ``conversation_updated`` rules do not run for bulk actions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from parley.accounts.models import AuditEvent, Member, Team
from parley.analytics import events as reporting
from parley.conversations import policies, realtime
from parley.conversations.models import Conversation, Message, MessageKind, SenderType, Status
from parley.conversations.payloads import message_created_frame
from parley.conversations.selectors import visible_conversations
from parley.conversations.services.assignment import (
    assign_check,
    assign_event,
    status_after_assign,
)
from parley.conversations.services.batch import BatchChange, conversations_change_many
from parley.conversations.services.status import (
    status_change_check,
    status_change_event,
    status_changes,
)
from parley.conversations.services.timeline import request_routing
from parley.errors import ApplicationError, ErrorCode
from parley.tickets.models import Ticket
from parley.tickets.services.common import clean_tag_names, publish_ticket_updated, tags_ensure
from parley.tickets.services.create import _check_priority
from parley.tickets.services.update import SETTABLE_STATUS
from parley.tickets.sla.tracking import sla_conversations_changed
from parley.tickets.status import PRIORITY_NAME, ViewStatus

BULK_MAX = 200


def _lock_tickets(*, actor: Member, ticket_ids: list[int]) -> list[Conversation]:
    """The tickets' conversations, locked in id order; all must be visible and changeable."""
    ids = sorted(set(ticket_ids))
    if not ids or len(ids) > BULK_MAX:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"Choose 1 to {BULK_MAX} tickets.",
            fields={"ids": f"1 to {BULK_MAX} ids"},
        )
    rows = list(
        visible_conversations(member=actor)
        .filter(pk__in=ids, ticket__isnull=False)
        .select_for_update(of=("self",))
        .select_related("inbox", "contact", "assignee__user", "team")
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such ticket.")
    if not all(policies.can_change_status(actor=actor, conversation=c) for c in rows):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            "Only the assignee or a supervisor may change some of these tickets.",
        )
    return rows


def _record(
    *,
    actor: Member,
    conversations: list[Conversation],
    body: str,
    data: dict[str, Any],
    action: str,
    update: dict[str, Any],
) -> None:
    """One UPDATE of the conversations (with their next seq), one INSERT of their events, one
    of the audit records, then the fan-out after commit."""
    if not conversations:
        return
    now = timezone.now()
    Conversation.objects.filter(pk__in=[c.pk for c in conversations]).update(
        last_seq=F("last_seq") + 1, last_activity_at=now, **update
    )
    events = []
    for conversation in conversations:
        conversation.last_seq += 1
        conversation.last_activity_at = now
        for name, value in update.items():
            setattr(conversation, name, value)
        events.append(
            Message(
                workspace_id=conversation.workspace_id,
                conversation=conversation,
                seq=conversation.last_seq,
                sender_type=SenderType.SYSTEM,
                kind=MessageKind.EVENT,
                body=body,
                private=True,
                data=data,
            )
        )
    Message.objects.bulk_create(events)
    # The UPDATE above bypassed save_state: the SLA clocks follow priority and team here.
    sla_conversations_changed(conversations=conversations, fields=update)
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                workspace_id=actor.workspace_id,
                actor=actor,
                action=action,
                target_type=Ticket._meta.label_lower,
                target_id=str(c.pk),
                data={k: v for k, v in data.items() if k not in {"event", "by"}},
            )
            for c in conversations
        ]
    )
    _publish_tickets(conversations)
    for conversation, event in zip(conversations, events, strict=True):
        realtime.publish_on_commit(
            realtime.staff_groups(conversation), message_created_frame(event, [])
        )
        realtime.publish_conversation_updated(conversation)


@transaction.atomic
def tickets_bulk_set_priority(*, actor: Member, ticket_ids: list[int], priority: int) -> int:
    """Returns how many tickets changed."""
    _check_priority(priority)
    rows = _lock_tickets(actor=actor, ticket_ids=ticket_ids)
    changing = [c for c in rows if c.priority != priority]
    name = PRIORITY_NAME[priority]
    _record(
        actor=actor,
        conversations=changing,
        body=f"{actor.name} set the priority to {name}",
        data={"event": "priority_changed", "to": name, "by": actor.pk, "bulk": True},
        action="ticket.bulk_priority",
        update={"priority": priority},
    )
    return len(changing)


@transaction.atomic
def tickets_bulk_add_tag(*, actor: Member, ticket_ids: list[int], tag: str) -> int:
    (name,) = clean_tag_names([tag])
    rows = _lock_tickets(actor=actor, ticket_ids=ticket_ids)
    (tag_row,) = tags_ensure(workspace_id=actor.workspace_id, names=[name])
    through = Ticket.tags.through
    tagged = set(
        through.objects.filter(tag=tag_row, ticket_id__in=[c.pk for c in rows]).values_list(
            "ticket_id", flat=True
        )
    )
    changing = [c for c in rows if c.pk not in tagged]
    through.objects.bulk_create(
        [through(ticket_id=c.pk, tag_id=tag_row.pk) for c in changing], ignore_conflicts=True
    )
    _record(
        actor=actor,
        conversations=changing,
        body=f"{actor.name} added the tag {name}",
        data={"event": "tag_added", "tag": name, "by": actor.pk, "bulk": True},
        action="ticket.bulk_tag",
        update={},
    )
    return len(changing)


@transaction.atomic
def tickets_bulk_set_team(*, actor: Member, ticket_ids: list[int], team: Team | None) -> int:
    """One UPDATE whatever the number of tickets; routing then looks at each inbox once."""
    if team is not None and team.workspace_id != actor.workspace_id:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such team.")
    rows = _lock_tickets(actor=actor, ticket_ids=ticket_ids)
    team_id = team.pk if team else None
    changing = [c for c in rows if c.team_id != team_id]
    _record(
        actor=actor,
        conversations=changing,
        body=f"Team set to {team.name}" if team else "Team removed",
        data={"event": "team_changed", "team": team_id, "by": actor.pk, "bulk": True},
        action="ticket.bulk_team",
        update={"team": team},
    )
    for inbox_id in sorted({c.inbox_id for c in changing}):
        request_routing(inbox_id)
    return len(changing)


@transaction.atomic
def tickets_bulk_assign(*, actor: Member, ticket_ids: list[int], assignee: Member | None) -> int:
    """Every ticket passes the assignment rules first (one refused: nothing changes); then the
    change is set-based, with the same events, status moves and clocks as one assignment."""
    rows = _lock_tickets(actor=actor, ticket_ids=ticket_ids)
    for conversation in rows:
        assign_check(actor=actor, conversation=conversation, assignee=assignee)
    assignee_id = assignee.pk if assignee else None
    changes = []
    for conversation in rows:
        if conversation.assignee_id == assignee_id:
            continue
        previous = conversation.assignee_id
        body, data = assign_event(actor=actor, assignee=assignee, previous=previous)
        changes.append(
            BatchChange(
                conversation=conversation,
                values={
                    "assignee": assignee,
                    "status": status_after_assign(conversation.status, assignee),
                },
                body=body,
                data=data,
                internal=True,
                also_tell=[previous] if previous else [],
            )
        )
    conversations_change_many(changes)
    _audit(
        actor=actor,
        changes=changes,
        action="conversation.assigned",
        data=lambda c: {"assignee": assignee_id, "previous": c.data["previous"]},
    )
    _publish_tickets([c.conversation for c in changes])
    return len(changes)


@transaction.atomic
def tickets_bulk_set_status(*, actor: Member, ticket_ids: list[int], status: ViewStatus) -> int:
    """Every ticket is checked first: a closed one or a move the transitions do not allow
    refuses the whole batch (409 ``invalid_transition``), so nothing changes. Tickets already
    there are left as they are; the others change set-based, with what one change does
    (solving asks for a rating and e-mails the customer, the SLA clocks pause, run or stop)."""
    if status not in SETTABLE_STATUS:
        raise ApplicationError(
            ErrorCode.INVALID,
            "A ticket's status is set to open, pending or solved.",
            fields={"status": "one of open, pending, solved"},
        )
    target = SETTABLE_STATUS[status]
    rows = _lock_tickets(actor=actor, ticket_ids=ticket_ids)
    moving = [c for c in rows if c.status != target]
    closed = list(
        Ticket.objects.filter(pk__in=[c.pk for c in rows], closed_at__isnull=False)
        .order_by("number")
        .values_list("number", flat=True)
    )
    if closed:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            "Closed tickets keep their status: " + ", ".join(f"#{n}" for n in closed) + ".",
        )
    for conversation in moving:
        status_change_check(conversation, target, closed=False)
    values = status_changes(target)
    changes = []
    for conversation in moving:
        body, data = status_change_event(actor=actor, previous=conversation.status, status=target)
        changes.append(
            BatchChange(conversation=conversation, values=dict(values), body=body, data=data)
        )
    with reporting.events_batched():
        conversations_change_many(changes)
        for change in changes:
            if change.data["from"] == Status.RESOLVED:
                reporting.event_reopened(conversation=change.conversation)
    _audit(
        actor=actor,
        changes=changes,
        action="conversation.status_changed",
        data=lambda c: {"from": c.data["from"], "to": c.data["to"]},
    )
    _publish_tickets([c.conversation for c in changes])
    return len(changes)


def _audit(
    *,
    actor: Member,
    changes: list[BatchChange],
    action: str,
    data: Callable[[BatchChange], dict[str, Any]],
) -> None:
    """The audit records one change would make (same action and data), in one INSERT."""
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                workspace_id=actor.workspace_id,
                actor=actor,
                action=action,
                target_type=Conversation._meta.label_lower,
                target_id=str(change.conversation.pk),
                data=data(change),
            )
            for change in changes
        ]
    )


def _publish_tickets(conversations: list[Conversation]) -> None:
    """``ticket.updated`` for each changed ticket, built at commit (two queries)."""
    if not conversations:
        return
    tickets = (
        Ticket.objects.filter(pk__in=[c.pk for c in conversations])
        .select_related("follow_up_of", "sla__policy")
        .prefetch_related("tags")
    )
    by_pk = {c.pk: c for c in conversations}
    for ticket in tickets:
        ticket.conversation = by_pk[ticket.pk]
        publish_ticket_updated(ticket, tags=sorted(t.name for t in ticket.tags.all()))


def tickets_bulk_solve(*, actor: Member, ticket_ids: list[int]) -> int:
    return tickets_bulk_set_status(actor=actor, ticket_ids=ticket_ids, status=ViewStatus.SOLVED)
