"""Each conversation's stable reply address: ``reply+<token>@<PARLEY_REPLY_DOMAIN>``.

The token is the conversation id and an HMAC of it (keyed by ``SECRET_KEY``), written in
lower-case letters and digits only, so it survives mail systems that change the case of the
local part. Anyone can read the id; nobody without the key can make a token for another one.
The inbound e-mail channel calls :func:`conversation_from_reply_address` to land a reply in
the conversation it answers.
"""

from __future__ import annotations

import base64
import hmac
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import salted_hmac

from parley.conversations.models import Conversation

PREFIX = "reply+"
SALT = "parley.notifications.reply-address"
SIGNATURE_CHARS = 16  # base32: 80 bits


def _signature(conversation_id: int) -> str:
    digest = salted_hmac(
        SALT, str(conversation_id), secret=settings.SECRET_KEY, algorithm="sha256"
    ).digest()
    return base64.b32encode(digest).decode("ascii").lower()[:SIGNATURE_CHARS]


def reply_token(conversation_id: int) -> str:
    return f"{conversation_id}-{_signature(conversation_id)}"


def conversation_id_from_token(token: str) -> int | None:
    """The conversation id a token was made for, or None when it was forged or changed."""
    number, _, signature = token.strip().lower().rpartition("-")
    if not number.isascii() or not number.isdigit() or number.startswith("0"):
        return None
    conversation_id = int(number)
    if not hmac.compare_digest(signature.encode(), _signature(conversation_id).encode()):
        return None
    return conversation_id


def reply_address(conversation: Conversation) -> str:
    return f"{PREFIX}{reply_token(conversation.pk)}@{settings.PARLEY_REPLY_DOMAIN}"


def conversation_from_reply_address(address: str) -> Conversation | None:
    """The conversation a reply address belongs to; None for anything else, a forged or
    altered token, or a conversation that no longer exists. Accepts ``Name <addr>`` forms.
    The domain is not checked: mail reaches Parley only for domains routed to it."""
    _, addr = parseaddr(address)
    local, at, _domain = addr.rpartition("@")
    if not at or not local.lower().startswith(PREFIX):
        return None
    conversation_id = conversation_id_from_token(local[len(PREFIX) :])
    if conversation_id is None:
        return None
    return Conversation.objects.filter(pk=conversation_id).first()
