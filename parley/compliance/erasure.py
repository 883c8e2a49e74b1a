"""Erasure ("right to be forgotten"): anonymise one contact everywhere, keep the statistics.

What goes, irreversibly: the contact's name, e-mail, phone and ID number with their blind
indexes, custom attributes and verified identities; the content of every conversation of the
contact (message bodies, wholly: agents' replies quote the customer, so masking the detected
PII alone would leave names and addresses behind), ticket subjects and fields, CSAT comments,
the addresses e-mails went to, and all attachments (rows and files) of those conversations or
uploaded by the contact. Consent records stay (the proof of a basis), without their address.

What stays: the contact row (as "Visitor #id"), the conversations' rows and message rows'
shape, CSAT ratings, reporting events and rollups — every count and chart reads the same.

The caller confirms by sending the contact's id again as ``confirm``; the action is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.compliance.content import attachments_delete, conversations_strip
from parley.compliance.models import ConsentRecord
from parley.contacts.models import Contact
from parley.conversations.models import Attachment, Conversation
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import VerifiedIdentity


@dataclass(frozen=True)
class ErasureResult:
    contact: Contact
    conversations: int
    messages: int
    attachments: int
    files: int


@transaction.atomic
def contact_erase(*, member: Member, contact_id: int, confirm: str) -> ErasureResult:
    if member.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins erase a contact.")
    contact = (
        Contact.objects.select_for_update()
        .filter(pk=contact_id, workspace_id=member.workspace_id)
        .first()
    )
    if contact is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such contact.")
    if str(confirm).strip() != str(contact.pk):
        raise ApplicationError(
            ErrorCode.CONFIRMATION_REQUIRED,
            "Erasure cannot be undone: send the contact's id as confirm.",
            fields={"confirm": "must be the contact's id"},
        )
    conversation_ids = list(
        Conversation.objects.filter(contact=contact).values_list("pk", flat=True)
    )
    removed = conversations_strip(
        conversation_ids=conversation_ids,
        delete_messages=False,
        reason="erasure",
        forget_addresses=True,
    )
    # Uploads the contact never sent (or sent elsewhere) go too.
    removed.add(attachments_delete(Attachment.objects.filter(uploaded_by_contact=contact)))
    VerifiedIdentity.objects.filter(contact=contact).delete()
    ConsentRecord.objects.filter(contact=contact).exclude(ip_prefix="").update(ip_prefix="")
    contact.name = ""
    contact.email = ""
    contact.phone = ""
    contact.phone_index = ""
    contact.id_number = ""
    contact.id_number_index = ""
    contact.attributes = {}
    contact.save(
        update_fields=[
            "name",
            "email",
            "phone",
            "phone_index",
            "id_number",
            "id_number_index",
            "attributes",
        ]
    )
    audit_record(
        workspace=member.workspace,
        actor=member,
        action="privacy.contact_erased",
        target=contact,
        data={
            "conversations": len(conversation_ids),
            "messages": removed.messages,
            "attachments": removed.attachments,
            "files": removed.files,
        },
    )
    return ErasureResult(
        contact=contact,
        conversations=len(conversation_ids),
        messages=removed.messages,
        attachments=removed.attachments,
        files=removed.files,
    )
