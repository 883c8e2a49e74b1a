"""Reads of conversations and messages, always scoped to who is asking."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, F, JSONField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone

from parley.accounts.models import Member, Team
from parley.contacts.models import Contact
from parley.conversations.models import (
    Conversation,
    ConversationRead,
    CsatResponse,
    Message,
    MessageKind,
    SenderType,
    Status,
)
from parley.conversations.services.csat import edit_window as csat_edit_window
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
    ``me`` or ``none``. Spam (marked by an automation rule) is left out."""
    conversations = visible_conversations(member=member).filter(spam=False)
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
    # The preview of the last message in one subquery (a JSON object), not one per column:
    # PostgreSQL plans each subquery, and planning was most of the query's time.
    latest = (
        Message.objects.filter(conversation=OuterRef("pk"))
        .exclude(kind=MessageKind.EVENT)
        .order_by("-seq")
        .values(
            preview=JSONObject(
                body="body", kind="kind", sender_type="sender_type", private="private"
            )
        )[:1]
    )
    return (
        conversations.select_related("inbox", "contact", "assignee__user", "team")
        # What a list row shows (conversations.api.list_row): the joined rows' other columns
        # (a user's password hash, a contact's encrypted phone and ID number, which would be
        # decrypted for each row) are neither sent nor loaded.
        .only(*LIST_ROW_FIELDS)
        .annotate(
            unread=F("last_seq") - Coalesce(Subquery(read_seq), Value(0)),
            last_message=Subquery(latest, output_field=JSONField()),
            # parley/analytics/sentiment: the badge of a conversation that turned negative
            sentiment_label=F("sentiment__label"),
            sentiment_score=F("sentiment__score"),
            sentiment_trend=F("sentiment__trend"),
            sentiment_turned_negative_at=F("sentiment__turned_negative_at"),
        )
        .order_by("-last_activity_at", "-pk")
    )


