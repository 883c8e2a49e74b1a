"""The agent socket and a workspace that requires two-factor: a member without it receives
nothing of that workspace over the socket either."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from parley.accounts.models import TwoFactorDevice
from parley.asgi import application
from tests.conftest import World, build_world
from tests.realtime import SITE_ORIGIN, _session_cookie, agent_socket

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
async def world_() -> World:
    return await sync_to_async(build_world)()


async def test_a_member_without_two_factor_is_closed_out_of_a_workspace_that_requires_it(world_):
    world_.workspace.require_two_factor = True
    await sync_to_async(world_.workspace.save)()
    cookie = await sync_to_async(_session_cookie)(world_.agent.user)
    socket = WebsocketCommunicator(
        application,
        "/ws/agent/",
        headers=[(b"origin", SITE_ORIGIN.encode()), (b"cookie", cookie.encode())],
    )

    connected, _ = await socket.connect()

    assert connected  # accepted, then closed with the "not signed in" code
    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4001}


async def test_with_two_factor_on_the_socket_serves_the_workspace(world_):
    world_.workspace.require_two_factor = True
    await sync_to_async(world_.workspace.save)()
    await sync_to_async(TwoFactorDevice.objects.create)(
        user=world_.agent.user, secret="JBSWY3DPEHPK3PXP", confirmed_at=timezone.now()
    )

    socket, welcome = await agent_socket(world_.agent.user)

    assert welcome["type"] == "welcome"
    await socket.disconnect()
