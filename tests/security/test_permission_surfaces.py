"""The permission matrix beyond REST (parley/accounts/permissions_surfaces.py): every agent
socket frame × role over the real socket, every console page × role against the console's
router guards and navigation, each checked against the REST rule it stands on. The browser side
(a page opened directly as each role) is tests/e2e/test_console_guards.py."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from parley.accounts.permissions_matrix import EVERYONE, MANAGERS, MATRIX, ROLES, SUPERVISING
from parley.accounts.permissions_surfaces import FRAMES, PAGES, frames_table, pages_table
from parley.conversations.models import Conversation, Message
from tests.conftest import World, build_world
from tests.factories import ConversationFactory, InboxFactory
from tests.realtime import agent_socket, receive_until
from tests.security.state import changed, stored_state

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "frontend" / "console" / "src"
RULES = {(rule.method, rule.route): rule for rule in MATRIX}


# --- the tables agree with each other and with the docs --------------------------------------


def test_every_frame_mirrors_a_rest_rule_with_the_same_roles() -> None:
    for frame in FRAMES:
        if frame.mirrors is not None:
            assert frame.mirrors in RULES, frame
            assert RULES[frame.mirrors].allowed == frame.roles, frame


def test_every_page_stands_on_a_rest_rule_that_refuses_the_same_roles() -> None:
    for page in PAGES:
        if page.loads is not None:
            assert page.loads in RULES, page
            assert RULES[page.loads].allowed == page.roles, page


def test_the_documented_tables_are_the_generated_ones() -> None:
    docs = (ROOT / "docs" / "permissions.md").read_text()
    assert frames_table() in docs
    assert pages_table() in docs


# --- console pages: router guards and navigation ----------------------------------------------


def _objects_by_name(source: str) -> dict[str, str]:
    """Each route or nav item's text from its ``name: "…"`` to the end of its object."""
    found = {}
    for match in re.finditer(r'name: "([\w-]+)"', source):
        end = source.find("}", match.end())
        found[match.group(1)] = source[match.end() : end]
    return found


def _roles_of(text: str, admin: str, supervising: str) -> frozenset[str]:
    if admin in text:
        return MANAGERS
    if supervising in text:
        return SUPERVISING
    return EVERYONE


def workspace_routes() -> dict[str, frozenset[str]]:
    source = (CONSOLE / "router.ts").read_text()
    start = source.index('path: "/:ws"')
    shell = source[start : source.index("\n});", start)]
    return {
        name: _roles_of(text, "admin: true", "supervising: true")
        for name, text in _objects_by_name(shell).items()
    }


def nav_items() -> dict[str, frozenset[str]]:
    source = (CONSOLE / "components" / "NavRail.vue").read_text()
    return {
        name: _roles_of(text, "show: admin", "show: supervising")
        for name, text in _objects_by_name(source).items()
    }


def test_every_console_page_has_a_row_and_every_row_a_page() -> None:
    assert set(workspace_routes()) == {page.name for page in PAGES}


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_the_router_guard_refuses_exactly_the_roles_the_matrix_refuses(page) -> None:
    assert workspace_routes()[page.name] == page.roles


@pytest.mark.parametrize("role", ROLES)
def test_the_navigation_shows_no_page_the_role_may_not_open(role: str) -> None:
    pages = {page.name: page for page in PAGES}
    shown = {name for name, roles in nav_items().items() if role in roles}
    assert {name for name in shown if role not in pages[name].roles} == set()


# --- agent socket frames ---------------------------------------------------------------------


async def _frame(socket: WebsocketCommunicator, variant: str, conversation: int) -> dict[str, Any]:
    """Send one frame; the answer the sender gets (a ping's pong stands for "no error")."""
    frame_type, _, flavour = variant.partition(" ")
    if frame_type == "hello":
        return {"type": "welcome"}  # the socket said hello when it opened
    if frame_type == "message.create":
        await socket.send_json_to(
            {
                "type": "message.create",
                "client_id": str(uuid.uuid4()),
                "conversation": conversation,
                "body": f"{variant} by frame",
                "private": flavour == "private",
            }
        )
        return await _answer(socket, ("message.ack", "error"))
    if frame_type == "typing":
        await socket.send_json_to({"type": "typing", "conversation": conversation, "on": True})
    elif frame_type == "read":
        await socket.send_json_to({"type": "read", "conversation": conversation, "seq": 1})
    await socket.send_json_to({"type": "ping"})
    # Frames are handled in order: an error for the frame arrives before the ping's pong.
    error = None
    while (frame := await _answer(socket, ("pong", "error")))["type"] != "pong":
        error = frame
    return error or frame


async def _answer(socket: WebsocketCommunicator, types: tuple[str, ...]) -> dict[str, Any]:
    while True:
        frame = await socket.receive_json_from(timeout=10)
        if frame["type"] in types:
            return frame


def _frame_world() -> tuple[World, Conversation, Conversation]:
    world = build_world()
    seen = ConversationFactory(inbox=world.inbox, contact=world.contact)
    # An inbox the agent is not an agent of: supervising roles see it, the agent does not.
    elsewhere = ConversationFactory(
        inbox=InboxFactory(workspace=world.workspace), contact=world.contact
    )
    return world, seen, elsewhere


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
async def test_every_agent_socket_frame_as_every_role(role: str) -> None:
    world, seen, elsewhere = await sync_to_async(_frame_world)()
    member = world.member(role)
    socket, welcome = await agent_socket(member.user)
    assert [m["role"] for m in welcome["members"]] == [role]
    for rule in FRAMES:
        allowed = role in rule.roles
        answer = await _frame(socket, rule.frame, seen.pk)
        assert (answer["type"] != "error") == allowed, (rule.frame, role, answer)
        # The conversation's scope, as over REST: what a member may not see is not found.
        before = await sync_to_async(stored_state)()
        answer = await _frame(socket, rule.frame, elsewhere.pk)
        if rule.frame in ("hello", "ping"):
            continue
        if role in SUPERVISING:
            assert answer["type"] != "error", (rule.frame, role, answer)
        else:
            assert answer == {**answer, "type": "error", "code": "not_found"}, (rule.frame, answer)
            assert changed(before, await sync_to_async(stored_state)()) == []
    stored = await sync_to_async(Message.objects.filter(conversation=elsewhere).count)()
    # Supervising roles' message and note (and the assignment event the first reply makes).
    assert stored >= 2 if role in SUPERVISING else stored == 0
    await socket.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_oversized_and_malformed_frames_on_the_agent_socket() -> None:
    world, seen, _ = await sync_to_async(_frame_world)()
    socket, _ = await agent_socket(world.agent.user)
    for raw in (
        "not json",
        "{" * 10000,
        '{"type": "message.create", "conversation": "1 OR 1=1", "body": "x"}',
        json.dumps(
            {
                "type": "message.create",
                "client_id": str(uuid.uuid4()),
                "conversation": seen.pk,
                "body": "x" * 200_000,
            }
        ),
        '{"type": "no.such.frame"}',
    ):
        await socket.send_to(text_data=raw)
        assert (await receive_until(socket, "error", timeout=10))["code"]
    assert await sync_to_async(Message.objects.count)() == 0
    await socket.disconnect()
