"""Reads of inboxes, and resolving a widget's identity."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from parley.accounts.models import Member, Role
from parley.contacts.models import Contact
from parley.conversations.presence import present_among
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox
from parley.inboxes.widget_tokens import read_token

PRECHAT_FIELDS = ("name", "email", "topic")


def inbox_by_public_key(*, public_key: str) -> Inbox:
    inbox = Inbox.objects.select_related("workspace").filter(public_key=public_key).first()
    if inbox is None:
        raise ApplicationError(ErrorCode.INBOX_NOT_FOUND, "No inbox has this key.")
    return inbox


def inbox_list(*, member: Member) -> QuerySet[Inbox]:
    inboxes = Inbox.objects.filter(workspace_id=member.workspace_id).order_by("name")
    if not member.sees_all_inboxes:
        inboxes = inboxes.filter(agents=member)
    return inboxes


def inbox_get(*, member: Member, inbox_id: int) -> Inbox:
    inbox = inbox_list(member=member).filter(pk=inbox_id).first()
    if inbox is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such inbox.")
    return inbox


def inbox_is_online(*, inbox: Inbox) -> bool:
    """Someone who may answer this inbox has a console open right now."""
    answerers = Member.objects.filter(workspace_id=inbox.workspace_id, is_active=True).filter(
        Q(inboxes=inbox) | Q(role__in=[Role.OWNER, Role.ADMIN, Role.SUPERVISOR])
    )
    return bool(present_among(answerers.values_list("pk", flat=True).distinct()))


def prechat_settings(*, inbox: Inbox) -> dict[str, object]:
    """The inbox's pre-chat form: off unless configured (settings["prechat"])."""
    raw = inbox.settings.get("prechat") or {}
    fields = [f for f in raw.get("fields", ["name", "email"]) if f in PRECHAT_FIELDS]
    topics = [str(t)[:80] for t in raw.get("topics", [])][:20]
    return {"enabled": bool(raw.get("enabled")), "fields": fields, "topics": topics}


def widget_contact(*, token: str) -> tuple[Contact, Inbox]:
    """The contact and inbox a widget token stands for; ``invalid_token`` if it stands for none."""
    identity = read_token(token)
    if identity is not None:
        contact = Contact.objects.select_related("workspace").filter(pk=identity.contact_id).first()
        inbox = Inbox.objects.filter(pk=identity.inbox_id).first()
        if contact is not None and inbox is not None and contact.workspace_id == inbox.workspace_id:
            return contact, inbox
    raise ApplicationError(ErrorCode.INVALID_TOKEN, "The widget token is invalid or expired.")
