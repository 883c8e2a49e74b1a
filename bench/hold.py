"""Hold one message rate and watch the latency window by window: is the rate sustained, or does
a backlog build? The ceiling scenario's short steps can end before a slow backlog shows.

    .venv/bin/python -m bench.hold --rate 160 --seconds 20
    .venv/bin/python -m bench.hold --rate 160 --targets parley,b2 --workers 4
    .venv/bin/python -m bench.hold --rate 160 --env PARLEY_SOCKET_DB_THREADS=8

Each target is started as ``bench.run`` starts it (``parley``, its variants, ``before`` with
``--before``, ``b2``), the visitors open their conversations, then the rate is held for
``--seconds`` in windows of ``--window`` seconds. For each window it prints the messages sent
in it, how many were delivered to every agent of their inbox, and their delivery and ack
latency; a sustained rate keeps the latency flat, a backlog makes it climb. Also printed: the
CPU of each server process over the held time. Nothing here is a timed assertion.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.load.generator import run_load
from bench.load.plan import Plan, Step
from bench.scenarios import Options, make_server, running
from bench.servers import Parley, cpu_seconds, drop_template, load_average, where_measured


def cpu_of(server: Any, plan: Plan) -> Callable[[float], dict[str, float]]:
    """% of one core per server process over the held steps (after the warm-up)."""

    def measure(start: float) -> dict[str, float]:
        time.sleep(max(0.0, start + plan.warmup_seconds - time.time()))
        pids = {f"web {pid}": pid for pid in server.worker_pids()}
        if isinstance(server, Parley):
            pids["celery"] = server.processes[-1].pid
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        held = sum(step.seconds for step in plan.steps)
        time.sleep(held)
        return {n: round(100 * (cpu_seconds(p) - before[n]) / held, 1) for n, p in pids.items()}

    return measure


def hold(options: Options, target: str, plan: Plan, env: dict[str, str]) -> None:
    server = make_server(target, options, inboxes=5, agents=plan.agents, workers=options.workers)
    if isinstance(server, Parley):
        server.extra_env = {**server.extra_env, **env}
    with running(server):
        stored_before = server.stored_messages()
        result = run_load(plan, server.target(), during=cpu_of(server, plan))
        stored_after = server.stored_messages()
    stored = None if stored_before is None or stored_after is None else stored_after - stored_before
    print(f"\n{target}: {where_measured()}")
    print(
        f"sent {result['sent']}, acked {result['acked']}, stored {stored}, "
        f"lost deliveries {result['lost_deliveries']}, duplicates {result['duplicates']}; "
        f"CPU (% of a core) {result.get('during')}"
    )
    print("window  sent  delivered  delivery p50 / p99 ms  ack p50 ms")
    for index, step in enumerate(result["steps"]):
        delivery, ack = step["delivery_ms"], step["ack_ms"]
        print(
            f"{index * step['seconds']:>4.0f} s  {step['sent']:>4}  {step['delivered_to_all']:>9}"
            f"  {delivery.get('p50', '-'):>10} / {delivery.get('p99', '-'):<10}"
            f"  {ack.get('p50', '-')}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=160.0, help="messages per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--window", type=float, default=2.0)
    parser.add_argument("--visitors", type=int, default=100)
    parser.add_argument("--agents", type=int, default=10, help="over 5 inboxes")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--targets", default="parley")
    parser.add_argument("--before", type=Path, default=None)
    parser.add_argument("--env", action="append", default=[], help="KEY=VALUE for Parley")
    args = parser.parse_args(argv)
    windows = max(1, round(args.seconds / args.window))
    plan = Plan(
        visitors=args.visitors,
        agents=args.agents,
        warmup_rate=min(100.0, args.visitors / 5),
        steps=tuple(Step(rate=args.rate, seconds=args.window) for _ in range(windows)),
    )
    options = Options(quick=True, workers=args.workers, before=args.before)
    env = dict(item.split("=", 1) for item in args.env)
    print(f"{args.rate:g} msg/s for {windows} × {args.window:g} s; load average {load_average()}")
    try:
        for target in args.targets.split(","):
            hold(options, target, replace(plan), env)
    finally:
        drop_template()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
