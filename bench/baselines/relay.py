"""The baselines: a raw `websockets` server speaking the subset of wire contract v1 the load
generator uses (hello/welcome, message.create → message.ack + message.created, ping/pong).

    python -m bench.baselines.relay --port 9001                      # B1: memory only
    python -m bench.baselines.relay --port 9002 --reuse-port \\
        --database-url postgres://… --redis-url redis://… --prefix x  # B2: one of K processes

B1 relays in memory: the transport limit of Python. B2 is the floor of a durable design: each
message is INSERTed (autocommit, idempotent on (conversation, client_id)) before the ack, and
PUBLISHed through Redis; every process SUBSCRIBEs and delivers to its own sockets, so several
processes behind one port (SO_REUSEPORT) share rooms as Parley's do.

Credentials are not checked: a widget's token is "<inbox>:<visitor>", an agent's cookie
"sessionid=agent:<inbox>". Only loopback is bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

POOL_SIZE = 8


class Relay:
    def __init__(self) -> None:
        self.agents: dict[str, set[ServerConnection]] = {}
        self.contacts: dict[int, set[ServerConnection]] = {}
        self.seqs: dict[int, int] = {}
        self.stored: dict[tuple[int, str], dict[str, Any]] = {}
        self.next_id = 0

    async def store(self, conversation: int, client_id: str, body: str) -> tuple[dict, bool]:
        """The stored message and whether it is new (a retry returns the first one)."""
        key = (conversation, client_id)
        if key in self.stored:
            return self.stored[key], False
        self.next_id += 1
        seq = self.seqs.get(conversation, 0) + 1
        self.seqs[conversation] = seq
        message = {
            "id": self.next_id,
            "seq": seq,
            "created_at": datetime.now(UTC).isoformat(),
        }
        self.stored[key] = message
        return message, True

    async def publish(self, inbox: str, conversation: int, frame: str) -> None:
        self.deliver(inbox, conversation, frame)

    def deliver(self, inbox: str, conversation: int, frame: str) -> None:
        broadcast(self.agents.get(inbox, set()) | self.contacts.get(conversation, set()), frame)

    async def start(self) -> None:
        """Connections and subscriptions a durable relay needs before serving."""

    # --- sockets -------------------------------------------------------------------------------
    async def handle(self, ws: ServerConnection) -> None:
        path = ws.request.path if ws.request else ""
        if path.startswith("/ws/agent/"):
            await self.agent(ws)
        elif path.startswith("/ws/widget/"):
            await self.widget(ws)
        else:
            await ws.close(4004)

    async def agent(self, ws: ServerConnection) -> None:
        cookie = ws.request.headers.get("Cookie", "") if ws.request else ""
        inbox = cookie.removeprefix("sessionid=agent:")
        room = self.agents.setdefault(inbox, set())
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame.get("type") == "hello":
                    room.add(ws)
                    await ws.send(json.dumps({"type": "welcome", "user": {}, "members": []}))
                elif frame.get("type") == "ping":
                    await ws.send('{"type": "pong"}')
        except ConnectionClosed:
            pass
        finally:
            room.discard(ws)

    async def widget(self, ws: ServerConnection) -> None:
        conversation = 0
        inbox = ""
        try:
            async for raw in ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "ping":
                    await ws.send('{"type": "pong"}')
                elif kind == "hello":
                    inbox, _, visitor = str(frame.get("token", "")).rpartition(":")
                    conversation = int(visitor) + 1
                    self.contacts.setdefault(conversation, set()).add(ws)
                    await ws.send(
                        json.dumps({"type": "welcome", "contact": {}, "conversations": []})
                    )
                elif kind == "message.create" and conversation:
                    await self.message(ws, inbox, conversation, frame)
        except ConnectionClosed:
            pass
        finally:
            room = self.contacts.get(conversation)
            if room is not None:
                room.discard(ws)

    async def message(
        self, ws: ServerConnection, inbox: str, conversation: int, frame: dict[str, Any]
    ) -> None:
        client_id = str(frame["client_id"])
        body = str(frame["body"])
        stored, new = await self.store(conversation, client_id, body)
        await ws.send(
            json.dumps(
                {
                    "type": "message.ack",
                    "client_id": client_id,
                    "message": {**stored, "conversation": conversation},
                }
            )
        )
        if not new:
            return
        created = {
            "type": "message.created",
            "conversation": conversation,
            "message": {
                **stored,
                "conversation": conversation,
                "client_id": client_id,
                "sender": {"type": "contact", "id": conversation, "name": ""},
                "kind": "text",
                "body": body,
                "attachments": [],
                "private": False,
                "data": {},
            },
        }
        await self.publish(inbox, conversation, json.dumps(created))


class DurableRelay(Relay):
    """B2: INSERT before the ack, PUBLISH/SUBSCRIBE through Redis for the fan-out."""

    def __init__(self, database_url: str, redis_url: str, prefix: str) -> None:
        super().__init__()
        self.database_url = database_url
        self.redis_url = redis_url
        self.channel = f"{prefix}:relay"
        self.pool: asyncio.Queue[Any] = asyncio.Queue()

    async def start(self) -> None:
        import psycopg
        import redis.asyncio as redis

        for _ in range(POOL_SIZE):
            self.pool.put_nowait(
                await psycopg.AsyncConnection.connect(self.database_url, autocommit=True)
            )
        self.redis = redis.from_url(self.redis_url)
        pubsub = self.redis.pubsub()
        await pubsub.subscribe(self.channel)
        self.listener = asyncio.create_task(self.listen(pubsub))

    async def listen(self, pubsub: Any) -> None:
        async for item in pubsub.listen():
            if item.get("type") != "message":
                continue
            envelope = json.loads(item["data"])
            self.deliver(envelope["inbox"], envelope["conversation"], envelope["frame"])

    async def store(self, conversation: int, client_id: str, body: str) -> tuple[dict, bool]:
        connection = await self.pool.get()
        try:
            cursor = await connection.execute(
                "INSERT INTO bench_relay_message (conversation, client_id, body)"
                " VALUES (%s, %s, %s) ON CONFLICT (conversation, client_id) DO NOTHING"
                " RETURNING id, created_at",
                (conversation, client_id, body),
            )
            row = await cursor.fetchone()
            new = row is not None
            if row is None:
                cursor = await connection.execute(
                    "SELECT id, created_at FROM bench_relay_message"
                    " WHERE conversation = %s AND client_id = %s",
                    (conversation, client_id),
                )
                row = await cursor.fetchone()
        finally:
            self.pool.put_nowait(connection)
        assert row is not None
        # The id is the seq: ids grow, so seqs grow within each conversation.
        message = {"id": row[0], "seq": row[0], "created_at": row[1].isoformat()}
        return message, new

    async def publish(self, inbox: str, conversation: int, frame: str) -> None:
        envelope = {"inbox": inbox, "conversation": conversation, "frame": frame}
        await self.redis.publish(self.channel, json.dumps(envelope))


SCHEMA = """
CREATE TABLE IF NOT EXISTS bench_relay_message (
    id bigserial PRIMARY KEY,
    conversation bigint NOT NULL,
    client_id uuid NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (conversation, client_id)
)
"""


async def main(args: argparse.Namespace) -> None:
    relay: Relay
    if args.database_url:
        relay = DurableRelay(args.database_url, args.redis_url, args.prefix)
    else:
        relay = Relay()
    await relay.start()
    stop = asyncio.get_running_loop().create_future()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set_result, None)
    async with serve(
        relay.handle,
        "127.0.0.1",
        args.port,
        reuse_port=args.reuse_port,
        ping_interval=None,
        max_size=262_144,
    ):
        await stop


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--reuse-port", action="store_true")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--prefix", default="bench")
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        asyncio.run(main(args))
    else:
        uvloop.run(main(args))


if __name__ == "__main__":
    cli()
