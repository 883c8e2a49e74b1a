"""Database work of the socket consumers, run off the event loop.

Channels' default runs every socket's database work of a process in one shared thread, one call
after another. Under load that thread was the bottleneck of the real-time path: it spent its
time waiting on query round trips while the CPU idled, so a process stored messages one at a
time (docs/benchmarks.md). PostgreSQL serves many connections at once, so there the calls of
different sockets run side by side in a pool of ``PARLEY_SOCKET_DB_THREADS`` threads, each with
its own connection (from Django's connection pool in production). One socket still runs its own
calls one after another (Channels handles a socket's frames in order). SQLite keeps the single
thread: it has one writer anyway.

Each call ends by handing its connection back (Channels' ``close_old_connections``: to the pool
when there is one), so a pool needs no more connections than there are threads here plus the
HTTP requests served at once (docs/operations.md, "Sizing and tuning").

Frames the call published after its commit are not sent from the thread (which would wait for
the event loop and Redis before taking the next call) but collected and sent from the event
loop when the call returns, in the order they were published (realtime.collected_sends).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import connections

from parley.conversations import realtime

P = ParamSpec("P")
R = TypeVar("R")

_executor: ThreadPoolExecutor | None = None


def side_by_side() -> bool:
    return connections["default"].vendor == "postgresql"


def executor() -> ThreadPoolExecutor:
    """The threads that run socket database calls side by side (created on first use)."""
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=settings.PARLEY_SOCKET_DB_THREADS, thread_name_prefix="socket-db"
        )
    return _executor


@dataclass
class _Outcome(Generic[R]):
    value: R | None = None
    error: BaseException | None = None
    outbox: list[realtime.Outgoing] = field(default_factory=list)


def in_database(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` as a coroutine function, run in a thread with a database connection; what it
    publishes after commit is sent from the event loop once it returns (or raises)."""

    def collecting(*args: P.args, **kwargs: P.kwargs) -> _Outcome[R]:
        with realtime.collected_sends() as outbox:
            try:
                return _Outcome(value=func(*args, **kwargs), outbox=outbox)
            except Exception as error:  # sent below, after what was published before it
                return _Outcome(error=error, outbox=outbox)

    @functools.wraps(func)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        if side_by_side():
            run: Any = database_sync_to_async(
                collecting, thread_sensitive=False, executor=executor()
            )
        else:
            run = database_sync_to_async(collecting)
        outcome: _Outcome[R] = await run(*args, **kwargs)
        await realtime.asend_all(outcome.outbox)
        if outcome.error is not None:
            raise outcome.error
        return outcome.value  # type: ignore[return-value]

    return call
