"""Reads of conversations and messages, always scoped to who is asking."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from parley.accounts.models import Member
from parley.contacts.models import Contact
from parley.conversations.models import (
    Conversation,
    ConversationRead,
    Message,
    MessageKind,
    Status,
)
from parley.errors import ApplicationError, ErrorCode
from parley.inboxes.models import Inbox

# Replay and page sizes are bounded so one request never loads an unbounded timeline.
MAX_PAGE = 200


def visible_inbox_ids(*, member: Member) -> list[int]:
    inboxes = Inbox.objects.filter(workspace_id=member.workspace_id)
    if not member.sees_all_inboxes:
        inboxes = inboxes.filter(agents=member)
    return list(inboxes.values_list("pk", flat=True))


def visible_conversations(*, member: Member) -> QuerySet[Conversation]:
    """Supervisors and admins see the whole workspace; an agent sees the inboxes they are in
    and whatever is assigned to them."""
    conversations = Conversation.objects.filter(workspace_id=member.workspace_id)
    if member.sees_all_inboxes:
        return conversations
    member_inboxes = Inbox.objects.filter(agents=member).values("pk")
    return conversations.filter(Q(inbox_id__in=member_inboxes) | Q(assignee=member))


def conversation_list(
    *,
    member: Member,
    status: str | None = None,
    inbox_id: int | None = None,
    assignee: str | None = None,
    team_id: int | None = None,
) -> QuerySet[Conversation]:
    """Newest activity first, with the caller's unread count. ``assignee`` is a member id,
    ``me`` or ``none``."""
    conversations = visible_conversations(member=member)
    if status:
        conversations = conversations.filter(status=status)
    if inbox_id is not None:
        conversations = conversations.filter(inbox_id=inbox_id)
    if team_id is not None:
        conversations = conversations.filter(team_id=team_id)
    if assignee == "me":
        conversations = conversations.filter(assignee=member)
    elif assignee == "none":
        conversations = conversations.filter(assignee__isnull=True)
    elif assignee:
        conversations = conversations.filter(assignee_id=int(assignee))
    read_seq = ConversationRead.objects.filter(member=member, conversation=OuterRef("pk")).values(
        "seq"
    )[:1]
    latest = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .exclude(kind=MessageKind.EVENT)
        .order_by("-seq")
    )
    return (
        conversations.select_related("inbox", "contact", "assignee__user", "team")
        .annotate(
            unread=F("last_seq") - Coalesce(Subquery(read_seq), Value(0)),
            last_body=Subquery(latest.values("body")[:1]),
            last_kind=Subquery(latest.values("kind")[:1]),
            last_sender_type=Subquery(latest.values("sender_type")[:1]),
            last_private=Subquery(latest.values("private")[:1]),
        )
        .order_by("-last_activity_at", "-pk")
    )


def conversation_for_member(*, member: Member, conversation_id: int) -> Conversation:
    conversation = (
        visible_conversations(member=member)
        .select_related("inbox", "contact", "assignee__user", "team")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such conversation.")
    return conversation


def conversation_for_contact(*, contact: Contact, conversation_id: int) -> Conversation:
    conversation = (
        Conversation.objects.select_related("inbox", "contact")
        .filter(pk=conversation_id, contact=contact)
        .first()
    )
    if conversation is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, "No such conversation.")
    return conversation


def contact_conversations(*, contact: Contact, inbox_id: int) -> QuerySet[Conversation]:
    return Conversation.objects.filter(contact=contact, inbox_id=inbox_id).order_by("-pk")


def contact_current_conversation(*, contact: Contact, inbox_id: int) -> Conversation | None:
    """The conversation a contact's next message goes to: the newest one not resolved."""
    return (
        contact_conversations(contact=contact, inbox_id=inbox_id)
        .exclude(status=Status.RESOLVED)
        .first()
    )


def contact_waiting_conversations(*, contact: Contact) -> QuerySet[Conversation]:
    """The contact's conversations waiting in a queue for a person."""
    return Conversation.objects.select_related("inbox").filter(
        contact=contact, status=Status.QUEUED, assignee__isnull=True
    )


def messages_after(
    *, conversation: Conversation, after_seq: int, include_private: bool, limit: int = MAX_PAGE
) -> list[Message]:
    messages = Message.objects.filter(conversation=conversation, seq__gt=after_seq)
    if not include_private:
        messages = messages.filter(private=False)
    return list(
        messages.select_related("sender_member__user", "sender_contact")
        .prefetch_related("attachments")
        .order_by("seq")[: max(1, min(limit, MAX_PAGE))]
    )


def message_by_client_id(*, conversation_id: int, client_id: str) -> Message | None:
    return (
        Message.objects.select_related("sender_member__user", "sender_contact")
        .prefetch_related("attachments")
        .filter(conversation_id=conversation_id, client_id=client_id)
        .first()
    )
