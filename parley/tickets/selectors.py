"""Reads of tickets, always scoped to who is asking: a member sees the tickets whose
conversations they may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone

from parley.accounts.models import Member, Workspace
from parley.conversations.selectors import visible_conversations
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.tickets.models import CustomFieldDefinition, Ticket, TicketSettings
from parley.tickets.payloads import FollowUpRef
from parley.tickets.sla.selectors import SlaCompliance as SlaCompliance
from parley.tickets.sla.selectors import sla_compliance as sla_compliance
from parley.tickets.sla.state import sla_state_q
from parley.tickets.status import ViewStatus, view_status_q


def visible_tickets(*, member: Member) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        workspace_id=member.workspace_id,
        conversation_id__in=visible_conversations(member=member).values("pk"),
    )


def ticket_list(
    *,
    member: Member,
    status: ViewStatus | None = None,
    priority: int | None = None,
    assignee: str | None = None,
    tag: str | None = None,
    ticket_type: str | None = None,
    team: int | None = None,
    inbox: int | None = None,
    text: str | None = None,
    ordering: str = "number",
    sla: str | None = None,
) -> QuerySet[Ticket]:
    """``ordering``: newest ``number`` (the default), most recently ``updated`` or ``created``
    first, or the next SLA due time first (``sla_due``). ``assignee`` is a member id, ``me``
    or ``none``; ``text`` matches the subject, the requester's name or e-mail, or the ticket
    number (``10023`` or ``#10023``)."""
    tickets = ticket_filter(
        visible_tickets(member=member),
        status=status,
        priority=priority,
        tag=tag,
        ticket_type=ticket_type,
        team=team,
        inbox=inbox,
        text=text,
        sla=sla,
    )
    if assignee == "me":
        tickets = tickets.filter(conversation__assignee=member)
    elif assignee == "none":
        tickets = tickets.filter(conversation__assignee__isnull=True)
    elif assignee:
        tickets = tickets.filter(conversation__assignee_id=int(assignee))
    return (
        tickets.select_related(
            "conversation__inbox",
            "conversation__contact",
            "conversation__assignee__user",
            "conversation__team",
            "follow_up_of",
            "sla__policy",
        )
        .prefetch_related("tags")
        .order_by(*ORDERINGS[ordering])
    )


# Newest first, ties broken by number so pages never overlap.
ORDERINGS: dict[str, tuple[str | OrderBy, ...]] = {
    "number": ("-number",),
    # The next SLA due time first; tickets without a running SLA clock last.
    "sla_due": (F("sla__next_due_at").asc(nulls_last=True), "-number"),
    "updated": ("-conversation__last_activity_at", "-number"),
    "created": ("-created_at", "-number"),
}


def ticket_filter(
    tickets: QuerySet[Ticket],
    *,
    status: ViewStatus | None = None,
    priority: int | None = None,
    tag: str | None = None,
    ticket_type: str | None = None,
    team: int | None = None,
    inbox: int | None = None,
    text: str | None = None,
    sla: str | None = None,
) -> QuerySet[Ticket]:
    """The list's filters other than the assignee (the views: mine, unassigned, all).
    ``sla``: a state of parley/tickets/sla/state.py, or ``none`` (no policy applies)."""
    if sla:
        tickets = tickets.filter(sla_state_q(sla, timezone.now()))
    if status is not None:
        tickets = tickets.filter(view_status_q(status))
    if priority is not None:
        tickets = tickets.filter(conversation__priority=priority)
    if tag:
        tickets = tickets.filter(tags__name=tag)
    if ticket_type:
        tickets = tickets.filter(type=ticket_type)
    if team is not None:
        tickets = tickets.filter(conversation__team_id=team)
    if inbox is not None:
        tickets = tickets.filter(conversation__inbox_id=inbox)
    text = (text or "").strip()
    if text:
        match = (
            Q(subject__icontains=text)
            | Q(conversation__contact__name__icontains=text)
            | Q(conversation__contact__email__icontains=text)
        )
        digits = text.removeprefix("#")
        if digits.isdigit():
            match |= Q(number=int(digits))
        tickets = tickets.filter(match)
    return tickets


def ticket_view_counts(*, member: Member, **filters: Any) -> dict[str, int]:
    """How many tickets each console view (mine, unassigned, all) holds under the same
    filters, in one query."""
    counts = ticket_filter(visible_tickets(member=member), **filters).aggregate(
        mine=Count("pk", filter=Q(conversation__assignee=member), distinct=True),
        unassigned=Count("pk", filter=Q(conversation__assignee__isnull=True), distinct=True),
        all=Count("pk", distinct=True),
    )
    return {name: int(value or 0) for name, value in counts.items()}


def ticket_for_member(*, member: Member, ticket_id: int) -> Ticket:
    ticket = ticket_list(member=member).filter(pk=ticket_id).first()
    if ticket is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such ticket.")
    return ticket


def ticket_follow_ups(*, member: Member, ticket: Ticket) -> list[FollowUpRef]:
    """The tickets opened as follow-ups of this one that the member may see, oldest first."""
    rows = (
        visible_tickets(member=member)
        .filter(follow_up_of=ticket)
        .order_by("number")
        .values_list("pk", "number")
    )
    return [{"id": pk, "number": number} for pk, number in rows]


def custom_field_list(*, workspace_id: int) -> QuerySet[CustomFieldDefinition]:
    return CustomFieldDefinition.objects.filter(workspace_id=workspace_id)


def custom_field_get(*, workspace_id: int, field_id: int) -> CustomFieldDefinition:
    definition = custom_field_list(workspace_id=workspace_id).filter(pk=field_id).first()
    if definition is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such custom field.")
    return definition


def web_form_inbox(*, workspace: Workspace) -> Inbox | None:
    """Where the public web form's tickets arrive: the configured inbox, else the first one."""
    configured = (
        TicketSettings.objects.filter(workspace=workspace).select_related("web_form_inbox").first()
    )
    if configured is not None and configured.web_form_inbox is not None:
        return configured.web_form_inbox
    return Inbox.objects.filter(workspace=workspace).order_by("pk").first()


def closed_ticket_exists(*, conversation_id: int) -> bool:
    return Ticket.objects.filter(pk=conversation_id, closed_at__isnull=False).exists()


def ticket_of(*, conversation_id: int) -> Ticket | None:
    return Ticket.objects.filter(pk=conversation_id).first()
