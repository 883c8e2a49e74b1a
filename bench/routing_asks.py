"""What asking routing for a pass costs the process that asks (a socket's database thread, after
commit), in one process: publishing a Celery job, as every ask did, against an ask that finds
the inbox's job still pending (parley/routing/tasks.py).

    .venv/bin/python -m bench.routing_asks --calls 1000
    .venv/bin/python -m bench.routing_asks --calls 1000 --no-publish-retry  # no ensure()
    .venv/bin/python -m bench.routing_asks --calls 1000 --profile           # cProfile, publishing

Production settings against the local Redis (``BENCH_ROUTING_REDIS_URL``, database 12 by default):
jobs go to a queue of this run's own, and the pending flags carry its own prefix; both are
removed at the end. No worker runs and no database is touched. It prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import secrets
import statistics
import time
from collections.abc import Callable

REDIS = os.environ.get("BENCH_ROUTING_REDIS_URL", "redis://127.0.0.1:6379/12")
INBOX_ID = 2**40  # no such inbox: the jobs are never run


def per_call(action: Callable[[], object], calls: int) -> tuple[float, float]:
    """CPU and wall time per call, in µs."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        action()
    return (
        (time.process_time() - cpu) / calls * 1e6,
        (time.perf_counter() - wall) / calls * 1e6,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-publish-retry", action="store_true")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    prefix = f"bench-asks-{secrets.token_hex(3)}"
    os.environ.update(
        DJANGO_SETTINGS_MODULE="parley.settings",
        REDIS_URL=REDIS,
        DATABASE_URL="postgres://unused@127.0.0.1:5432/unused",  # production mode; never opened
        PARLEY_CHANNEL_PREFIX=prefix,
        DJANGO_SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1",
        PARLEY_DEMO="0",
        PARLEY_WARM_UP="0",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    import redis

    from parley.celery import app
    from parley.routing import tasks

    app.conf.task_default_queue = prefix
    if args.no_publish_retry:
        app.conf.task_publish_retry = False

    def publish() -> None:  # what request_routing did on every ask
        tasks.route_inbox.delay(INBOX_ID)

    def ask_pending() -> None:  # an ask while the inbox's job has not started
        tasks.request_route_inbox(INBOX_ID)

    fresh = itertools.count(INBOX_ID + 1)

    def ask_publishing() -> None:  # an ask that queues the job (none pending: a new inbox)
        tasks.request_route_inbox(next(fresh))

    cases = {
        "publish a job (every ask before)": publish,
        "ask, job pending (coalesced)": ask_pending,
        "ask that publishes the job": ask_publishing,
    }
    broker = redis.Redis.from_url(REDIS)
    try:
        for action in cases.values():
            per_call(action, 20)  # connections, declarations
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
        for _ in range(args.rounds):  # interleaved, so a busier moment hits every case alike
            for name, action in cases.items():
                results[name].append(per_call(action, args.calls))
        print(f"{args.calls} calls x {args.rounds} rounds, medians of rounds, µs per call")
        for name, rounds in results.items():
            cpu = statistics.median(r[0] for r in rounds)
            wall = statistics.median(r[1] for r in rounds)
            print(f"  {name:40} CPU {cpu:7.1f}   wall {wall:7.1f}")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.runcall(per_call, publish, args.calls)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    finally:
        # The queue, kombu's binding tables and the pending flags (the cache's keys carry the
        # prefix too).
        for name in broker.scan_iter(f"*{prefix}*"):
            broker.delete(name)


if __name__ == "__main__":
    main()
