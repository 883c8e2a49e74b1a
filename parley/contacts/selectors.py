"""Reads of contacts, scoped to what the asking member may see."""

from __future__ import annotations

from parley.accounts.models import Member
from parley.contacts.models import Contact
from parley.conversations.models import Conversation
from parley.conversations.selectors import visible_conversations
from parley.errors import ApplicationError, ErrorCode


def contact_for_member(*, member: Member, contact_id: int) -> Contact:
    """Supervisors see every contact of the workspace; an agent sees the contacts of the
    conversations they may see."""
    contacts = Contact.objects.filter(workspace_id=member.workspace_id, pk=contact_id)
    if not member.sees_all_inboxes:
        contacts = contacts.filter(pk__in=visible_conversations(member=member).values("contact_id"))
    contact = contacts.first()
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
