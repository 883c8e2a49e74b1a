"""The widget's send path in one process, without sockets: what one visitor message costs the web
process that stores it (CPU, wall time, queries), and where that time goes.

    .venv/bin/python -m bench.send_path --messages 300
    .venv/bin/python -m bench.send_path --messages 300 --profile      # cProfile's figures
    .venv/bin/python -m bench.send_path --messages 300 --as-consumer  # as the socket runs it

It copies a migrated throwaway PostgreSQL database (as bench.run does), seeds a workspace with
``bench.seed``, opens ``--conversations`` conversations, then calls the widget consumer's own
``send_as_contact`` ``--messages`` times, round robin, in this thread. The after-commit fan-out
goes to Redis (its own prefix); routing jobs go to Celery's queue in Redis database 12, which is
emptied at the end. Nothing here is a timed assertion: it prints figures.

By default the fan-out runs in this thread after the commit (``async_to_sync``, a new event loop
thread each time), which the socket path no longer does: its wall time is mostly that. With
``--as-consumer`` each message goes as the widget consumer sends it: ``in_database`` on an event
loop, the send in a socket database thread, the frames sent from the loop afterwards. It then
also prints the socket thread's CPU and wall time per message (what a thread of
``PARLEY_SOCKET_DB_THREADS`` is busy for), the time to the ack and the process's CPU.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import statistics
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

from bench.servers import (
    ROOT,
    Database,
    clear_redis_prefix,
    drop_template,
    in_process_env,
    migrated_template,
    where_measured,
)

REDIS = os.environ.get("BENCH_SEND_PATH_REDIS_URL", "redis://127.0.0.1:6379/12")


def environment(database: Database, prefix: str) -> dict[str, str]:
    return in_process_env(database.url, REDIS, prefix, host="127.0.0.1")


def run(messages: int, conversations: int, profile: bool, as_consumer: bool) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.seed import seed
    from parley.conversations import frames
    from parley.conversations.consumers.widget import identify_visitor, send_as_contact
    from parley.inboxes.services import widget_session_open

    origin = "http://bench.parley.test"
    seeded = seed(inboxes=2, agents=4, origin=origin)
    inbox_keys: list[str] = seeded["inboxes"]  # type: ignore[assignment]
    visitors = []
    for i in range(conversations):
        session = widget_session_open(public_key=inbox_keys[i % 2], origin=origin, token=None)
        contact, inbox = identify_visitor(token=session.token, origin=origin)
        visitors.append((contact, inbox))

    def send(contact: Any, inbox: Any, conversation: int | None, body: str) -> dict[str, Any]:
        frame = frames.MessageCreate(
            client_id=uuid.uuid4(),
            conversation=conversation,
            body=body,
            attachments=[],
            private=False,
            topic="",
        )
        return send_as_contact(contact=contact, inbox=inbox, frame=frame)

    # Each visitor's first message opens its conversation (and warms every lazy import).
    opened = [
        send(c, i, None, "hello, I need help with my order")["conversation"] for c, i in visitors
    ]
    if as_consumer:
        return _run_as_consumer(send, visitors, opened, messages, profile)
    queries: list[int] = []
    cpu: list[float] = []
    wall: list[float] = []
    profiler = None
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
    for n in range(messages):
        contact, inbox = visitors[n % conversations]
        body = f"message {n}: 我的订单还没有到，可以帮我查一下吗？ order 12345"
        with CaptureQueriesContext(connection) as captured:
            c0, w0 = time.thread_time(), time.perf_counter()
            send(contact, inbox, opened[n % conversations], body)
            c1, w1 = time.thread_time(), time.perf_counter()
        queries.append(len(captured.captured_queries))
        cpu.append((c1 - c0) * 1000)
        wall.append((w1 - w0) * 1000)
    _print_profile(profiler)
    last = captured.captured_queries
    return {
        "messages": messages,
        "queries_per_message": statistics.median(queries),
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "cpu_ms_mean": round(statistics.fmean(cpu), 2),
        "wall_ms_median": round(statistics.median(wall), 2),
        "wall_ms_p99": _p99(wall),
        "last_queries": [q["sql"][:160] for q in last],
    }


def _run_as_consumer(
    send: Any, visitors: list[Any], opened: list[int], messages: int, profile: bool
) -> dict[str, Any]:
    """Each message through ``in_database`` on an event loop, as the widget consumer sends it."""
    import asyncio

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from parley.conversations.consumers.database import in_database

    @dataclass
    class Measured:
        ack: dict[str, Any]
        queries: list[dict[str, Any]]
        cpu: float
        wall: float

    def measured_send(contact: Any, inbox: Any, conversation: int, body: str) -> Measured:
        # In the socket database thread: its own connection, its own CPU clock.
        with CaptureQueriesContext(connection) as captured:
            c0, w0 = time.thread_time(), time.perf_counter()
            ack = send(contact, inbox, conversation, body)
            c1, w1 = time.thread_time(), time.perf_counter()
        return Measured(ack, captured.captured_queries, (c1 - c0) * 1000, (w1 - w0) * 1000)

    call = in_database(measured_send)
    loop = asyncio.new_event_loop()
    figures: dict[str, list[float]] = {k: [] for k in ("queries", "cpu", "wall", "ack", "process")}
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    try:
        for n in range(messages):
            contact, inbox = visitors[n % len(visitors)]
            body = f"message {n}: 我的订单还没有到，可以帮我查一下吗？ order 12345"
            p0, w0 = time.process_time(), time.perf_counter()
            measured = loop.run_until_complete(call(contact, inbox, opened[n % len(opened)], body))
            p1, w1 = time.process_time(), time.perf_counter()
            figures["queries"].append(len(measured.queries))
            figures["cpu"].append(measured.cpu)
            figures["wall"].append(measured.wall)
            figures["ack"].append((w1 - w0) * 1000)
            figures["process"].append((p1 - p0) * 1000)
    finally:
        loop.close()
    _print_profile(profiler)
    return {
        "messages": messages,
        "queries_per_message": statistics.median(figures["queries"]),
        "thread_cpu_ms_median": round(statistics.median(figures["cpu"]), 2),
        "thread_wall_ms_median": round(statistics.median(figures["wall"]), 2),
        "thread_wall_ms_p99": _p99(figures["wall"]),
        "ack_ms_median": round(statistics.median(figures["ack"]), 2),
        "ack_ms_p99": _p99(figures["ack"]),
        "process_cpu_ms_median": round(statistics.median(figures["process"]), 2),
        "last_queries": [q["sql"][:160] for q in measured.queries],
    }


def _p99(values: list[float]) -> float:
    return round(sorted(values)[int(0.99 * (len(values) - 1))], 2)


def _print_profile(profiler: cProfile.Profile | None) -> None:
    if profiler is None:
        return
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--conversations", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print cProfile's figures")
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument(
        "--as-consumer",
        action="store_true",
        help="send through in_database on an event loop, as the widget consumer does",
    )
    args = parser.parse_args()
    database = Database()
    prefix = f"parley-send-path-{secrets.token_hex(4)}"
    env = environment(database, prefix)
    try:
        database.create(template=migrated_template({**os.environ, **env}, ROOT))
        os.environ.update(env)
        result = run(args.messages, args.conversations, args.profile, args.as_consumer)
    finally:
        database.drop()
        drop_template()
        clear_redis_prefix(prefix, REDIS, celery_queue=True)
    shown = (
        result if args.show_queries else {k: v for k, v in result.items() if k != "last_queries"}
    )
    for key, value in shown.items():
        if isinstance(value, list):
            print(f"{key}:")
            for item in value:
                print(f"  {item}")
        else:
            print(f"{key}: {value}")
    print(where_measured(), file=sys.stderr)


if __name__ == "__main__":
    main()
