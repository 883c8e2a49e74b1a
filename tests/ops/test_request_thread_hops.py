"""Thread hops of one HTTP request under ASGI: a budget, like the send path's query budgets.

Every crossing between the event loop and a thread (``sync_to_async`` / ``async_to_sync``)
costs a hand-off and a wake-up; under load they were a visible share of a web process's time
(docs/benchmarks.md, "What the profiler found"). Django runs a run of synchronous middleware
in one thread, so the middleware list keeps the only synchronous-only one innermost: the chain
is entered once and left once. The rest of the budget is Django's own: the request_started
signal, CSRF's process_view, the view, rendering and closing the response. A change that adds
a crossing to every request must change the budget here, on purpose.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref import sync
from django.test import AsyncClient

from tests.conftest import World

pytestmark = pytest.mark.django_db(transaction=True)


async def test_a_console_api_request_crosses_between_loop_and_threads_seven_times(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = AsyncClient()
    await client.aforce_login(world.agent.user)
    crossings: list[str] = []
    to_thread, to_loop = sync.SyncToAsync.__call__, sync.AsyncToSync.__call__

    async def counted_to_thread(self: Any, *args: Any, **kwargs: Any) -> Any:
        crossings.append(f"to thread: {getattr(self.func, '__qualname__', self.func)}")
        return await to_thread(self, *args, **kwargs)

    def counted_to_loop(self: Any, *args: Any, **kwargs: Any) -> Any:
        crossings.append(f"to loop: {getattr(self.awaitable, '__qualname__', self.awaitable)}")
        return to_loop(self, *args, **kwargs)

    monkeypatch.setattr(sync.SyncToAsync, "__call__", counted_to_thread)
    monkeypatch.setattr(sync.AsyncToSync, "__call__", counted_to_loop)

    response = await client.get(f"/api/v1/workspaces/{world.workspace.slug}/conversations/")

    assert response.status_code == 200
    # Was 10 while a synchronous middleware sat between asynchronous ones (each of Django's
    # middlewares then ran its hooks through sync_to_async).
    assert len(crossings) == 7, crossings
    assert sum(c.startswith("to loop") for c in crossings) == 1, crossings
