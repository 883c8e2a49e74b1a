"""One widget visitor and one agent console, as a browser would drive them (wire contract v1):
connect, hello (with resume after a drop), frames both ways, reconnect with backoff.

The visitor notes the wall-clock time it sent each client_id and the agent the time it first got
it, in whichever client process: the parent subtracts them (one machine, one clock).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Origin

BODY_PREFIX = "bench"
# Upper bounds on waiting, never expectations of speed.
OPEN_TIMEOUT = 30.0
HELLO_TIMEOUT = 30.0
RECONNECT_MAX_DELAY = 2.0

Frame = dict[str, Any]


def now_ns() -> int:
    return time.time_ns()


def message_body(client_id: str) -> str:
    return f"{BODY_PREFIX} message {client_id[:8]}: where is my order? 我的订单到哪里了？"


@dataclass
class Outgoing:
    client_id: str
    sent_ns: int
    phase: str  # "warmup" or the step's index


@dataclass
class Socketed:
    """What visitors and agents share: one socket at a time, reconnected until ``stop``."""

    url: str
    origin: str
    headers: dict[str, str]
    reconnect: bool
    ping_seconds: float
    ws: ClientConnection | None = None
    welcomed: asyncio.Event = field(default_factory=asyncio.Event)
    stopping: bool = False
    connects: int = 0
    drops: list[int] = field(default_factory=list)  # ns of each drop
    resumes: list[int] = field(default_factory=list)  # ns of each welcome after a drop
    errors: list[str] = field(default_factory=list)

    def hello(self) -> Frame:
        raise NotImplementedError

    def on_frame(self, frame: Frame) -> None:
        raise NotImplementedError

    async def on_welcome(self) -> None:
        """Called after each welcome, before frames are read on."""

    async def run(self, deadline: float) -> None:
        delay = 0.1
        while not self.stopping and time.monotonic() < deadline:
            try:
                async with connect(
                    self.url,
                    origin=Origin(self.origin),
                    additional_headers=self.headers,
                    proxy=None,
                    open_timeout=OPEN_TIMEOUT,
                    ping_interval=None,  # browsers send no protocol pings; the app pings
                    max_size=2**20,
                ) as ws:
                    self.ws = ws
                    self.connects += 1
                    await ws.send(json.dumps(self.hello()))
                    await self.read(ws)
            except (OSError, TimeoutError, InvalidHandshake, InvalidURI, ConnectionClosed) as exc:
                self.errors.append(type(exc).__name__)
            finally:
                self.ws = None
            if self.welcomed.is_set():
                self.welcomed.clear()
                if not self.stopping:  # the server dropped it, not the end of the run
                    self.drops.append(now_ns())
            if self.stopping or not self.reconnect:
                return
            # Jittered backoff, as the widget does, so a storm does not reconnect in lockstep.
            await asyncio.sleep(random.uniform(0, delay))
            delay = min(delay * 2, RECONNECT_MAX_DELAY)

    async def read(self, ws: ClientConnection) -> None:
        pinger: asyncio.Task[None] | None = None
        try:
            async for raw in ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "welcome":
                    if self.connects > 1:
                        self.resumes.append(now_ns())
                    self.welcomed.set()
                    await self.on_welcome()
                    pinger = asyncio.create_task(self.ping(ws))
                elif kind == "error":
                    self.errors.append(str(frame.get("code")))
                    if frame.get("code") in {"invalid_token", "origin_not_allowed"}:
                        self.stopping = True
                else:
                    self.on_frame(frame)
        finally:
            if pinger is not None:
                pinger.cancel()

    async def ping(self, ws: ClientConnection) -> None:
        # Heartbeats as the widget and console send them; jittered so they do not align.
        await asyncio.sleep(random.uniform(0, self.ping_seconds))
        while True:
            await ws.send('{"type": "ping"}')
            await asyncio.sleep(self.ping_seconds)

    async def close(self) -> None:
        self.stopping = True
        if self.ws is not None:
            await self.ws.close()


@dataclass
class Visitor(Socketed):
    token: str = ""
    index: int = 0  # among all visitors of the run; its inbox is index % inboxes
    conversation: int | None = None
    last_seq: int = 0
    pending: dict[str, Outgoing] = field(default_factory=dict)  # sent, not acked yet
    sent: dict[str, Outgoing] = field(default_factory=dict)
    acked: dict[str, int] = field(default_factory=dict)  # client_id → ack latency in ns
    message_ids: dict[str, int] = field(default_factory=dict)

    def hello(self) -> Frame:
        resume = {str(self.conversation): self.last_seq} if self.conversation else {}
        return {"type": "hello", "token": self.token, "resume": resume}

    async def on_welcome(self) -> None:
        # Rule 1 of the contract: what was not acked is sent again, with the same client_id.
        for outgoing in list(self.pending.values()):
            await self.transmit(outgoing)

    async def send_message(self, phase: str) -> None:
        outgoing = Outgoing(client_id=str(uuid.uuid4()), sent_ns=now_ns(), phase=phase)
        self.sent[outgoing.client_id] = outgoing
        self.pending[outgoing.client_id] = outgoing
        if self.welcomed.is_set():
            await self.transmit(outgoing)

    async def transmit(self, outgoing: Outgoing) -> None:
        ws = self.ws
        if ws is None:
            return
        frame = {
            "type": "message.create",
            "client_id": outgoing.client_id,
            "conversation": self.conversation,
            "body": message_body(outgoing.client_id),
        }
        with contextlib.suppress(ConnectionClosed):  # resent after the reconnect
            await ws.send(json.dumps(frame))

    def on_frame(self, frame: Frame) -> None:
        kind = frame.get("type")
        if kind == "message.ack":
            client_id = frame["client_id"]
            outgoing = self.pending.pop(client_id, None)
            if outgoing is not None:
                self.acked[client_id] = now_ns() - outgoing.sent_ns
                message = frame["message"]
                self.message_ids[client_id] = int(message["id"])
                self.conversation = int(message["conversation"])
                self.last_seq = max(self.last_seq, int(message["seq"]))
        elif kind == "message.created":
            self.last_seq = max(self.last_seq, int(frame["message"]["seq"]))


@dataclass
class Agent(Socketed):
    inbox: int = 0
    # client_id → number of times it arrived; the wall-clock ns of its first arrival.
    received: dict[str, int] = field(default_factory=dict)
    arrived: dict[str, int] = field(default_factory=dict)
    # Every seq seen per conversation, to resume from the last one without a gap.
    seqs: dict[int, set[int]] = field(default_factory=dict)
    contiguous: dict[int, int] = field(default_factory=dict)

    def hello(self) -> Frame:
        return {"type": "hello", "resume": {str(c): s for c, s in self.contiguous.items()}}

    def on_frame(self, frame: Frame) -> None:
        if frame.get("type") != "message.created":
            return
        message = frame["message"]
        self.track_seq(int(frame["conversation"]), int(message["seq"]))
        if message.get("sender", {}).get("type") != "contact":
            return
        # The frame's client_id names the message; the body may be masked for staff (personal
        # data such as long numbers), so nothing is read from it.
        client_id = message.get("client_id")
        if not client_id:
            return
        count = self.received.get(client_id, 0)
        self.received[client_id] = count + 1
        if count == 0:
            self.arrived[client_id] = now_ns()

    def track_seq(self, conversation: int, seq: int) -> None:
        seen = self.seqs.setdefault(conversation, set())
        seen.add(seq)
        top = self.contiguous.get(conversation, 0)
        while top + 1 in seen:
            top += 1
            seen.discard(top)
        self.contiguous[conversation] = top
