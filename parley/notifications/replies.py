"""A customer's e-mail reply to a notification lands in the conversation (ticket) it answers.

Every notification is sent from the conversation's reply address (`reply_address.py`); a mail
system that routes that domain to Parley hands each message it receives, as raw RFC 5322 bytes,
to :func:`email_reply_receive` (`parley email_reply` reads one from standard input, for a
Postfix/Exim pipe; the full e-mail channel with its mailboxes comes later).

What is kept out, and why:
- mail to no valid reply address (a forged or altered token finds nothing);
- automatic mail (out-of-office, bounces, mailing lists): answering it could loop;
- mail from anyone but the conversation's contact: the token is in every copy of a
  notification, so a forwarded one must not let a stranger write as the customer;
- the quoted history under the new text, which the timeline already holds.
A redelivered message (same Message-ID) is stored once: its id becomes the message's client_id.
"""

from __future__ import annotations

import email
import re
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr
from typing import Literal

import nh3

from parley.conversations.models import Conversation, Message
from parley.conversations.services import Sender, message_send
from parley.conversations.text import clean_body
from parley.errors import ApplicationError
from parley.notifications.reply_address import conversation_from_reply_address
from parley.tickets.selectors import ticket_of
from parley.tickets.services import ticket_contact_reply

Outcome = Literal["stored", "duplicate", "ignored"]

# Where the quoted history starts, as the common mail clients write it (English and Chinese).
QUOTE_HEADERS = [
    re.compile(r"^On .{5,200}wrote:\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*(Original Message|原始邮件|原始郵件)\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^在.{2,120}(写道|寫道)\s*[:：]\s*$"),
    re.compile(r"^(From|发件人|寄件者)\s*[:：].+$"),
    re.compile(r"^_{8,}\s*$"),  # Outlook's rule above the quoted headers
]
AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To")


@dataclass(frozen=True)
class ReplyResult:
    outcome: Outcome
    reason: str = ""
    conversation_id: int | None = None
    message_id: int | None = None


def email_reply_receive(*, raw: bytes) -> ReplyResult:
    parsed = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(parsed, EmailMessage)
    if _is_automatic(parsed):
        return ReplyResult("ignored", "automatic")
    conversation = _conversation_addressed(parsed)
    if conversation is None:
        return ReplyResult("ignored", "no_reply_address")
    sender = parseaddr(str(parsed.get("From", "")))[1].strip().lower()
    contact = conversation.contact
    if not sender or sender != contact.email.strip().lower():
        return ReplyResult("ignored", "sender_mismatch", conversation.pk)
    try:
        body = clean_body(new_text_of(parsed))
    except ApplicationError:
        return ReplyResult("ignored", "empty", conversation.pk)
    client_id = _client_id(parsed)
    earlier = _already_stored(contact_id=contact.pk, client_id=client_id)
    if earlier is not None:
        return ReplyResult("duplicate", "", earlier.conversation_id, earlier.pk)
    ticket = ticket_of(conversation_id=conversation.pk)
    if ticket is not None:
        # A ticket decides: reopen within the window, or a follow-up once it is closed.
        message = ticket_contact_reply(ticket=ticket, body=body, client_id=client_id).message
    else:
        message = message_send(
            conversation=conversation,
            sender=Sender.of_contact(contact),
            body=body,
            client_id=client_id,
        ).message
    return ReplyResult("stored", conversation_id=message.conversation_id, message_id=message.pk)


def _already_stored(*, contact_id: int, client_id: uuid.UUID | None) -> Message | None:
    if client_id is None:
        return None
    return Message.objects.filter(conversation__contact_id=contact_id, client_id=client_id).first()


def _is_automatic(parsed: EmailMessage) -> bool:
    auto_submitted = str(parsed.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(parsed.get("Precedence", "")).strip().lower()
    return (
        auto_submitted != "no"
        or precedence in AUTO_PRECEDENCE
        or "X-Autoreply" in parsed
        or "X-Autorespond" in parsed
        or "List-Id" in parsed
        or not parseaddr(str(parsed.get("From", "")))[1]
    )


def _conversation_addressed(parsed: EmailMessage) -> Conversation | None:
    for _, address in getaddresses(
        [str(value) for header in RECIPIENT_HEADERS for value in parsed.get_all(header, [])]
    ):
        conversation = conversation_from_reply_address(address)
        if conversation is not None:
            return conversation
    return None


def _client_id(parsed: EmailMessage) -> uuid.UUID | None:
    message_id = str(parsed.get("Message-ID", "")).strip()
    return uuid.uuid5(uuid.NAMESPACE_URL, f"email:{message_id}") if message_id else None


def new_text_of(parsed: EmailMessage) -> str:
    """The customer's new words: the plain part (or the HTML part's text) without the quote."""
    part = parsed.get_body(("plain", "html"))
    if part is None:
        return ""
    content = str(part.get_content())
    if part.get_content_type() == "text/html":
        content = _html_to_text(content)
    return strip_quoted(content)


def _html_to_text(html: str) -> str:
    # Keep line structure, then let nh3 drop every tag and unescape nothing unsafe.
    with_breaks = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h[1-6])>", "\n", html)
    quoted = re.sub(r"(?is)<blockquote.*?</blockquote>", "", with_breaks)
    text = nh3.clean(quoted, tags=set())
    return (
        text.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&amp;", "&")
    )


def strip_quoted(text: str) -> str:
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if any(header.match(stripped) for header in QUOTE_HEADERS):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()
