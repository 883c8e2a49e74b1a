"""Reads of contacts, scoped to what the asking member may see."""

from __future__ import annotations

from django.db.models import QuerySet

from parley.accounts.models import Member
from parley.contacts.encryption import blind_index, normalise_id_number, normalise_phone
from parley.contacts.models import Contact
from parley.conversations.models import Conversation
from parley.conversations.selectors import visible_conversations
from parley.errors import ApplicationError, ErrorCode


def contact_for_member(*, member: Member, contact_id: int) -> Contact:
    """Supervisors see every contact of the workspace; an agent sees the contacts of the
    conversations they may see."""
    contact = _visible_contacts(member).filter(pk=contact_id).first()
    if contact is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such contact.")
    return contact


def contact_history(*, member: Member, contact: Contact, limit: int = 50) -> list[Conversation]:
    return list(
        visible_conversations(member=member)
        .filter(contact=contact)
        .select_related("inbox")
        .order_by("-last_activity_at")[:limit]
    )


def contacts_by_phone(*, member: Member, phone: str) -> list[Contact]:
    """Equality lookup through the blind index: no row is decrypted to find the match."""
    index = blind_index("phone", normalise_phone(phone))
    return list(_visible_contacts(member).filter(phone_index=index)[:20]) if index else []


def contacts_by_id_number(*, member: Member, id_number: str) -> list[Contact]:
    index = blind_index("id_number", normalise_id_number(id_number))
    return list(_visible_contacts(member).filter(id_number_index=index)[:20]) if index else []


def _visible_contacts(member: Member) -> QuerySet[Contact]:
    contacts = Contact.objects.filter(workspace_id=member.workspace_id)
    if not member.sees_all_inboxes:
        contacts = contacts.filter(pk__in=visible_conversations(member=member).values("contact_id"))
    return contacts.order_by("-last_seen_at", "-pk")
