"""E-mail notifications to contacts: scheduled from the conversation services after commit,
delivered by a Celery task (parley/notifications/tasks.py), at most once per event.

Scheduling (inside the caller's transaction): :func:`notify_timeline_entry` (called for every
timeline entry: a public agent message → "agent replied", a change to resolved → "solved") and
:func:`send_ticket_created` (called by tickets). Each queues ``deliver_email`` on commit.

Delivery (:func:`email_deliver`): the row of ``OutboundEmail`` keyed by (conversation, event)
is made once; a row already sent (or failed for good) is not sent again. A worker claims the
row before it sends (a conditional update, no lock held during SMTP), so two workers never
send the same event at once.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from parley.conversations.models import (
    Conversation,
    Message,
    MessageKind,
    SenderType,
    Status,
)
from parley.conversations.services.csat import csat_link
from parley.notifications import compose, staff
from parley.notifications.models import OutboundEmail
from parley.notifications.reply_address import reply_address

logger = logging.getLogger(__name__)

REPLY = "reply"
SOLVED = "solved"
TICKET = "ticket"
# How many earlier Message-IDs go into References: the thread's first and the latest ones.
REFERENCES_KEPT = 10
# How long a worker holds an event while it sends; longer than any SMTP timeout.
CLAIM_FOR = timedelta(minutes=5)


class TemporaryDeliveryError(Exception):
    """The server refused for now (4xx) or could not be reached: try again later."""


def enabled() -> bool:
    return bool(settings.PARLEY_EMAIL_NOTIFICATIONS)


def _schedule(conversation: Conversation, event_key: str, *, delay: int = 0) -> None:
    if not enabled() or not conversation.contact.email:
        return
    from parley.notifications.tasks import deliver_email

    conversation_id = conversation.pk
    # robust: a failure to queue (or, in the embedded mode, to send) never fails the request
    # that already committed; it is logged.
    transaction.on_commit(
        lambda: deliver_email.apply_async((conversation_id, event_key), countdown=float(delay)),
        robust=True,
    )


def notify_timeline_entry(*, conversation: Conversation, message: Message) -> None:
    """Decide whether a new timeline entry is news for the contact's mailbox."""
    if message.private:
        return
    if message.sender_type == SenderType.AGENT and message.kind in {
        MessageKind.TEXT,
        MessageKind.IMAGE,
        MessageKind.FILE,
    }:
        # Held back a little: a customer chatting in the widget reads it there instead.
        delay = settings.PARLEY_EMAIL_REPLY_DELAY
        _schedule(conversation, f"{REPLY}:{message.pk}", delay=delay)
    elif message.kind == MessageKind.EVENT and message.data.get("to") == Status.RESOLVED:
        _schedule(conversation, f"{SOLVED}:{message.pk}")


def send_ticket_created(conversation_id: int, ticket_number: int | str) -> None:
    """Tell the contact their ticket's number, after the caller's transaction commits.
    Idempotent: a second call for the same ticket sends nothing more."""
    conversation = Conversation.objects.select_related("contact").get(pk=conversation_id)
    _schedule(conversation, f"{TICKET}:{str(ticket_number).lstrip('#')}")


def ticket_number_of(conversation: Conversation) -> str | None:
    """The ticket number shown to the customer, when the conversation is a ticket."""
    ticket = getattr(conversation, "ticket", None)  # tickets' one-to-one, when there is one
    if ticket is not None and getattr(ticket, "number", None):
        return str(ticket.number)
    told = (
        OutboundEmail.objects.filter(conversation=conversation, event_key__startswith=f"{TICKET}:")
        .values_list("event_key", flat=True)
        .first()
    )
    return told.split(":", 1)[1] if told else None


def _survey_link(conversation: Conversation) -> str:
    """The satisfaction survey's signed rating page (parley/conversations/services/csat.py)."""
    return settings.PARLEY_PUBLIC_URL.rstrip("/") + csat_link(conversation)


