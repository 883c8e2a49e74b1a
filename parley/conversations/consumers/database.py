"""Database work of the socket consumers, run off the event loop.

Channels' default runs every socket's database work of a process in one shared thread, one call
after another. Under load that thread was the bottleneck of the real-time path: it spent its
time waiting on query round trips (and, with ``conn_max_age=0``, on opening a connection per
call) while the CPU idled, so a process stored messages one at a time (docs/benchmarks.md).
PostgreSQL serves many connections at once, so there the calls of different sockets run side
by side in the thread pool, each thread with its own connection. One socket still runs its own
calls one after another (Channels handles a socket's frames in order). SQLite keeps the single
thread: it has one writer anyway.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar, cast

from channels.db import database_sync_to_async
from django.db import connections

P = ParamSpec("P")
R = TypeVar("R")


def side_by_side() -> bool:
    return connections["default"].vendor == "postgresql"


def in_database(func: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """``func`` as a coroutine function, run in a thread with a database connection."""
    return cast(
        Callable[P, Awaitable[R]],
        database_sync_to_async(func, thread_sensitive=not side_by_side()),
    )
