"""The shapes of conversations and messages on the wire (wire contract v1).

REST responses and socket frames use the same builders, so a message looks the same whichever
way a client reads it.

Staff see personal data masked (138****1234) in every message payload unless a builder is
asked for ``clear=True``, which only the contact's own channels (widget, API channel) do; a
member with the "view PII" permission reads the clear text through the audited reveal
endpoint (parley/privacy, docs/security.md "PII masking"). Masking is the default so a new
staff path cannot forget it.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

from parley.conversations.attachments import signed_url
from parley.conversations.models import Attachment, Conversation, Message
from parley.privacy.mask import mask_data, mask_text


class SenderPayload(TypedDict):
    type: str
    id: int | None
    name: str


class MessagePayload(TypedDict):
    id: int
    seq: int
    conversation: int
    client_id: str | None
    sender: SenderPayload
    kind: str
    body: str
    attachments: list[AttachmentPayload]
    private: bool
    data: dict[str, object]
    created_at: str


class AttachmentPayload(TypedDict):
    id: int
    kind: str
    name: str
    size: int
    content_type: str
    url: str
    thumbnail_url: str | None
    width: int | None
    height: int | None


def attachment_payload(attachment: Attachment, *, clear: bool = False) -> AttachmentPayload:
    # The name in a file link is only for the browser's address bar (the signed token names
    # the file), so a masked name there does not break the link.
    name = attachment.name if clear else mask_text(attachment.name)
    return {
        "id": attachment.pk,
        "kind": attachment.kind,
        "name": name,
        "size": attachment.size,
        "content_type": attachment.content_type,
        "url": signed_url(attachment, name=name),
        "thumbnail_url": signed_url(attachment, thumbnail=True, name=name)
        if attachment.thumbnail
        else None,
        "width": attachment.width,
        "height": attachment.height,
    }


class PersonRef(TypedDict):
    id: int
    name: str


class ConversationPayload(TypedDict):
    id: int
    status: str
    last_seq: int
    inbox: NotRequired[PersonRef]
    contact: NotRequired[PersonRef]
    assignee: NotRequired[PersonRef | None]
    team: NotRequired[PersonRef | None]
    topic: NotRequired[str]
    last_activity_at: NotRequired[str]
    created_at: NotRequired[str]


class MessageCreatedFrame(TypedDict):
    type: Literal["message.created"]
    conversation: int
    message: MessagePayload


class ConversationUpdatedFrame(TypedDict):
    type: Literal["conversation.updated"]
    conversation: ConversationPayload


def sender_payload(message: Message) -> SenderPayload:
    if message.sender_member_id is not None and message.sender_member is not None:
        return {
            "type": message.sender_type,
            "id": message.sender_member_id,
            "name": message.sender_member.name,
        }
    if message.sender_contact_id is not None and message.sender_contact is not None:
        return {
            "type": message.sender_type,
            "id": message.sender_contact_id,
            "name": message.sender_contact.display_name,
        }
    return {"type": message.sender_type, "id": None, "name": ""}


def message_payload(
    message: Message, attachments: list[Attachment] | None = None, *, clear: bool = False
) -> MessagePayload:
    """``attachments`` when the caller has them at hand; else read (prefetch them in lists).
    Personal data is masked unless ``clear`` (the contact's own channels)."""
    if attachments is None:
        attachments = list(message.attachments.all())
    return {
        "id": message.pk,
        "seq": message.seq,
        "conversation": message.conversation_id,
        "client_id": str(message.client_id) if message.client_id else None,
        "sender": sender_payload(message),
        "kind": message.kind,
        "body": message.body if clear else mask_text(message.body),
        "attachments": [attachment_payload(a, clear=clear) for a in attachments],
        "private": message.private,
        "data": message.data if clear else mask_data(message.data),
        "created_at": message.created_at.isoformat(),
    }


def conversation_payload_for_contact(conversation: Conversation) -> ConversationPayload:
    """What a contact may know of their own conversation: no internal assignment detail."""
    return {"id": conversation.pk, "status": conversation.status, "last_seq": conversation.last_seq}


def conversation_payload(conversation: Conversation) -> ConversationPayload:
    assignee = conversation.assignee
    team = conversation.team
    return {
        "id": conversation.pk,
        "status": conversation.status,
        "last_seq": conversation.last_seq,
        "inbox": {"id": conversation.inbox_id, "name": conversation.inbox.name},
        "contact": {"id": conversation.contact_id, "name": conversation.contact.display_name},
        "assignee": {"id": assignee.pk, "name": assignee.name} if assignee else None,
        "team": {"id": team.pk, "name": team.name} if team else None,
        # A ticket's topic is its subject's start: staff see it masked, like the subject.
        "topic": mask_text(conversation.topic),
        "last_activity_at": conversation.last_activity_at.isoformat(),
        "created_at": conversation.created_at.isoformat(),
    }


def message_created_frame(
    message: Message, attachments: list[Attachment] | None = None, *, clear: bool = False
) -> MessageCreatedFrame:
    return {
        "type": "message.created",
        "conversation": message.conversation_id,
        "message": message_payload(message, attachments, clear=clear),
    }


def conversation_updated_frame(payload: ConversationPayload) -> ConversationUpdatedFrame:
    return {"type": "conversation.updated", "conversation": payload}
