"""Helpers for socket tests: connect through the real ASGI application (routing, origin checks,
session auth) with Channels' communicator, and watch channel-layer groups."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from parley.accounts.models import User
from parley.asgi import application
from parley.inboxes.models import Inbox
from parley.inboxes.widget_tokens import issue_token
from tests.factories import ORIGIN

SITE_ORIGIN = "http://testserver"
QUIET = 0.2  # how long "nothing more arrives" is waited for


def _session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


async def agent_socket(
    user: User, *, origin: str = SITE_ORIGIN, resume: dict[int, int] | None = None
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    cookie = await sync_to_async(_session_cookie)(user)
    socket = WebsocketCommunicator(
        application,
        "/ws/agent/",
        headers=[(b"origin", origin.encode()), (b"cookie", cookie.encode())],
    )
    connected, _ = await socket.connect()
    assert connected, "the agent socket was refused"
    await socket.send_json_to({"type": "hello", "resume": resume or {}})
    welcome = await socket.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome", welcome
    return socket, welcome


def widget_token(contact_id: int, inbox: Inbox) -> str:
    return issue_token(contact_id=contact_id, inbox_id=inbox.pk)


async def widget_socket(
    token: str, *, origin: str = ORIGIN, resume: dict[int, int] | None = None
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    socket = WebsocketCommunicator(
        application, "/ws/widget/", headers=[(b"origin", origin.encode())]
    )
    connected, _ = await socket.connect()
    assert connected
    await socket.send_json_to({"type": "hello", "token": token, "resume": resume or {}})
    welcome = await socket.receive_json_from(timeout=5)
    return socket, welcome


async def receive_until(
    socket: WebsocketCommunicator, frame_type: str, timeout: float = 5
) -> dict[str, Any]:
    """The next frame of a type, skipping others (e.g. conversation.updated between messages)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        remaining = deadline - asyncio.get_running_loop().time()
        frame = await socket.receive_json_from(timeout=max(remaining, 0.01))
        if frame["type"] == frame_type:
            return frame


async def drain(socket: WebsocketCommunicator, quiet: float = QUIET) -> list[dict[str, Any]]:
    """Every frame that arrives until the socket has been quiet for ``quiet`` seconds.

    (`receive_nothing` rather than a timed-out receive: a receive that times out cancels the
    application under test.)"""
    frames = []
    while not await socket.receive_nothing(timeout=quiet):
        frames.append(await socket.receive_json_from())
    return frames


def new_client_id() -> str:
    return str(uuid.uuid4())
