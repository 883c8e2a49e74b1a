"""What every ticket use case shares: the next number, the requester, the tags, the
`ticket.updated` fan-out."""

from __future__ import annotations

from django.db import transaction

from parley.accounts.models import Workspace
from parley.contacts.models import Contact
from parley.contacts.services import contact_create, contact_touch
from parley.conversations import realtime
from parley.errors import ApplicationError, ErrorCode
from parley.notifications.services import send_ticket_created
from parley.tickets.models import Tag, Ticket, TicketCounter
from parley.tickets.payloads import ticket_payload, ticket_updated_frame
from parley.tickets.sla.tracking import sla_ticket_start

TAG_MAX = 40
TAGS_PER_TICKET = 20


def ticket_number_next(*, workspace_id: int) -> int:
    """The workspace's next ticket number, under the counter row's lock until commit: two
    tickets never share a number, and a rolled-back ticket leaves no gap."""
    # Creating the row races with another first ticket; ignore_conflicts makes both see one.
    TicketCounter.objects.bulk_create(
        [TicketCounter(workspace_id=workspace_id)], ignore_conflicts=True
    )
    counter = TicketCounter.objects.select_for_update().get(pk=workspace_id)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def requester_for(*, workspace: Workspace, name: str, email: str, locale: str = "") -> Contact:
    """The workspace's contact with this e-mail address (details as given now), or a new one."""
    email = email.strip().lower()
    contact = (
        Contact.objects.filter(workspace=workspace, email=email).order_by("pk").first()
        if email
        else None
    )
    if contact is None:
        return contact_create(workspace=workspace, name=name, email=email, locale=locale)
    return contact_touch(
        contact=contact, name=name, email=email, locale=locale, overwrite=bool(name.strip())
    )


def clean_tag_names(names: list[str]) -> list[str]:
    cleaned: list[str] = []
    for name in names:
        tag = " ".join(str(name).split())
        if not tag or len(tag) > TAG_MAX:
            raise ApplicationError(
                ErrorCode.INVALID,
                f"A tag is 1 to {TAG_MAX} characters.",
                fields={"tags": f"1 to {TAG_MAX} characters"},
            )
        if tag not in cleaned:
            cleaned.append(tag)
    if len(cleaned) > TAGS_PER_TICKET:
        raise ApplicationError(
            ErrorCode.INVALID,
            f"At most {TAGS_PER_TICKET} tags.",
            fields={"tags": f"at most {TAGS_PER_TICKET}"},
        )
    return cleaned


def tags_ensure(*, workspace_id: int, names: list[str]) -> list[Tag]:
    """The workspace's tags of these names, created where missing (two queries at most)."""
    if not names:
        return []
    Tag.objects.bulk_create(
        [Tag(workspace_id=workspace_id, name=name) for name in names], ignore_conflicts=True
    )
    return list(Tag.objects.filter(workspace_id=workspace_id, name__in=names))


def publish_ticket_updated(ticket: Ticket, *, tags: list[str] | None = None) -> None:
    """To the staff who see the conversation, built at commit so it shows the final state."""
    conversation = ticket.conversation

    def send() -> None:
        realtime.send_to_groups(
            realtime.staff_groups(conversation),
            ticket_updated_frame(ticket_payload(ticket, tags)),
        )

    transaction.on_commit(send)


def ticket_announce_created(ticket: Ticket) -> None:
    """Where every new ticket ends up, whichever way it was made (console, API, web form,
    leave a message, a follow-up, an escalated chat): its SLA clocks start, the staff who see
    it hear of it, and the customer is told its number."""
    conversation = ticket.conversation
    sla_ticket_start(ticket_id=ticket.pk, conversation=conversation, started_at=ticket.created_at)
    publish_ticket_updated(ticket)
    send_ticket_created(conversation.pk, ticket.number)
