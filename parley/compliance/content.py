"""Removing the content of conversations while their statistics stay: what the retention job
and erasure share.

What goes: message bodies (or the messages), the words indexed for search, personal keys in
event data, the bot's copy of a question, ticket subjects and custom fields, CSAT comments, the
subjects and addresses of e-mails sent, and attachments (rows, files and thumbnails). What
stays: the conversation rows (status, inbox, team, assignee, times), message rows' kinds, seqs,
senders and times when anonymised, CSAT ratings, reporting events and rollups — so dashboards,
KPIs and CSAT counts read the same before and after.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet

from parley.bot.models import BotReply
from parley.conversations.models import Attachment, CsatResponse, Message, MessageKind
from parley.notifications.models import OutboundEmail
from parley.tickets.models import Ticket

# Keys of event data that can name or reach a person (e.g. the left_message event's e-mail).
PERSONAL_KEYS = frozenset({"email", "name", "phone", "id_number", "address", "comment"})


@dataclass
class Removed:
    messages: int = 0
    attachments: int = 0
    files: int = 0

    def add(self, other: Removed) -> None:
        self.messages += other.messages
        self.attachments += other.attachments
        self.files += other.files


def files_delete_on_commit(attachments: Iterable[Attachment]) -> int:
    """Schedule the stored files (and thumbnails) for deletion once the rows' deletion is
    committed: a rolled-back run leaves every file where it was. Returns how many."""
    stored = []
    for attachment in attachments:
        for field in (attachment.file, attachment.thumbnail):
            if field and field.name:
                stored.append((field.storage, field.name))

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)  # a file already gone is no error: the run is idempotent

    transaction.on_commit(delete)
    return len(stored)


def attachments_delete(attachments: QuerySet[Attachment]) -> Removed:
    rows = list(attachments.only("pk", "file", "thumbnail"))
    if not rows:
        return Removed()
    files = files_delete_on_commit(rows)
    Attachment.objects.filter(pk__in=[a.pk for a in rows]).delete()
    return Removed(attachments=len(rows), files=files)


def messages_anonymise(messages: QuerySet[Message], *, reason: str) -> int:
    """Blank the bodies and personal event data of messages not yet anonymised; keep the rows
    (kind, seq, sender, time) so the timeline's shape and every count stay."""
    pending = messages.exclude(data__has_key="redacted")
    ids = list(pending.values_list("pk", flat=True))
    if not ids:
        return 0
    # Events keep their structure (what happened) without the personal keys.
    events = list(
        Message.objects.filter(pk__in=ids, kind=MessageKind.EVENT).only("pk", "data", "body")
    )
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        event.data = {k: v for k, v in data.items() if k not in PERSONAL_KEYS}
        event.data["redacted"] = reason
    Message.objects.bulk_update(events, ["data"], batch_size=500)
    Message.objects.filter(pk__in=ids).exclude(kind=MessageKind.EVENT).update(
        body="", search_words="", data={"redacted": reason}
    )
    BotReply.objects.filter(message_id__in=ids).update(question="")
    return len(ids)


def conversations_strip(
    *, conversation_ids: list[int], delete_messages: bool, reason: str, forget_addresses: bool
) -> Removed:
    """Remove the content of these conversations (see the module's docstring)."""
    removed = attachments_delete(
        Attachment.objects.filter(message__conversation_id__in=conversation_ids)
    )
    messages = Message.objects.filter(conversation_id__in=conversation_ids)
    if delete_messages:
        removed.messages = messages.count()
        messages.delete()  # with their bot replies' and sentiment scores' rows
    else:
        removed.messages = messages_anonymise(messages, reason=reason)
    Ticket.objects.filter(conversation_id__in=conversation_ids).filter(
        ~Q(subject="") | ~Q(custom_fields={}) | ~Q(sensitive_custom_fields="")
    ).update(subject="", custom_fields={}, sensitive_custom_fields="")
    CsatResponse.objects.filter(conversation_id__in=conversation_ids).exclude(comment="").update(
        comment=""
    )
    emails = OutboundEmail.objects.filter(conversation_id__in=conversation_ids)
    if forget_addresses:
        emails.update(subject="", to_address="")
    else:
        emails.exclude(subject="").update(subject="")
    return removed
