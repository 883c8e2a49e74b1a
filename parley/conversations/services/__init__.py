"""Every change to a conversation happens in these modules, inside a transaction, with its
events sent after commit. Views and consumers validate input, call one of these and shape the
answer. One module per group of use cases; import them from here."""

from parley.conversations.services.assignment import (
    conversation_assign,
    conversation_route_to,
    conversation_set_team,
    conversation_transfer,
)
from parley.conversations.services.csat import (
    csat_link,
    csat_request,
    csat_state,
    csat_submit,
)
from parley.conversations.services.messages import (
    contact_leave_message,
    contact_message_send,
    conversation_start,
    message_send,
)
from parley.conversations.services.reads import (
    conversation_mark_read_by_contact,
    conversation_mark_read_by_member,
)
from parley.conversations.services.status import TRANSITIONS, conversation_set_status
from parley.conversations.services.timeline import SYSTEM, Sender, SendResult

__all__ = [
    "SYSTEM",
    "TRANSITIONS",
    "SendResult",
    "Sender",
    "contact_leave_message",
    "contact_message_send",
    "conversation_assign",
    "conversation_mark_read_by_contact",
    "conversation_mark_read_by_member",
    "conversation_route_to",
    "conversation_set_status",
    "conversation_set_team",
    "conversation_start",
    "conversation_transfer",
    "csat_link",
    "csat_request",
    "csat_state",
    "csat_submit",
    "message_send",
]
