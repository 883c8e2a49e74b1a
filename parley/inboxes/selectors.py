"""Reads of inboxes, and resolving a widget's identity."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from parley.accounts.models import Member, Role
from parley.contacts.models import Contact
from parley.conversations.presence import present_among
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes import hours
from parley.inboxes.hours_reply import closed_reply
from parley.inboxes.models import Inbox
from parley.inboxes.widget_tokens import read_token

PRECHAT_FIELDS = ("name", "email", "topic")

logger = logging.getLogger(__name__)


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


def inbox_business_hours(*, inbox: Inbox) -> hours.BusinessHours:
    """The inbox's business hours; always open if none are set. Hours stored invalid (they are
    checked when saved, so only by hand) count as always open, with a warning in the log:
    better a chat nobody answers at once than a widget that cannot start."""
    try:
        return hours.parse_business_hours(inbox.settings.get("business_hours"))
    except ApplicationError as exc:
        logger.warning("inbox %s has invalid business hours: %s", inbox.pk, exc.fields)
        return hours.ALWAYS_OPEN


def inbox_is_open(*, inbox: Inbox, at: datetime | None = None) -> bool:
    """Within the inbox's business hours at ``at`` (now by default)."""
    return hours.is_open(hours=inbox_business_hours(inbox=inbox), at=at or timezone.now())


def inbox_closed_reply(*, inbox: Inbox, locale: str, at: datetime | None = None) -> str | None:
    """When the team will answer, for a visitor writing outside business hours; None if open."""
    text = closed_reply(
        hours=inbox_business_hours(inbox=inbox), locale=locale, at=at or timezone.now()
    )
    return text or None


@dataclass(frozen=True)
class InboxAvailability:
    open: bool  # within business hours
    online: bool  # open, and someone who may answer has a console open
    next_opening: datetime | None  # when it opens, in its zone; None while open, or never
    closed_reply: str  # what a visitor is told while it is closed; "" while open


def inbox_availability(
    *, inbox: Inbox, locale: str, at: datetime | None = None
) -> InboxAvailability:
    """Whether a visitor can chat now, and if not, when they will be answered."""
    now = at or timezone.now()
    business = inbox_business_hours(inbox=inbox)
    if hours.is_open(hours=business, at=now):
        return InboxAvailability(
            open=True, online=_someone_present(inbox), next_opening=None, closed_reply=""
        )
    opening = hours.next_opening(hours=business, after=now)
    return InboxAvailability(
        open=False,
        online=False,
        next_opening=opening.astimezone(business.zone) if opening else None,
        closed_reply=closed_reply(hours=business, locale=locale, at=now),
    )


def inbox_is_online(*, inbox: Inbox, at: datetime | None = None) -> bool:
    """Within business hours, and someone who may answer this inbox has a console open."""
    return inbox_is_open(inbox=inbox, at=at) and _someone_present(inbox)


def _someone_present(inbox: Inbox) -> bool:
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
