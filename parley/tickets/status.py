"""The status a ticket view shows, derived from the conversation's one status field.

An unassigned ticket waiting in the queue is "new", ``resolved`` is "solved", and "closed" is a
solved ticket whose reopen window has passed (``Ticket.closed_at``)."""

from __future__ import annotations

from django.db.models import Q, TextChoices

from parley.conversations.models import Conversation, Priority, Status
from parley.tickets.models import Ticket


class ViewStatus(TextChoices):
    NEW = "new", "New"
    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    SOLVED = "solved", "Solved"
    CLOSED = "closed", "Closed"


class SettableStatus(TextChoices):
    """What a member may set; "new" and "closed" follow from assignment and the clock."""

    OPEN = "open", "Open"
    PENDING = "pending", "Pending"
    SOLVED = "solved", "Solved"


WAITING = (Status.QUEUED, Status.BOT)

# Priority by its name on the wire ("low" … "urgent") and back.
PRIORITY_BY_NAME: dict[str, int] = {p.label.lower(): p.value for p in Priority}
PRIORITY_NAME: dict[int, str] = {value: name for name, value in PRIORITY_BY_NAME.items()}


def ticket_view_status(conversation: Conversation, ticket: Ticket | None = None) -> ViewStatus:
    if ticket is not None and ticket.closed_at is not None:
        return ViewStatus.CLOSED
    if conversation.status == Status.RESOLVED:
        return ViewStatus.SOLVED
    if conversation.status == Status.PENDING:
        return ViewStatus.PENDING
    if conversation.status in WAITING and conversation.assignee_id is None:
        return ViewStatus.NEW
    return ViewStatus.OPEN


def view_status_q(status: ViewStatus) -> Q:
    """The same mapping as a filter on tickets."""
    if status == ViewStatus.CLOSED:
        return Q(closed_at__isnull=False)
    live = Q(closed_at__isnull=True)
    if status == ViewStatus.SOLVED:
        return live & Q(conversation__status=Status.RESOLVED)
    if status == ViewStatus.PENDING:
        return live & Q(conversation__status=Status.PENDING)
    waiting = Q(conversation__status__in=WAITING)
    if status == ViewStatus.NEW:
        return live & waiting & Q(conversation__assignee__isnull=True)
    return live & (
        Q(conversation__status=Status.OPEN) | (waiting & Q(conversation__assignee__isnull=False))
    )