# The columns `conversation_payload` reads, with those of `Contact.display_name` and
# `Member.name`. Reading any other field of a list row costs a query per row (the query budget
# in tests/conversations/test_rest_path_queries.py would catch it).
LIST_ROW_FIELDS = (
    "workspace",
    "inbox",
    "contact",
    "assignee",
    "team",
    "status",
    "last_seq",
    "topic",
    "last_activity_at",
    "created_at",
    "inbox__name",
    "contact__name",
    "contact__email",
    "assignee__user",
    "assignee__user__display_name",
    "assignee__user__first_name",
    "assignee__user__last_name",
    "assignee__user__email",
    "team__name",
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


def conversation_to_write(*, member: Member, conversation_id: int) -> Conversation:
    """The conversation a write names, if the member may see it; 404 otherwise. Only its key
    and workspace are read: the write's service locks the row and reads it again, so the
    joins of `conversation_for_member` would be read for nothing."""
    conversation = (
        visible_conversations(member=member)
        .only("pk", "workspace_id")
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


def customer_first_words(*, conversation: Conversation, max_chars: int) -> str:
    """The first line of what the customer first wrote, shortened with an ellipsis: a headline
    for a conversation nobody named (a ticket's subject, an e-mail's topic). Empty if none."""
    first = (
        conversation.messages.filter(
            sender_type=SenderType.CONTACT, private=False, kind=MessageKind.TEXT
        )
        .order_by("seq")
        .values_list("body", flat=True)
        .first()
    )
    lines = (first or "").strip().splitlines()
    line = " ".join(lines[0].split()) if lines else ""
    return line if len(line) <= max_chars else line[: max_chars - 1] + "…"


def contact_message_by_client_id(
    *, contact: Contact, inbox: Inbox, client_id: uuid.UUID
) -> Message | None:
    """The message a contact already sent in an inbox under ``client_id`` (any conversation), with
    its conversation: how a resend finds the first send when it named no conversation."""
    return (
        Message.objects.filter(conversation__contact=contact, conversation__inbox=inbox)
        .filter(client_id=client_id)
        .select_related("conversation")
        .first()
    )


def message_by_client_id(*, conversation_id: int, client_id: str) -> Message | None:
    return (
        Message.objects.select_related("sender_member__user", "sender_contact")
        .prefetch_related("attachments")
        .filter(conversation_id=conversation_id, client_id=client_id)
        .first()
    )


# --- CSAT ----------------------------------------------------------------------------------------
CSAT_GROUPS = {"agent": "assignee", "team": "team", "inbox": "inbox"}


def csat_for_conversation(*, conversation: Conversation) -> CsatResponse | None:
    return CsatResponse.objects.filter(conversation_id=conversation.pk).first()


def contact_open_csat(*, contact: Contact, inbox_id: int) -> list[CsatResponse]:
    """The contact's rating requests that can still be answered or changed, newest first: a
    widget that was offline when the conversation was resolved learns of them on its next
    session or hello."""
    now = timezone.now()
    window = csat_edit_window()
    rows = CsatResponse.objects.filter(
        conversation__contact=contact, inbox_id=inbox_id, conversation__status=Status.RESOLVED
    ).filter(Q(answered_at__isnull=True, expires_at__gte=now) | Q(answered_at__gte=now - window))
    return list(rows.order_by("-resolved_at")[:5])


@dataclass(frozen=True)
class CsatBucket:
    key: dict[str, Any] | None
    responses: int
    average: float | None
    distribution: dict[str, int]
    satisfied: int = 0  # ratings of 4 or 5

    @property
    def satisfied_percent(self) -> float | None:
        return round(100 * self.satisfied / self.responses, 1) if self.responses else None


def _bucket(key: dict[str, Any] | None, row: dict[str, Any]) -> CsatBucket:
    distribution = {str(n): int(row.get(f"r{n}") or 0) for n in range(1, 6)}
    responses = sum(distribution.values())
    total = sum(n * count for n, count in zip(range(1, 6), distribution.values(), strict=True))
    average = round(total / responses, 2) if responses else None
    satisfied = distribution["4"] + distribution["5"]
    return CsatBucket(
        key=key,
        responses=responses,
        average=average,
        distribution=distribution,
        satisfied=satisfied,
    )


def _csat_counts() -> dict[str, Any]:
    return {f"r{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)}


def csat_summary(
    *, workspace_id: int, start: datetime, end: datetime, group_by: str
) -> dict[int, CsatBucket]:
    """Answered ratings of conversations resolved in [start, end) per agent, team or inbox id
    (as at resolve time), for reports that name the groups themselves: one grouped query."""
    field = CSAT_GROUPS[group_by]
    rows = (
        CsatResponse.objects.filter(
            workspace_id=workspace_id,
            rating__isnull=False,
            resolved_at__gte=start,
            resolved_at__lt=end,
        )
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(**_csat_counts())
        .order_by(field)
    )
    return {row[field]: _bucket({"id": row[field]}, row) for row in rows}


def csat_results(
    *, member: Member, start: datetime, end: datetime, group_by: str
) -> tuple[list[CsatBucket], CsatBucket]:
    """Answered ratings of conversations resolved in [start, end), per agent, team or inbox (as
    they were at resolve time), and the totals. Supervisors see the workspace; an agent sees only
    the conversations they resolved. One grouped query; names come from one more each."""
    field = CSAT_GROUPS[group_by]
    rows = CsatResponse.objects.filter(
        workspace_id=member.workspace_id,
        rating__isnull=False,
        resolved_at__gte=start,
        resolved_at__lt=end,
    )
    if not member.is_supervising:
        rows = rows.filter(assignee=member)
    counts = _csat_counts()
    grouped = list(rows.values(field).annotate(**counts).order_by(field))
    totals = rows.aggregate(**counts)
    ids = [row[field] for row in grouped if row[field] is not None]
    names: dict[int, str] = {}
    if field == "assignee":
        for m in Member.objects.filter(pk__in=ids).select_related("user"):
            names[m.pk] = m.name
    elif field == "team":
        names = dict(Team.objects.filter(pk__in=ids).values_list("pk", "name"))
    else:
        names = dict(Inbox.objects.filter(pk__in=ids).values_list("pk", "name"))
    buckets = [
        _bucket(
            {"id": row[field], "name": names.get(row[field], "")}
            if row[field] is not None
            else None,
            row,
        )
        for row in grouped
    ]
    buckets.sort(key=lambda b: (-b.responses, (b.key or {}).get("name", "")))
    return buckets, _bucket(None, totals)
