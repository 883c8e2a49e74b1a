"""Scale-out with real servers: two Parley web processes share rooms through Redis.

A contact's widget socket is on process A and an agent's console socket on process B. Neither
process holds the other's sockets, so every frame that crosses (a message, its reply, typing)
can only have travelled through the Redis channel layer. The data both processes read is the
test's own PostgreSQL database, committed (``transaction=True``) so the subprocesses see it.

Runs in CI's production pass (REDIS_URL and a PostgreSQL DATABASE_URL set); skipped otherwise.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from parley.accounts.models import Role
from parley.conversations.models import Message, MessageKind
from tests.factories import ORIGIN, PASSWORD, InboxFactory, MemberFactory, WorkspaceFactory
from tests.scale.servers import (
    WebProcess,
    has_real_postgres,
    start_web_process,
    stop,
    wait_ready,
    web_env,
)

# Upper bounds on waiting, never expectations of speed: a healthy run is far below them.
FRAME_TIMEOUT = 10.0
HTTP_TIMEOUT = 10.0

pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL") or not has_real_postgres(),
        reason="needs real servers: REDIS_URL and a PostgreSQL DATABASE_URL",
    ),
]

Frame = dict[str, Any]


@pytest.fixture
def two_web_processes(transactional_db: None, tmp_path: Path) -> Iterator[tuple[WebProcess, ...]]:
    prefix = f"{os.environ.get('PARLEY_CHANNEL_PREFIX', 'parley')}-scale-{uuid.uuid4().hex[:8]}"
    env = web_env(tmp_path / "data", channel_prefix=prefix)
    started: list[WebProcess] = []
    try:
        for name in ("A", "B"):
            started.append(start_web_process(name, env, tmp_path))
        for web in started:
            wait_ready(web)
        yield tuple(started)
    finally:
        # Before the test database is flushed and dropped, which their connections would block.
        for web in started:
            stop(web)


@pytest.fixture
def fast_password_hashing() -> None:
    """Overrides the suite's cheap test hasher: the web processes check passwords with the
    project's real hashers, so the agent's password is stored with those here too."""


# --- the clients -------------------------------------------------------------------------------


def open_widget_session(web: WebProcess, public_key: str) -> str:
    response = httpx.post(
        f"{web.http}/api/widget/v1/sessions",
        json={"inbox": public_key},
        headers={"Origin": ORIGIN},
        timeout=HTTP_TIMEOUT,
        trust_env=False,
    )
    assert response.status_code == 201, response.text
    token = response.json()["token"]
    assert isinstance(token, str)
    return token


def log_in(web: WebProcess, email: str, password: str) -> str:
    """The console's login; returns the session cookie's value.

    Cookies are carried by hand: production marks them Secure, and a cookie jar would rightly
    keep a Secure cookie off this plain-HTTP loopback connection."""
    csrf = httpx.get(f"{web.http}/api/v1/auth/csrf", timeout=HTTP_TIMEOUT, trust_env=False)
    assert csrf.status_code == 200, csrf.text
    csrf_token = csrf.cookies["csrftoken"]
    login = httpx.post(
        f"{web.http}/api/v1/auth/login",
        content=json.dumps({"email": email, "password": password}),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": csrf_token,
            "Cookie": f"csrftoken={csrf_token}",
        },
        timeout=HTTP_TIMEOUT,
        trust_env=False,
    )
    assert login.status_code == 200, login.text
    session = login.cookies["sessionid"]
    assert session
    return session


async def send(ws: ClientConnection, frame: Frame) -> None:
    try:
        await ws.send(json.dumps(frame))
    except ConnectionClosed as closed:
        pytest.fail(f"the server closed the socket before {frame['type']} ({closed})")


async def receive_until(ws: ClientConnection, wanted: Callable[[Frame], bool], what: str) -> Frame:
    """The first frame that ``wanted`` accepts, skipping others (events, updates) on the way."""
    seen: list[Frame] = []

    async def scan() -> Frame:
        while True:
            frame = json.loads(await ws.recv())
            assert isinstance(frame, dict)
            if frame.get("type") == "error":
                pytest.fail(f"error frame while waiting for {what}: {frame}")
            if wanted(frame):
                return frame
            seen.append(frame)

    try:
        return await asyncio.wait_for(scan(), timeout=FRAME_TIMEOUT)
    except TimeoutError:
        pytest.fail(f"no {what} within {FRAME_TIMEOUT}s; frames seen instead: {seen}")
    except ConnectionClosed as closed:
        pytest.fail(f"the server closed the socket while waiting for {what} ({closed}); {seen}")


def message_created(body: str) -> Callable[[Frame], bool]:
    def match(frame: Frame) -> bool:
        return frame.get("type") == "message.created" and frame["message"]["body"] == body

    return match


def typing_from(sender_type: str, conversation: int, on: bool) -> Callable[[Frame], bool]:
    def match(frame: Frame) -> bool:
        return (
            frame.get("type") == "typing"
            and frame.get("conversation") == conversation
            and frame.get("on") is on
            and frame.get("by", {}).get("type") == sender_type
        )

    return match


@dataclass(frozen=True)
class Scene:
    """Two web processes, a visitor's widget token from A and an agent's session from B."""

    a: WebProcess
    b: WebProcess
    widget_token: str
    session_cookie: str


@pytest.fixture
def scene(two_web_processes: tuple[WebProcess, ...]) -> Scene:
    workspace = WorkspaceFactory()
    agent = MemberFactory(workspace=workspace, role=Role.AGENT)
    inbox = InboxFactory(workspace=workspace, allowed_origins=[ORIGIN])
    inbox.agents.add(agent)
    a, b = two_web_processes
    assert a.process.pid != b.process.pid
    return Scene(
        a=a,
        b=b,
        widget_token=open_widget_session(a, inbox.public_key),
        session_cookie=log_in(b, agent.user.email, PASSWORD),
    )


@dataclass(frozen=True)
class Peers:
    contact: ClientConnection  # on process A
    agent: ClientConnection  # on process B


@asynccontextmanager
async def greeted_peers(scene: Scene) -> AsyncIterator[Peers]:
    """The contact's socket on A and the agent's on B, both past hello/welcome."""
    async with (
        connect(
            f"{scene.a.ws}/ws/widget/",
            origin=Origin(ORIGIN),
            proxy=None,
            open_timeout=FRAME_TIMEOUT,
        ) as contact_ws,
        connect(
            f"{scene.b.ws}/ws/agent/",
            origin=Origin(scene.b.http),
            additional_headers={"Cookie": f"sessionid={scene.session_cookie}"},
            proxy=None,
            open_timeout=FRAME_TIMEOUT,
        ) as agent_ws,
    ):
        await send(contact_ws, {"type": "hello", "token": scene.widget_token, "resume": {}})
        await receive_until(contact_ws, lambda f: f["type"] == "welcome", "contact welcome")
        await send(agent_ws, {"type": "hello", "resume": {}})
        await receive_until(agent_ws, lambda f: f["type"] == "welcome", "agent welcome")
        yield Peers(contact=contact_ws, agent=agent_ws)


async def contact_writes(peers: Peers, body: str) -> tuple[Frame, Frame]:
    """The contact writes on A (a new conversation); returns its ack and what B's agent got."""
    client_id = str(uuid.uuid4())
    await send(
        peers.contact,
        {"type": "message.create", "client_id": client_id, "conversation": None, "body": body},
    )
    ack = await receive_until(
        peers.contact,
        lambda f: f["type"] == "message.ack" and f["client_id"] == client_id,
        "message.ack for the contact",
    )
    seen_by_agent = await receive_until(
        peers.agent, message_created(body), "the contact's message on process B"
    )
    assert seen_by_agent["conversation"] == ack["message"]["conversation"]
    assert seen_by_agent["message"]["id"] == ack["message"]["id"]
    assert seen_by_agent["message"]["seq"] == ack["message"]["seq"]
    assert seen_by_agent["message"]["client_id"] == client_id
    assert seen_by_agent["message"]["sender"]["type"] == "contact"
    return ack, seen_by_agent


