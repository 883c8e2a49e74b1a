"""The REST probe's two requests in one process, without a server: what "list conversations" and
"send a message" cost the web process (CPU, wall time, queries per request), and where that time
goes.

    .venv/bin/python -m bench.rest_path --requests 200
    .venv/bin/python -m bench.rest_path --requests 200 --profile        # cProfile's figures
    .venv/bin/python -m bench.rest_path --requests 50 --show-queries    # the last request's SQL

It copies a migrated throwaway PostgreSQL database (as bench.run does), seeds a workspace with
``bench.seed`` (10 inboxes, 50 agents and an admin's API token, as the steady scenario does),
opens ``--conversations`` conversations through the widget's own send (each with a few
messages), then sends the probe's two requests ``--requests`` times each, alternating, through
Django's test client with the admin's ``Authorization: Token …`` header: the whole middleware
stack, authentication, permission checks, selectors and payloads, in this thread. What uvicorn
and the ASGI thread hops add is not in these figures. Nothing here is a timed assertion: it
prints figures.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import secrets
import statistics
import sys
import time
import uuid
from typing import Any, cast

from bench.servers import ROOT as _ROOT
from bench.servers import (
    Database,
    clear_redis_prefix,
    drop_template,
    in_process_env,
    migrated_template,
    where_measured,
)

REDIS = os.environ.get("BENCH_REST_PATH_REDIS_URL", "redis://127.0.0.1:6379/13")


def environment(database: Database, prefix: str) -> dict[str, str]:
    return in_process_env(database.url, REDIS, prefix, host="testserver")  # the test client's


def seed_conversations(conversations: int, messages: int) -> dict[str, Any]:
    from bench.seed import seed
    from parley.conversations import frames
    from parley.conversations.consumers.widget import identify_visitor, send_as_contact
    from parley.inboxes.services import widget_session_open

    origin = "http://bench.parley.test"
    seeded = seed(inboxes=10, agents=50, origin=origin)
    keys = cast(list[str], seeded["inboxes"])
    opened: list[int] = []
    for i in range(conversations):
        session = widget_session_open(public_key=keys[i % 10], origin=origin, token=None)
        contact, inbox = identify_visitor(token=session.token, origin=origin)
        conversation: int | None = None
        for n in range(messages):
            frame = frames.MessageCreate(
                client_id=uuid.uuid4(),
                conversation=conversation,
                body=f"message {n}: 我的订单还没有到，可以帮我查一下吗？ order 12345",
                attachments=[],
                private=False,
                topic="",
            )
            conversation = send_as_contact(contact=contact, inbox=inbox, frame=frame)[
                "conversation"
            ]
        assert conversation is not None
        opened.append(conversation)
    return {**seeded, "conversations": opened}


def run(
    requests: int, conversations: int, messages: int, profile: bool, explain: bool
) -> dict[str, Any]:
    import django

    django.setup()
    from asgiref.sync import async_to_sync
    from django.db import connection
    from django.test import AsyncClient

    seeded = seed_conversations(conversations, messages)
    # The ASGI handler, as uvicorn calls it: the sync middleware and view run in this thread
    # (asgiref's outer async_to_sync lends it), the event loop in another, so a view's own
    # async_to_sync (the fan-out to Redis) hops to the loop and back as in a server.
    client = AsyncClient()
    # Per request: AsyncClient(headers=…) would put them in the scope, where ASGI ignores them.
    headers = {"Authorization": f"Token {seeded['api_token']}"}
    base = f"/api/v1/workspaces/{seeded['workspace']}"
    rng = random.Random(8)
    executed: list[tuple[str, Any]] = []

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        executed.append((sql, params))
        return execute(sql, params, many, context)

    connection.execute_wrappers.append(count)

    async def list_conversations() -> int:
        return (await client.get(f"{base}/conversations/", headers=headers)).status_code

    async def send() -> int:
        response = await client.post(
            f"{base}/conversations/{rng.choice(seeded['conversations'])}/messages/",
            {"body": "REST reply", "client_id": str(uuid.uuid4())},
            content_type="application/json",
            headers=headers,
        )
        return response.status_code

    calls = {"list": list_conversations, "send": send}
    figures: dict[str, dict[str, list[float]]] = {
        kind: {"queries": [], "cpu": [], "wall": []} for kind in calls
    }
    last: dict[str, list[tuple[str, Any]]] = {}

    async def measure() -> None:
        for call in calls.values():  # warm every lazy import and the connection
            assert await call() < 400
        for n in range(2 * requests):
            kind = "list" if n % 2 == 0 else "send"
            executed.clear()
            c0, w0 = time.process_time(), time.perf_counter()
            code = await calls[kind]()
            c1, w1 = time.process_time(), time.perf_counter()
            assert code < 400, (kind, code)
            figures[kind]["queries"].append(len(executed))
            figures[kind]["cpu"].append((c1 - c0) * 1000)
            figures[kind]["wall"].append((w1 - w0) * 1000)
            last[kind] = list(executed)

    # cProfile sees this thread only: the middleware, authentication, view and SQL, not the
    # event loop's side (ASGI plumbing, Redis).
    profiler = cProfile.Profile() if profile else None
    if profiler is not None:
        profiler.enable()
    async_to_sync(measure)()
    if profiler is not None:
        profiler.disable()
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(70)
        stats.sort_stats("tottime").print_stats(30)
    result: dict[str, Any] = {"requests": requests, "conversations": conversations}
    for kind, measured in figures.items():
        wall = sorted(measured["wall"])
        result[kind] = (
            f"{statistics.median(measured['queries']):g} queries, "
            f"CPU {statistics.median(measured['cpu']):.2f} ms (mean "
            f"{statistics.fmean(measured['cpu']):.2f}), wall p50 {statistics.median(wall):.2f} "
            f"ms, p99 {wall[int(0.99 * (len(wall) - 1))]:.2f} ms"
        )
    result["last_queries"] = last
    if explain:
        # The list's one query, as the last request sent it: PostgreSQL's plan and timings.
        sql, params = last["list"][-1]
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            result["list_plan"] = [row[0] for row in cursor.fetchall()]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="of each kind")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=3, help="per conversation, seeded")
    parser.add_argument("--profile", action="store_true", help="print cProfile's figures")
    parser.add_argument("--show-queries", action="store_true")
    parser.add_argument("--explain", action="store_true", help="the list query's plan")
    args = parser.parse_args()
    database = Database()
    prefix = f"parley-rest-path-{secrets.token_hex(4)}"
    env = environment(database, prefix)
    try:
        database.create(template=migrated_template({**os.environ, **env}, _ROOT))
        os.environ.update(env)
        result = run(args.requests, args.conversations, args.messages, args.profile, args.explain)
    finally:
        database.drop()
        drop_template()
        clear_redis_prefix(prefix, REDIS, celery_queue=True)
    last = result.pop("last_queries")
    plan = result.pop("list_plan", [])
    for key, value in result.items():
        print(f"{key}: {value}")
    if args.show_queries:
        for kind, queries in last.items():
            print(f"{kind} queries:")
            for sql, _ in queries:
                print(f"  {sql[:200]}")
    for line in plan:
        print(line)
    print(where_measured(), file=sys.stderr)


if __name__ == "__main__":
    main()
