"""Use cases of the inboxes: opening a widget session."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from parley.contacts.models import Contact
from parley.contacts.services import contact_create, contact_touch
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox, InboxKind
from parley.inboxes.selectors import inbox_by_public_key
from parley.inboxes.widget_tokens import issue_token, read_token


@dataclass(frozen=True)
class WidgetSession:
    token: str
    contact: Contact
    inbox: Inbox


def check_widget_origin(*, inbox: Inbox, origin: str | None) -> None:
    if inbox.kind != InboxKind.WIDGET or not inbox.allows_origin(origin):
        raise ApplicationError(
            ErrorCode.ORIGIN_NOT_ALLOWED, "This site may not use this inbox's widget."
        )


@transaction.atomic
def widget_session_open(
    *, public_key: str, origin: str | None, token: str | None, name: str = "", email: str = ""
) -> WidgetSession:
    """Start or resume a visitor's session. An earlier valid token for this inbox returns the
    same contact, so a visitor who reloads keeps their history; anything else starts afresh."""
    inbox = inbox_by_public_key(public_key=public_key)
    check_widget_origin(inbox=inbox, origin=origin)
    contact = None
    identity = read_token(token) if token else None
    if identity is not None and identity.inbox_id == inbox.pk:
        contact = Contact.objects.filter(
            pk=identity.contact_id, workspace_id=inbox.workspace_id
        ).first()
    if contact is None:
        contact = contact_create(workspace=inbox.workspace, name=name, email=email)
    else:
        contact = contact_touch(contact=contact, name=name, email=email)
    return WidgetSession(
        token=issue_token(contact_id=contact.pk, inbox_id=inbox.pk), contact=contact, inbox=inbox
    )
