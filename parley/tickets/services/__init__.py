"""Every change to a ticket happens in these modules; import them from here."""

from parley.tickets.services.bulk import (
    tickets_bulk_add_tag,
    tickets_bulk_assign,
    tickets_bulk_set_priority,
    tickets_bulk_set_status,
    tickets_bulk_set_team,
    tickets_bulk_solve,
)
from parley.tickets.services.common import requester_for, ticket_number_next
from parley.tickets.services.create import (
    TicketReply,
    ticket_contact_reply,
    ticket_create,
    ticket_escalate,
    ticket_from_channel,
    ticket_leave_message,
)
from parley.tickets.services.definitions import (
    custom_field_create,
    custom_field_delete,
    custom_field_update,
)
from parley.tickets.services.lifecycle import tickets_close_solved
from parley.tickets.services.sealing import tickets_custom_fields_reseal, tickets_rotate_keys
from parley.tickets.services.update import TicketChanges, ticket_update

__all__ = [
    "TicketChanges",
    "TicketReply",
    "custom_field_create",
    "custom_field_delete",
    "custom_field_update",
    "requester_for",
    "ticket_contact_reply",
    "ticket_create",
    "ticket_escalate",
    "ticket_from_channel",
    "ticket_leave_message",
    "ticket_number_next",
    "ticket_update",
    "tickets_bulk_add_tag",
    "tickets_bulk_assign",
    "tickets_bulk_set_priority",
    "tickets_bulk_set_status",
    "tickets_bulk_set_team",
    "tickets_bulk_solve",
    "tickets_close_solved",
    "tickets_custom_fields_reseal",
    "tickets_rotate_keys",
]
