"""Data-subject export: everything the workspace holds about one contact, as a zip of
``contact.json`` and the files the contact's conversations carry.

Only owners and admins export (permission matrix); both hold "view PII", so the export is in
clear text. The service checks that permission again and masks the text if it is missing, so
no path hands clear personal data to a member without it. Every export is audited."""

from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from parley.accounts.models import Member, Role
from parley.accounts.services import audit_record
from parley.compliance.models import ConsentRecord
from parley.contacts.models import Contact
from parley.conversations.models import Attachment, Conversation, CsatResponse, Message
from parley.errors import ApplicationError, ErrorCode
from parley.privacy.mask import mask_data, mask_field, mask_text
from parley.privacy.permissions import can_view_pii
from parley.tickets.models import Ticket
from parley.tickets.sensitive import custom_fields_shown, ticket_custom_fields

FORMAT = "parley.contact-export.v1"


@dataclass
class ExportFile:
    name: str
    file: IO[bytes]
    size: int


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _safe_name(name: str) -> str:
    cleaned = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in name).strip(" .")
    return cleaned[:100] or "file"


def _contact_json(contact: Contact, clear: bool) -> dict[str, Any]:
    def field(value: str) -> str:
        return value if clear else mask_field(value)

    return {
        "id": contact.pk,
        "name": contact.name,
        "email": field(contact.email),
        "phone": field(contact.phone),
        "id_number": field(contact.id_number),
        "attributes": contact.attributes if clear else mask_data(contact.attributes),
        "locale": contact.locale,
        "created_at": _iso(contact.created_at),
        "last_seen_at": _iso(contact.last_seen_at),
        "verified_identities": [v.identifier for v in contact.verified_identities.all()],
    }


@transaction.atomic
def contact_export(*, member: Member, contact_id: int) -> ExportFile:
    if member.role not in (Role.OWNER, Role.ADMIN):
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, "Only admins export a contact's data.")
    contact = Contact.objects.filter(pk=contact_id, workspace_id=member.workspace_id).first()
    if contact is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such contact.")
    clear = can_view_pii(member)

    def text(value: str) -> str:
        return value if clear else mask_text(value)

    conversations = list(
        Conversation.objects.filter(contact=contact).select_related("inbox").order_by("pk")
    )
    conversation_ids = [c.pk for c in conversations]
    messages: dict[int, list[Message]] = {pk: [] for pk in conversation_ids}
    for message in (
        Message.objects.filter(conversation_id__in=conversation_ids)
        .prefetch_related("attachments")
        .order_by("conversation_id", "seq")
    ):
        messages[message.conversation_id].append(message)
    tickets = {t.conversation_id: t for t in Ticket.objects.filter(conversation__in=conversations)}
    csat = {
        r.conversation_id: r for r in CsatResponse.objects.filter(conversation__in=conversations)
    }
    attachments = list(
        Attachment.objects.filter(message__conversation_id__in=conversation_ids).order_by("pk")
    )
    paths = {a.pk: f"files/{a.pk}-{_safe_name(a.name)}" for a in attachments}

    document = {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "workspace": member.workspace.slug,
        "masked": not clear,
        "contact": _contact_json(contact, clear),
        "consents": [
            {
                "notice_version": c.notice_version,
                "accepted": c.accepted,
                "inbox": c.inbox_id,
                "ip_prefix": c.ip_prefix,
                "at": _iso(c.created_at),
            }
            for c in ConsentRecord.objects.filter(contact=contact).order_by("created_at", "pk")
        ],
        "conversations": [
            {
                "id": c.pk,
                "inbox": c.inbox.name,
                "status": c.status,
                "topic": c.topic,
                "created_at": _iso(c.created_at),
                "resolved_at": _iso(c.resolved_at),
                "ticket": (
                    {
                        "number": tickets[c.pk].number,
                        "subject": text(tickets[c.pk].subject),
                        "custom_fields": ticket_custom_fields(tickets[c.pk])
                        if clear
                        else custom_fields_shown(tickets[c.pk]),
                        "created_at": _iso(tickets[c.pk].created_at),
                        "closed_at": _iso(tickets[c.pk].closed_at),
                    }
                    if c.pk in tickets
                    else None
                ),
                "csat": (
                    {
                        "rating": csat[c.pk].rating,
                        "comment": text(csat[c.pk].comment),
                        "answered_at": _iso(csat[c.pk].answered_at),
                    }
                    if c.pk in csat
                    else None
                ),
                "messages": [
                    {
                        "seq": m.seq,
                        "sender": m.sender_type,
                        "kind": m.kind,
                        "private": m.private,
                        "body": text(m.body),
                        "created_at": _iso(m.created_at),
                        "attachments": [paths[a.pk] for a in m.attachments.all() if a.pk in paths],
                    }
                    for m in messages[c.pk]
                ],
            }
            for c in conversations
        ],
    }
    out = tempfile.TemporaryFile()  # noqa: SIM115  (the response closes it)
    files = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("contact.json", json.dumps(document, ensure_ascii=False, indent=2))
        for attachment in attachments:
            try:
                with attachment.file.open("rb") as source:
                    archive.writestr(paths[attachment.pk], source.read())
                files += 1
            except (FileNotFoundError, ValueError):
                continue  # a file removed from storage: the JSON still names it
    size = out.tell()
    out.seek(0)
    audit_record(
        workspace=member.workspace,
        actor=member,
        action="privacy.contact_exported",
        target=contact,
        data={
            "conversations": len(conversations),
            "messages": sum(len(v) for v in messages.values()),
            "files": files,
            "masked": not clear,
        },
    )
    return ExportFile(name=f"contact-{contact.pk}-export.zip", file=out, size=size)