def _content(conversation: Conversation, event_key: str) -> compose.Content | None:
    kind, _, ref = event_key.partition(":")
    number = ticket_number_of(conversation)
    if kind == REPLY:
        message = (
            Message.objects.select_related("sender_member__user")
            .filter(pk=int(ref), conversation=conversation, private=False)
            .first()
        )
        if message is None or conversation.contact_read_seq >= message.seq:
            return None  # gone, or the customer has read it in the widget already
        return compose.agent_reply(conversation, message, number)
    if kind == SOLVED:
        return compose.conversation_solved(conversation, number, _survey_link(conversation))
    if kind == TICKET:
        return compose.ticket_created(conversation, number or ref)
    if kind == staff.SLA:
        return staff.sla_alert(conversation, event_key, number)
    return None


def _thread_ids(conversation: Conversation, exclude: int) -> list[str]:
    ids = list(
        OutboundEmail.objects.filter(conversation=conversation, sent_at__isnull=False)
        .exclude(pk=exclude)
        .exclude(event_key__startswith=f"{staff.SLA}:")  # staff alerts are no part of it
        .order_by("sent_at", "pk")
        .values_list("message_id", flat=True)
    )
    if len(ids) > REFERENCES_KEPT:
        ids = ids[:1] + ids[-(REFERENCES_KEPT - 1) :]
    return ids


def _from_address(conversation: Conversation) -> str:
    _, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((conversation.inbox.workspace.name, address))


def _build(
    conversation: Conversation, row: OutboundEmail, content: compose.Content, to: str
) -> EmailMultiAlternatives:
    headers = {"Message-ID": row.message_id}
    to_staff = staff.is_staff_key(row.event_key)
    earlier = [] if to_staff else _thread_ids(conversation, exclude=row.pk)
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier)
    if not row.event_key.startswith(REPLY):
        headers["Auto-Submitted"] = "auto-generated"
    email = EmailMultiAlternatives(
        subject=content.subject,
        body=content.text,
        from_email=_from_address(conversation),
        to=[to],
        reply_to=[] if to_staff else [reply_address(conversation)],
        headers=headers,
        connection=get_connection(fail_silently=False),
    )
    email.attach_alternative(content.html, "text/html")
    email.encoding = "utf-8"
    return email


def _is_permanent(exc: smtplib.SMTPException) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def email_deliver(*, conversation_id: int, event_key: str) -> OutboundEmail | None:
    """Send the e-mail for one event of a conversation, unless it was sent before.

    Raises :class:`TemporaryDeliveryError` when the server could not take it now; the task
    retries. A permanent refusal is recorded on the row and not retried."""
    conversation = (
        Conversation.objects.select_related("contact", "inbox__workspace")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        return None
    row, _ = OutboundEmail.objects.get_or_create(
        conversation=conversation,
        event_key=event_key,
        defaults={
            "workspace_id": conversation.workspace_id,
            "message_id": make_msgid(
                idstring=f"c{conversation.pk}", domain=settings.PARLEY_REPLY_DOMAIN
            ),
        },
    )
    now = timezone.now()
    # Claim the row: only one worker sends an event; a claim left by a crashed worker lapses.
    claimed = (
        OutboundEmail.objects.filter(pk=row.pk, sent_at__isnull=True, failed_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + CLAIM_FOR, attempts=F("attempts") + 1)
    )
    row.refresh_from_db()
    if not claimed:
        return row
    to = (
        staff.staff_recipient(conversation, event_key)
        if staff.is_staff_key(event_key)
        else conversation.contact.email
    )
    content = _content(conversation, event_key)
    if not to or content is None:
        row.failed_at = timezone.now()
        row.error = "no address" if not to else "nothing to send (read already, or gone)"
        row.save(update_fields=["failed_at", "error"])
        return row
    row.to_address, row.subject = to, content.subject[:255]
    temporary: Exception | None = None
    try:
        _build(conversation, row, content, to).send()
    except smtplib.SMTPException as exc:
        if _is_permanent(exc):
            logger.warning("e-mail %s refused for good: %s", row.pk, exc)
            row.failed_at = timezone.now()
        else:
            temporary = exc
        row.error = str(exc)[:500]
    except OSError as exc:
        temporary, row.error = exc, str(exc)[:500]
    else:
        row.sent_at, row.error = timezone.now(), ""
    row.claimed_until = None
    row.save(
        update_fields=["to_address", "subject", "sent_at", "failed_at", "error", "claimed_until"]
    )
    if temporary is not None:
        raise TemporaryDeliveryError(str(temporary)) from temporary
    return row
