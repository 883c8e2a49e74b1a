"""Read pointers: how far a member or the contact has read. Relayed, never stored as messages."""

from __future__ import annotations

from parley.accounts.models import Member
from parley.conversations import realtime
from parley.conversations.models import (
    Conversation,
    ConversationRead,
    SenderType,
)


def _current_last_seq(conversation: Conversation) -> int:
    return Conversation.objects.values_list("last_seq", flat=True).get(pk=conversation.pk)


def advance_member_read(*, conversation: Conversation, member: Member, seq: int) -> int:
    """Move the pointer forward, never back, without telling anyone; returns where it stands.
    Also used when a member writes: what they wrote is not unread to them."""
    seq = max(0, seq)
    read, created = ConversationRead.objects.get_or_create(
        member=member, conversation=conversation, defaults={"seq": seq}
    )
    if not created and seq > read.seq:
        ConversationRead.objects.filter(pk=read.pk, seq__lt=seq).update(seq=seq)
    return max(read.seq, seq)


def conversation_mark_read_by_member(
    *, conversation: Conversation, member: Member, seq: int
) -> int:
    """Move the member's read pointer forward (never back); returns where it stands."""
    seq = advance_member_read(
        conversation=conversation, member=member, seq=min(seq, _current_last_seq(conversation))
    )
    realtime.publish_on_commit(
        [realtime.contact_group(conversation.contact_id)],
        {
            "type": "read",
            "conversation": conversation.pk,
            "seq": seq,
            "by": {"type": SenderType.AGENT, "id": member.pk, "name": member.name},
        },
    )
    return seq


def conversation_mark_read_by_contact(*, conversation: Conversation, seq: int) -> int:
    seq = max(0, min(seq, _current_last_seq(conversation)))
    Conversation.objects.filter(pk=conversation.pk, contact_read_seq__lt=seq).update(
        contact_read_seq=seq
    )
    realtime.publish_on_commit(
        realtime.staff_groups(conversation),
        {
            "type": "read",
            "conversation": conversation.pk,
            "seq": seq,
            "by": {
                "type": SenderType.CONTACT,
                "id": conversation.contact_id,
                "name": conversation.contact.display_name,
            },
        },
    )
    return seq
