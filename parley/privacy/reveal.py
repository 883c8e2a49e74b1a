"""Revealing personal data: the clear text of one message, one contact field (phone, ID number,
e-mail or one custom attribute) or one ticket's subject and custom field values, for a member
with the "view PII" permission, recorded in the audit log (who, what, when)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parley.accounts.models import Member
from parley.accounts.services import audit_record
from parley.contacts.models import Contact
from parley.contacts.selectors import contact_for_member
from parley.conversations.models import Message
from parley.conversations.selectors import visible_conversations
from parley.errors import ApplicationError, ErrorCode
from parley.privacy.detect import find_pii
from parley.privacy.permissions import ensure_can_view_pii
from parley.tickets.models import Ticket
from parley.tickets.selectors import ticket_for_member
from parley.tickets.sensitive import ticket_custom_fields

CONTACT_FIELDS = ("phone", "id_number", "email")
ATTRIBUTE_PREFIX = "attributes."


@dataclass(frozen=True)
class RevealedMessage:
    message: Message
    body: str
    attachment_names: dict[int, str]


@transaction.atomic
def message_reveal(*, member: Member, message_id: int) -> RevealedMessage:
    """Check, then do: the permission first (403 whether or not the message exists), then
    visibility (404, as for any message the member may not see)."""
    ensure_can_view_pii(member)
    message = (
        Message.objects.filter(
            pk=message_id,
            workspace_id=member.workspace_id,
            conversation__in=visible_conversations(member=member),
        )
        .prefetch_related("attachments")
        .first()
    )
    if message is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such message.")
    names = {a.pk: a.name for a in message.attachments.all()}
    kinds = sorted({f.kind.value for f in find_pii(message.body)})
    audit_record(
        workspace=member.workspace,
        actor=member,
        action="pii.revealed",
        target=message,
        data={
            "field": "message.body",
            "conversation": message.conversation_id,
            "kinds": kinds,
            "attachments": sorted(names),
        },
    )
    return RevealedMessage(message=message, body=message.body, attachment_names=names)


@transaction.atomic
def contact_reveal(*, member: Member, contact_id: int, field: str) -> tuple[Contact, Any]:
    """``field``: phone, id_number, email, or ``attributes.<key>`` for one custom attribute
    (its stored value: text, number, list …)."""
    ensure_can_view_pii(member)
    attribute = field.removeprefix(ATTRIBUTE_PREFIX) if field.startswith(ATTRIBUTE_PREFIX) else ""
    if field not in CONTACT_FIELDS and not attribute:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"field must be one of {', '.join(CONTACT_FIELDS)} or attributes.<key>.",
            fields={"field": "invalid"},
        )
    contact = contact_for_member(member=member, contact_id=contact_id)
    if attribute and attribute not in contact.attributes:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, "The contact has no such attribute.", fields={"field": "unknown"}
        )
    audit_record(
        workspace=member.workspace,
        actor=member,
        action="pii.revealed",
        target=contact,
        data={"field": f"contact.{field}"},
    )
    if attribute:
        return contact, contact.attributes[attribute]
    return contact, str(getattr(contact, field))


@transaction.atomic
def ticket_reveal(*, member: Member, ticket_id: int) -> Ticket:
    """A ticket's subject and custom field values in clear (staff see them masked)."""
    ensure_can_view_pii(member)
    ticket = ticket_for_member(member=member, ticket_id=ticket_id)
    kinds = sorted({f.kind.value for f in find_pii(ticket.subject)})
    audit_record(
        workspace=member.workspace,
        actor=member,
        action="pii.revealed",
        target=ticket,
        data={
            "field": "ticket.subject+custom_fields",
            "ticket": ticket.number,
            "kinds": kinds,
            "custom_fields": sorted(ticket_custom_fields(ticket)),
        },
    )
    return ticket