QUESTION = "Where is my parcel? 我的包裹在哪里？"
ANSWER = "It left our warehouse this morning. 今天上午已发货。"


@dataclass(frozen=True)
class Exchange:
    conversation: int
    contact_message_id: int
    agent_message_id: int


async def talk_across(scene: Scene) -> Exchange:
    async with greeted_peers(scene) as peers:
        ack, seen_by_agent = await contact_writes(peers, QUESTION)
        conversation = ack["message"]["conversation"]
        assert isinstance(conversation, int)

        # Typing crosses both ways.
        await send(peers.contact, {"type": "typing", "conversation": conversation, "on": True})
        await receive_until(
            peers.agent, typing_from("contact", conversation, True), "the contact typing, on B"
        )
        await send(peers.agent, {"type": "typing", "conversation": conversation, "on": True})
        await receive_until(
            peers.contact, typing_from("agent", conversation, True), "the agent typing, on A"
        )

        # The agent answers from B; the contact on A receives it live.
        reply_id = str(uuid.uuid4())
        await send(
            peers.agent,
            {
                "type": "message.create",
                "client_id": reply_id,
                "conversation": conversation,
                "body": ANSWER,
                "private": False,
            },
        )
        reply_ack = await receive_until(
            peers.agent,
            lambda f: f["type"] == "message.ack" and f["client_id"] == reply_id,
            "message.ack for the agent",
        )
        seen_by_contact = await receive_until(
            peers.contact, message_created(ANSWER), "the agent's reply on process A"
        )
        assert seen_by_contact["conversation"] == conversation
        assert seen_by_contact["message"]["id"] == reply_ack["message"]["id"]
        assert seen_by_contact["message"]["sender"]["type"] == "agent"
        assert seen_by_contact["message"]["seq"] > seen_by_agent["message"]["seq"]
        return Exchange(
            conversation=conversation,
            contact_message_id=ack["message"]["id"],
            agent_message_id=reply_ack["message"]["id"],
        )


@pytest.mark.django_db(transaction=True)
def test_contact_on_one_process_and_agent_on_another_talk_in_real_time(scene: Scene) -> None:
    exchange = asyncio.run(talk_across(scene))

    # Both messages were stored once, in the one shared database; typing was not stored.
    stored = list(
        Message.objects.filter(conversation_id=exchange.conversation, kind=MessageKind.TEXT)
        .order_by("seq")
        .values_list("pk", "sender_type", "body")
    )
    assert stored == [
        (exchange.contact_message_id, "contact", QUESTION),
        (exchange.agent_message_id, "agent", ANSWER),
    ]


# Longer than channels-redis' blocking pop (5 s) and redis-py 8's default socket timeout (5 s):
# an agent's console sits idle for minutes, and its socket must still be there afterwards.
IDLE_SECONDS = 8.0


async def talk_after_idle(scene: Scene) -> None:
    async with greeted_peers(scene) as peers:
        await asyncio.sleep(IDLE_SECONDS)
        await contact_writes(peers, "Anyone there? 有人吗？")


@pytest.mark.django_db(transaction=True)
def test_idle_sockets_still_share_rooms_afterwards(scene: Scene) -> None:
    asyncio.run(talk_after_idle(scene))
