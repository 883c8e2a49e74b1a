"""The one way events leave a service: to channel-layer groups, after the transaction commits.

Groups are narrow so a socket receives only what it may see (STYLE habit 4):
``inbox.<id>`` (members who see the inbox), ``member.<id>`` (an assignee), ``contact.<id>`` (a
contact's widget sessions). Private notes never go to a contact group.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from parley.conversations.models import Conversation
from parley.conversations.payloads import (
    conversation_payload,
    conversation_payload_for_contact,
    conversation_updated_frame,
)

logger = logging.getLogger(__name__)

# The handler name on the consumers that receives a relayed frame.
RELAY = "relay"


def inbox_group(inbox_id: int) -> str:
    return f"inbox.{inbox_id}"


def member_group(member_id: int) -> str:
    return f"member.{member_id}"


def contact_group(contact_id: int) -> str:
    return f"contact.{contact_id}"


def staff_groups(conversation: Conversation) -> list[str]:
    groups = [inbox_group(conversation.inbox_id)]
    if conversation.assignee_id is not None:
        groups.append(member_group(conversation.assignee_id))
    return groups


# A frame waiting to be sent: the groups and the frame.
Outgoing = tuple[list[str], dict[str, Any]]

_local = threading.local()


async def asend_to_groups(
    groups: list[str], frame: Mapping[str, Any], *, exclude_channel: str | None = None
) -> None:
    """Deliver now, from async code (consumers relaying typing and read frames)."""
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": RELAY, "frame": dict(frame), "exclude": exclude_channel}
    # The groups of one frame are independent: send to them at once. Frames stay in order.
    await asyncio.gather(*(_send_one(layer, group, message) for group in groups))


async def _send_one(layer: Any, group: str, message: dict[str, Any]) -> None:
    try:
        await layer.group_send(group, message)
    except Exception:
        # Stored events are not lost by this: a client that missed one gets it on resume.
        logger.exception("fan-out to %s failed", group)


async def asend_all(outbox: list[Outgoing]) -> None:
    """Send frames an ``outbox`` collected, in the order they were published."""
    for groups, frame in outbox:
        await asend_to_groups(groups, frame)


@contextmanager
def collected_sends() -> Iterator[list[Outgoing]]:
    """Within the block, frames published in this thread are collected in the list it yields
    instead of being sent: the caller sends them from its event loop when the block is done
    (``asend_all``). The socket consumers use it so that the thread which stored a message
    does not also wait for Redis, through the event loop, before it can take the next call."""
    outbox: list[Outgoing] = []
    outer = getattr(_local, "outbox", None)
    _local.outbox = outbox
    try:
        yield outbox
    finally:
        _local.outbox = outer


def send_to_groups(groups: list[str], frame: Mapping[str, Any]) -> None:
    outbox: list[Outgoing] | None = getattr(_local, "outbox", None)
    if outbox is not None:
        outbox.append((list(groups), dict(frame)))
        return
    async_to_sync(asend_to_groups)(groups, frame)


def publish_on_commit(groups: list[str], frame: Mapping[str, Any]) -> None:
    frozen = dict(frame)
    transaction.on_commit(lambda: send_to_groups(groups, frozen))


def publish_conversation_updated(
    conversation: Conversation, *, extra_members: list[int] | None = None
) -> None:
    """The conversation's state as it stands at commit: built then, not now, so a message
    appended after the state change in the same transaction is counted in `last_seq`."""
    groups = staff_groups(conversation)
    groups += [member_group(m) for m in extra_members or [] if member_group(m) not in groups]

    def send() -> None:
        send_to_groups(groups, conversation_updated_frame(conversation_payload(conversation)))
        send_to_groups(
            [contact_group(conversation.contact_id)],
            conversation_updated_frame(conversation_payload_for_contact(conversation)),
        )

    transaction.on_commit(send)
