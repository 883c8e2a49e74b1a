"""The shape of a ticket on the wire: REST answers and the `ticket.updated` frame.

Both go to staff only, so personal data in the subject and the custom field values is masked
(docs/security.md, "PII masking"); a member with "view PII" reads it through the ticket reveal."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from parley.conversations.payloads import PersonRef
from parley.privacy.mask import mask_email, mask_text
from parley.tickets.models import Ticket, TicketSla
from parley.tickets.sensitive import custom_fields_shown
from parley.tickets.sla.payloads import SlaPayload, sla_payload
from parley.tickets.status import PRIORITY_NAME, ticket_view_status


class RequesterRef(TypedDict):
    id: int
    name: str
    email: str


class TicketPayload(TypedDict):
    id: int
    number: int
    display_number: str
    subject: str
    status: str
    conversation_status: str
    priority: str
    type: str
    tags: list[str]
    custom_fields: dict[str, Any]
    created_via: str
    requester: RequesterRef
    assignee: PersonRef | None
    team: PersonRef | None
    inbox: PersonRef
    follow_up_of: int | None
    created_at: str
    updated_at: str
    closed_at: str | None
    sla: SlaPayload | None  # docs/sla.md; None when no SLA policy applies


class FollowUpRef(TypedDict):
    id: int
    number: int


class TicketDetailPayload(TicketPayload):
    """One ticket as its panel shows it: also the tickets that follow it up (not in lists,
    whose query budget stays flat)."""

    follow_ups: list[FollowUpRef]


class TicketUpdatedFrame(TypedDict):
    type: Literal["ticket.updated"]
    ticket: TicketPayload


def ticket_payload(
    ticket: Ticket, tags: list[str] | None = None, *, clear_email: bool = False
) -> TicketPayload:
    """``tags`` when the caller has them at hand; else read (prefetch them in lists).
    ``clear_email``: the requester's e-mail address in clear, for a REST answer to a member
    with "view PII"; frames go to groups every staff role shares, so they carry it masked."""
    conversation = ticket.conversation
    contact = conversation.contact
    assignee = conversation.assignee
    team = conversation.team
    follow_up_of = ticket.follow_up_of
    return {
        "id": ticket.pk,
        "number": ticket.number,
        "display_number": f"#{ticket.number}",
        "subject": mask_text(ticket.subject),
        "status": ticket_view_status(conversation, ticket),
        "conversation_status": conversation.status,
        "priority": PRIORITY_NAME[conversation.priority],
        "type": ticket.type,
        "tags": tags if tags is not None else sorted(t.name for t in ticket.tags.all()),
        "custom_fields": custom_fields_shown(ticket),
        "created_via": ticket.created_via,
        "requester": {
            "id": contact.pk,
            "name": contact.display_name,
            "email": contact.email
            if clear_email or not contact.email
            else mask_email(contact.email),
        },
        "assignee": {"id": assignee.pk, "name": assignee.name} if assignee else None,
        "team": {"id": team.pk, "name": team.name} if team else None,
        "inbox": {"id": conversation.inbox_id, "name": conversation.inbox.name},
        "follow_up_of": follow_up_of.number if follow_up_of else None,
        "created_at": ticket.created_at.isoformat(),
        # The conversation's last activity: a reply or an event changes it.
        "updated_at": conversation.last_activity_at.isoformat(),
        "closed_at": ticket.closed_at.isoformat() if ticket.closed_at else None,
        "sla": sla_payload(_sla_of(ticket)),
    }


def ticket_detail_payload(
    ticket: Ticket, follow_ups: list[FollowUpRef], *, clear_email: bool = False
) -> TicketDetailPayload:
    return {**ticket_payload(ticket, clear_email=clear_email), "follow_ups": follow_ups}


def _sla_of(ticket: Ticket) -> TicketSla | None:
    """Lists select_related("sla__policy"); a single ticket reads it here."""
    try:
        return ticket.sla
    except TicketSla.DoesNotExist:
        return None


def ticket_updated_frame(payload: TicketPayload) -> TicketUpdatedFrame:
    return {"type": "ticket.updated", "ticket": payload}
