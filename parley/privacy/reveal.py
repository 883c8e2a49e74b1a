"""Revealing personal data: the clear text of one message or one contact field, for a member
with the "view PII" permission, recorded in the audit log (who, what, when)."""

from __future__ import annotations

from dataclasses import dataclass

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

CONTACT_FIELDS = ("phone", "id_number", "email")


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
def contact_reveal(*, member: Member, contact_id: int, field: str) -> tuple[Contact, str]:
    ensure_can_view_pii(member)
    if field not in CONTACT_FIELDS:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"field must be one of {', '.join(CONTACT_FIELDS)}.",
            fields={"field": "invalid"},
        )
    contact = contact_for_member(member=member, contact_id=contact_id)
    audit_record(
        workspace=member.workspace,
        actor=member,
        action="pii.revealed",
        target=contact,
        data={"field": f"contact.{field}"},
    )
    return contact, str(getattr(contact, field))
