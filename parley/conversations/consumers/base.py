"""What both socket endpoints share: frame parsing, the hello gate, error frames, the relay of
channel-layer events with exactly-once delivery, and group bookkeeping.

Each endpoint subclass supplies what differs (who the peer is, what they may see) by
implementing the `on_*` hooks; every hook calls one service through `in_database`
(consumers/database.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from parley.conversations import frames, selectors
from parley.conversations.delivery import DeliveryTracker
from parley.conversations.models import Conversation, Message
from parley.conversations.payloads import message_created_frame
from parley.errors import ApplicationError, ErrorCode

logger = logging.getLogger(__name__)

# Close codes in the 4000 range are the application's (RFC 6455 §7.4.2).
CLOSE_FORBIDDEN = 4003
CLOSE_UNAUTHENTICATED = 4001

# State frames where a repeat of the last one carries nothing new.
STATE_FRAMES = {"conversation.updated"}
# Ephemeral frames reach a member through both the inbox and the assignee group; an identical
# one within this many seconds is that second copy. (Typing "on" is repeated as a keep-alive
# every few seconds, so a longer window would swallow those.)
EPHEMERAL_FRAMES = {"typing", "read"}
ECHO_WINDOW = 1.0


@dataclass(frozen=True)
class Replay:
    frames: list[dict[str, Any]]
    missing: list[int]  # resumed conversations the peer may not (or no longer) see


def replay_after(
    resume: dict[int, int],
    *,
    find: Callable[[int], Conversation],
    include_private: bool,
) -> Replay:
    """Every timeline entry after each resumed seq, in seq order, read a page at a time.
    A conversation ``find`` refuses is reported, not fatal: the rest still replays."""
    frames_out: list[dict[str, Any]] = []
    missing: list[int] = []
    for conversation_id, seq in sorted(resume.items()):
        try:
            conversation = find(conversation_id)
        except ApplicationError:
            missing.append(conversation_id)
            continue
        after = seq
        while True:
            page = selectors.messages_after(
                conversation=conversation, after_seq=after, include_private=include_private
            )
            # Private entries are replayed only to staff, who see personal data masked; a
            # contact sees their own conversation as written.
            frames_out.extend(
                dict(message_created_frame(m, clear=not include_private)) for m in page
            )
            if len(page) < selectors.MAX_PAGE:
                break
            after = page[-1].seq
    return Replay(frames=frames_out, missing=missing)


def ack_fields(message: Message) -> dict[str, Any]:
    """What a ``message.ack`` says of the stored message (wire contract v1): no more, so the
    send path builds no full payload (attachments, masking) that the ack would drop."""
    return {
        "id": message.pk,
        "seq": message.seq,
        "conversation": message.conversation_id,
        "created_at": message.created_at.isoformat(),
    }


class RealtimeConsumer(AsyncJsonWebsocketConsumer):
    """A socket's lifetime: connect → hello → welcome + replay → frames both ways."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.joined: list[str] = []
        self.greeted = False
        self.tracker = DeliveryTracker()
        # The last state frame sent per conversation: the same update can arrive through both
        # the inbox group and the assignee's group.
        self.last_state: dict[tuple[str, int], dict[str, Any]] = {}
        self.last_ephemeral: dict[tuple[str, int], tuple[dict[str, Any], float]] = {}

    # --- incoming ------------------------------------------------------------------------
    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its ``aclose_old_connections()`` before every handler.

        That call hops to Channels' one shared sync thread for every frame and every relayed
        event of every socket of the process: at a few hundred messages a second the hops
        queued behind each other and capped a web process far below its CPU (docs/benchmarks.md,
        "What the profiler found"). These consumers never touch the database on the event
        loop; each call that does runs through ``in_database``, whose thread closes stale
        connections before and after it."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        ref = None
        try:
            content = frames.parse_frame(text_data)
            ref = content.get("client_id") if isinstance(content.get("client_id"), str) else None
            await self.dispatch_frame(content)
        except ApplicationError as error:
            await self.send_error(error, ref)

    async def dispatch_frame(self, content: dict[str, Any]) -> None:
        await self.on_activity()
        frame_type = content["type"]
        if frame_type == "ping":
            await self.send_json({"type": "pong"})
            if self.greeted:
                await self.on_ping()
            return
        if frame_type == "hello":
            if self.greeted:
                raise ApplicationError(ErrorCode.INVALID, "This socket has said hello already.")
            await self.on_hello(frames.parse_hello(content))
            return
        if not self.greeted:
            raise ApplicationError(ErrorCode.HELLO_REQUIRED, "Send a hello frame first.")
        if frame_type == "message.create":
            await self.on_message_create(frames.parse_message_create(content))
        elif frame_type == "typing":
            await self.on_typing(frames.parse_typing(content))
        elif frame_type == "read":
            await self.on_read(frames.parse_read(content))

    async def on_ping(self) -> None:
        """A keep-alive arrived: a subclass may refresh what changes with time alone."""

    async def on_activity(self) -> None:
        """Any frame arrived (pings included); a subclass may note that its peer is there."""

    async def on_hello(self, hello: frames.Hello) -> None:
        raise NotImplementedError

    async def on_message_create(self, frame: frames.MessageCreate) -> None:
        raise NotImplementedError

    async def on_typing(self, frame: frames.Typing) -> None:
        raise NotImplementedError

    async def on_read(self, frame: frames.Read) -> None:
        raise NotImplementedError

    # --- outgoing ------------------------------------------------------------------------
    async def send_error(self, error: ApplicationError, ref: str | None = None) -> None:
        # extra carries machine-readable hints such as retry_after on a throttled frame.
        await self.send_json(
            {
                "type": "error",
                "code": str(error.code),
                "detail": error.detail,
                "ref": ref,
                **error.extra,
            }
        )

    async def send_ack(self, client_id: str, message: dict[str, Any]) -> None:
        """``message`` as ``ack_fields`` gives it."""
        await self.send_json({"type": "message.ack", "client_id": client_id, "message": message})

    async def send_replay(self, replay: Replay) -> None:
        for conversation_id in replay.missing:
            missing = ApplicationError(ErrorCode.NOT_FOUND, "No such conversation to resume.")
            await self.send_error(missing, ref=str(conversation_id))
        for frame in replay.frames:
            await self.deliver(frame)

    async def deliver(self, frame: dict[str, Any]) -> None:
        """Send a frame once: drop a message.created this socket has had already, and a state
        frame identical to the last one of its kind for that conversation."""
        frame_type = frame.get("type")
        if frame_type == "message.created":
            if not self.may_receive(frame):
                return
            if not self.tracker.first_time(frame["conversation"], frame["message"]["seq"]):
                return
        elif frame_type in STATE_FRAMES:
            conversation = frame["conversation"]
            key = (
                frame_type,
                conversation["id"] if isinstance(conversation, dict) else conversation,
            )
            if self.last_state.get(key) == frame:
                return
            self.last_state[key] = frame
        elif frame_type in EPHEMERAL_FRAMES:
            key = (frame_type, frame["conversation"])
            now = time.monotonic()
            previous = self.last_ephemeral.get(key)
            if previous is not None and previous[0] == frame and now - previous[1] < ECHO_WINDOW:
                return
            self.last_ephemeral[key] = (frame, now)
        await self.send_json(frame)

    def may_receive(self, frame: dict[str, Any]) -> bool:
        return True

    async def relay(self, event: dict[str, Any]) -> None:
        """Channel-layer handler for every event a service or a peer socket publishes."""
        if event.get("exclude") == self.channel_name:
            return
        await self.deliver(event["frame"])

    # --- groups --------------------------------------------------------------------------
    async def join(self, groups: list[str]) -> None:
        for group in groups:
            if group not in self.joined:
                await self.channel_layer.group_add(group, self.channel_name)
                self.joined.append(group)

    async def disconnect(self, code: int) -> None:
        for group in self.joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        self.joined = []
