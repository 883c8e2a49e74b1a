"""Closing: a solved ticket closes once its workspace's reopen window has passed. Run by a
periodic job (`parley.tickets.tasks.close_solved_tickets`)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from parley.conversations.models import Status
from parley.conversations.services.timeline import append_event, lock_conversation
from parley.tickets.models import DEFAULT_REOPEN_WINDOW, Ticket, TicketSettings
from parley.tickets.services.common import publish_ticket_updated


def _due(now: datetime) -> Q:
    windows = dict(TicketSettings.objects.values_list("workspace_id", "reopen_window"))
    due = ~Q(workspace_id__in=list(windows)) & Q(
        conversation__resolved_at__lte=now - DEFAULT_REOPEN_WINDOW
    )
    for workspace_id, window in windows.items():
        due |= Q(workspace_id=workspace_id, conversation__resolved_at__lte=now - window)
    return due


def tickets_close_solved(*, now: datetime) -> int:
    """Close every solved ticket whose reopen window has passed; returns how many. Each closes
    in its own transaction under the conversation's lock, so a reply that reopened it a moment
    before wins."""
    candidates = Ticket.objects.filter(
        _due(now), closed_at__isnull=True, conversation__status=Status.RESOLVED
    ).values_list("pk", flat=True)
    closed = 0
    for ticket_id in list(candidates):
        closed += _close_one(ticket_id, now)
    return closed


@transaction.atomic
def _close_one(ticket_id: int, now: datetime) -> int:
    conversation = lock_conversation(ticket_id)
    ticket = Ticket.objects.get(pk=ticket_id)
    still_due = Ticket.objects.filter(_due(now), pk=ticket_id).exists()
    if ticket.closed_at is not None or conversation.status != Status.RESOLVED or not still_due:
        return 0
    ticket.closed_at = now
    ticket.save(update_fields=["closed_at"])
    ticket.conversation = conversation
    append_event(
        conversation,
        body=f"Ticket #{ticket.number} closed",
        data={"event": "ticket_closed", "ticket": ticket.number, "by": None},
    )
    publish_ticket_updated(ticket)
    return 1
